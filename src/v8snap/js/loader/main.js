// @ts-check
// Starting the app from the blob.
/* exported __v8snap_main */

/**
 * @param {V8snapLoaderShared} shared
 * @param {() => string} staleReason
 */
function __v8snap_main(shared, staleReason) {
  'use strict';
  const { state, runtime, Module, config } = shared;
  const nodeRequire = state.realRequire; // (not `require(...)`: see js/README.md, "snapshot script parts")

  // Start the app as `node <entry> args...` would: argv[1] is the entry, then Node's runMain.
  runtime.runMain = function runMain() {
    const entry = state.filenameOf(config.entry);
    process.argv.splice(1, 0, entry);
    // A plain run has no --snapshot-blob in execArgv; child_process.fork() passes execArgv on, and a
    // forked child must not boot from this blob.
    const i = process.execArgv.findIndex((a) => a === '--snapshot-blob' || a.startsWith('--snapshot-blob='));
    if (i !== -1) process.execArgv.splice(i, process.execArgv[i] === '--snapshot-blob' ? 2 : 1);
    const stale = staleReason();
    if (stale) {
      // Healthy modules' load-time effects (globals they set) live in this heap: only a fresh process is
      // a plain run. Same stdio, same exit code; a signal that killed the child kills us the same way.
      // One line, whatever a path holds (control characters shown as '?').
      // eslint-disable-next-line no-control-regex
      const why = stale.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029]/g, '?');
      process.stderr.write(`v8snap: snapshot not used (${why}); running without it. Rebuild: v8snap build\n`);
      const { spawnSync } = nodeRequire('child_process');
      const res = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
      if (res.signal) process.kill(process.pid, res.signal);
      process.exit(res.status === null ? 1 : res.status);
    } else if (process.env.V8SNAP_DISABLE === '1') {
      runtime.enabled = false;
    } else {
      runtime.invalidated = runtime.invalidateStale();
      runtime.install();
    }
    // V8SNAP_STATS=<file>: write what the snapshot served when the process exits (tests, benchmarks).
    const statsFile = process.env.V8SNAP_STATS;
    if (statsFile) {
      process.on('exit', () => {
        const stats = { enabled: runtime.enabled, stale: stale || null, served: runtime.served,
          healthy: config.order.length, invalidated: runtime.invalidated || [] };
        nodeRequire('fs').writeFileSync(statsFile, JSON.stringify(stats));
      });
    }
    Module.runMain(entry);
  };
}
