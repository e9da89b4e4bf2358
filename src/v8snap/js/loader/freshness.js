// @ts-check
// Is this process the one the blob was built for? The stale check (node binary, files baked into the blob)
// and the assumptions recorded at build time (environment variables, argv, execArgv, cwd).
/* global __v8snap_facts */
/* exported __v8snap_freshness */

/**
 * @param {V8snapLoaderShared} shared
 * @returns {() => string} staleReason: why the blob does not match the app, '' when it does
 */
function __v8snap_freshness(shared) {
  'use strict';
  const { state, runtime, config } = shared;
  const nodeRequire = state.realRequire; // (not `require(...)`: see js/README.md, "snapshot script parts")

  // Cheap checks that the blob still matches the app: the node binary, and every file baked into the blob,
  // node_modules included (one stat each: size, mtime, inode; ~0.5 ms for 1,000 files). The recorded
  // [size, mtimeMs, ino] are what fs.statSync reports (bake/meta.py stat_stamp), compared exactly.
  // The full check (sha256) is `v8snap verify`.
  // A changed or deleted CommonJS module that was not initialized at build time (deferred, norewrite: no
  // record, so nothing of it is in this heap) and whose content no healthy module read at load is loaded
  // by node from disk instead (its definition leaves the registry): an edited test file or route does not
  // cost the whole snapshot. Anything else that changed makes the blob stale (the caller runs the app plainly).
  runtime.onDisk = []; // keys served from disk because their file changed
  function staleReason() {
    const check = config.staleCheck || {};
    if (check.version && check.version !== process.version) return `built for node ${check.version}`;
    if (check.node && check.node !== process.execPath) return `built for ${check.node}`;
    if (runtime.prof) runtime.prof.mark('fingerprint');
    const changed = [];
    let file;
    try {
      for (file in check.files || {}) {
        const how = changedSinceBuild(file);
        if (how && !fromDisk(file, check)) return `${file} ${how}`;
        if (how) changed.push(file);
      }
    } catch {
      return `${file} is unreadable`;
    }
    for (const f of changed) {
      const key = /** @type {string} */ (state.keyOfFilename(f));
      delete state.definitions[key];
      runtime.onDisk.push(key);
    }
    return '';
  }
  // 'changed' / 'is gone' when `file` (baked into the blob) differs from its stamp, else ''. Also asked when
  // a module's definition runs after startup (loader/serve.js): one edited during a long run and required
  // again (mocha --watch deletes require.cache) is read from disk, as a plain run reads it then.
  const statOpts = { throwIfNoEntry: false };
  /** @param {string} file */
  function changedSinceBuild(file) {
    const stamp = ((config.staleCheck || {}).files || {})[file];
    if (stamp === undefined) return '';
    const st = nodeRequire('fs').statSync(file, statOpts);
    if (st === undefined) return 'is gone';
    return st.size !== stamp[0] || st.mtimeMs !== stamp[1] || st.ino !== stamp[2] ? 'changed' : '';
  }
  runtime.changedSinceBuild = changedSinceBuild;
  /** @param {string} file @param {any} check */
  function fromDisk(file, check) {
    const key = state.keyOfFilename(file);
    if (key === null || state.definitions[key] === undefined || state.records[key] !== undefined) return false;
    if ((config.esm || {})[key] !== undefined) return false;
    return !(check.readAtLoad || []).includes(file);
  }

  // Assumptions recorded at build time (prelude/recording.js state.assume) that do not hold in this process: the
  // modules that made them, and every module that required one of those at load (it captured the stale
  // exports), lose their build-time state and run again from their definitions. Returns the keys.
  runtime.failedAssumptions = []; // [key, kind, name] that did not hold
  const { userExecArgv, ttyFact, osFact, envNames, resolvable } = __v8snap_facts(shared);
  runtime.invalidateStale = function invalidateStale() {
    const failed = [];
    for (const key of Object.keys(state.assumptions)) {
      for (const [kind, name, value] of state.assumptions[key]) {
        let now;
        if (kind === 'env') now = process.env[name] === undefined ? null : process.env[name];
        else if (kind === 'envNames') now = envNames();
        else if (kind === 'argv') now = process.argv;
        else if (kind === 'execArgv') now = config.mode === 'library' ? userExecArgv() : process.execArgv;
        else if (kind === 'tty') now = ttyFact(name);
        else if (kind === 'os') now = osFact(name);
        else if (kind === 'missing') now = resolvable(name);
        else now = process.cwd();
        if (JSON.stringify(now) !== JSON.stringify(value)) {
          failed.push(key);
          runtime.failedAssumptions.push([key, kind, name]);
          break;
        }
      }
    }
    if (failed.length === 0) return failed;
    const requiredBy = Object.create(null);
    for (const parent of Object.keys(state.childKeys)) {
      for (const child of state.childKeys[parent]) (requiredBy[child] ||= []).push(parent);
    }
    const invalid = new Set(failed);
    const queue = failed.slice();
    while (queue.length) {
      for (const parent of requiredBy[queue.pop()] || []) {
        if (!invalid.has(parent)) {
          invalid.add(parent);
          queue.push(parent);
        }
      }
    }
    for (const key of invalid) delete state.records[key];
    return [...invalid];
  };
  return staleReason;
}
