// @ts-check
// Starting the app from the blob.
/* global __v8snap_profiler, __v8snap_enableCodeCache, __v8snap_sea, __v8snap_keepsSymlinks */
/* exported __v8snap_main */

/**
 * @param {V8snapLoaderShared} shared
 * @param {() => string} staleReason
 */
function __v8snap_main(shared, staleReason) {
  'use strict';
  const { state, runtime, Module, path, config } = shared;
  const nodeRequire = state.realRequire; // (not `require(...)`: see js/README.md, "snapshot script parts")

  // `node <main> args...` in a fresh process, with this one's stdio and exit code (a signal that killed the
  // child kills us the same way).
  /** @param {string} main */
  function runPlain(main) {
    const { spawnSync } = nodeRequire('child_process');
    const res = spawnSync(process.execPath, [...process.execArgv, main, ...process.argv.slice(2)], { stdio: 'inherit' });
    if (res.signal) process.kill(process.pid, res.signal);
    process.exit(res.status === null ? 1 : res.status);
  }

  // Start the app as `node <entry> args...` would: argv[1] is the entry, then Node's runMain.
  runtime.runMain = function runMain() {
    const prof = __v8snap_profiler(state); // `v8snap profile` marks, null unless V8SNAP_PROFILE is set
    runtime.prof = prof;
    if (prof) prof.mark('loader start');
    const entry = state.filenameOf(config.entry);
    // A bin's launcher (bake/launcher.py) passes the path it was run by (node_modules/.bin/<bin>), which is
    // what node gives as argv[1] when that path is run directly; the main module is still the bin's script.
    const argv1 = process.env.V8SNAP_ARGV1;
    delete process.env.V8SNAP_ARGV1;
    // A single executable (sea-boot.js, only in `v8snap sea` scripts) has the binary as argv[1]: replace it.
    const sea = typeof __v8snap_sea === 'function' && __v8snap_sea(state);
    process.argv.splice(1, sea ? 1 : 0, argv1 ? path.resolve(argv1) : entry);
    // A plain run has no --snapshot-blob in execArgv; child_process.fork() passes execArgv on, and a
    // forked child must not boot from this blob.
    const i = process.execArgv.findIndex((a) => a === '--snapshot-blob' || a.startsWith('--snapshot-blob='));
    let blob = null;
    if (i !== -1) {
      blob = process.execArgv[i] === '--snapshot-blob' ? process.execArgv[i + 1] : process.execArgv[i].slice(16);
      process.execArgv.splice(i, process.execArgv[i] === '--snapshot-blob' ? 2 : 1);
    }
    // node:test's run() gives the processes of test files this process's own node options (read from
    // node's option binding, not process.execArgv): such a child boots from this blob too, with a test
    // file as argv[1]. The launcher marks its own runs (V8SNAP_LAUNCHED, removed here, so no child inherits
    // it); an unmarked run with NODE_TEST_CONTEXT (node:test's mark on its children) runs as node would.
    const launched = process.env.V8SNAP_LAUNCHED === '1';
    delete process.env.V8SNAP_LAUNCHED;
    if (blob !== null && !launched && process.env.NODE_TEST_CONTEXT !== undefined) {
      process.argv.splice(1, 1);
      return runPlain(process.argv[1]);
    }
    const symlinks = __v8snap_keepsSymlinks(shared);
    const stale = staleReason() || (symlinks === null ? `${config.staleCheck.symlinkProbe} is gone` : '');
    if (prof) prof.mark('stat');
    if (stale || symlinks) {
      // Healthy modules' load-time effects (globals they set) live in this heap: only a fresh process is
      // a plain run. Same stdio, same exit code; a signal that killed the child kills us the same way.
      // One line, whatever a path holds (control characters shown as '?').
      // eslint-disable-next-line no-control-regex
      const why = stale.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029]/g, '?');
      // With --preserve-symlinks it is the documented behaviour, not a fault: no warning.
      if (stale) process.stderr.write(`v8snap: snapshot not used (${why}); running without it. Rebuild: v8snap build\n`);
      runPlain(entry);
    } else if (process.env.V8SNAP_DISABLE === '1') {
      runtime.enabled = false;
    } else {
      runtime.invalidated = runtime.invalidateStale();
      if (prof) prof.mark('assumptions');
      runtime.install();
      __v8snap_enableCodeCache(shared, blob);
      if (prof) prof.mark('hooks');
    }
    // V8SNAP_STATS=<file>: write what the snapshot served when the process exits (tests, benchmarks).
    const statsFile = process.env.V8SNAP_STATS;
    if (statsFile) {
      process.on('exit', () => {
        const stats = { enabled: runtime.enabled, stale: stale || null, served: runtime.served,
          healthy: config.order.length, invalidated: runtime.invalidated || [], onDisk: runtime.onDisk };
        nodeRequire('fs').writeFileSync(statsFile, JSON.stringify(stats));
      });
    }
    if (prof) {
      prof.wrapLoad();
      prof.mark('main start');
    }
    Module.runMain(entry);
    if (prof) prof.mark('main end');
  };
}
