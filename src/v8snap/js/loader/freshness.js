// @ts-check
// Is this process the one the blob was built for? The stale check (node binary, files baked into the blob)
// and the assumptions recorded at build time (environment variables, argv, execArgv, cwd).
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
  // Library mode (the embedding API): the runtime's own flags -- its sandbox (--permission, --allow-*),
  // heap limit and --snapshot-blob -- are set by v8snap, identical with and without a snapshot; an
  // execArgv assumption is about the flags a user added.
  function userExecArgv() {
    const out = [];
    const argv = process.execArgv;
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i];
      if (a === '--snapshot-blob') i++;
      else if (!/^--(snapshot-blob=|permission$|allow-|max-old-space-size=)/.test(a)) out.push(a);
    }
    return out;
  }
  // A terminal fact (prelude/guard-tty.js) of this process: `isatty:<fd>`, `<stream>.<isTTY|columns|rows>`
  // or `<stream>.<hasColors|getColorDepth>(<numbers>)`. Only a terminal's stream has any of them (node
  // makes process.stdout a tty.WriteStream exactly when isatty(1)), so a pipe or file answers null from
  // isatty alone (~1 us) and process.stdout / stderr is made only where a terminal's fact must be read.
  /** @type {((fd: number) => boolean) | null} */
  let isatty = null;
  /** @param {string} name @returns {any} */
  function ttyFact(name) {
    isatty ||= nodeRequire('tty').isatty;
    if (name.startsWith('isatty:')) return isatty(Number(name.slice(7)));
    const m = /^(stdout|stderr)\.(isTTY|columns|rows|hasColors|getColorDepth)(?:\((.*)\))?$/.exec(name);
    if (m === null) return undefined; // unknown: does not hold
    if (!isatty(m[1] === 'stdout' ? 1 : 2)) return null;
    if (m[2] === 'isTTY') return true;
    const stream = m[1] === 'stdout' ? process.stdout : process.stderr;
    if (m[3] === undefined) return stream[m[2]] ?? null;
    const args = m[3] === '' ? [] : m[3].split(',').map((a) => (a === 'undefined' ? undefined : Number(a)));
    return stream[m[2]](...args) ?? null;
  }
  // A request node found nothing for at build time (prelude/require.js): what node resolves it to now,
  // null while it is still missing. `name` is `<directory key>\0<request>`.
  /** @param {string} name */
  function resolvable(name) {
    const at = name.indexOf('\u0000');
    const dir = state.filenameOf(name.slice(0, at));
    const Module = runtime.Module;
    const parent = { id: dir, filename: state.path.join(dir, '[v8snap]'), paths: Module._nodeModulePaths(dir) };
    try {
      return Module._resolveFilename(name.slice(at + 1), parent, false);
    } catch {
      return null;
    }
  }
  runtime.invalidateStale = function invalidateStale() {
    const failed = [];
    for (const key of Object.keys(state.assumptions)) {
      for (const [kind, name, value] of state.assumptions[key]) {
        let now;
        if (kind === 'env') now = process.env[name] === undefined ? null : process.env[name];
        else if (kind === 'envNames') now = Object.keys(process.env).filter((n) => !n.startsWith('V8SNAP_')).sort();
        else if (kind === 'argv') now = process.argv;
        else if (kind === 'execArgv') now = config.mode === 'library' ? userExecArgv() : process.execArgv;
        else if (kind === 'tty') now = ttyFact(name);
        else if (kind === 'os') now = name === 'cpus().length' ? nodeRequire('os').cpus().length : nodeRequire('os').availableParallelism();
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
