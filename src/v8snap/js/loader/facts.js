// @ts-check
// The facts of this process that assumptions recorded at build time are checked against
// (loader/freshness.js invalidateStale): a user's execArgv in library mode, a terminal fact, the number
// of CPUs, what node resolves a request to that it found nothing for at build time.
/* exported __v8snap_facts */

/** @param {V8snapLoaderShared} shared */
function __v8snap_facts(shared) {
  'use strict';
  const { state, runtime } = shared;
  const nodeRequire = state.realRequire; // (not `require(...)`: see js/README.md, "snapshot script parts")
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
  // Asked once per start however many modules assumed them (os.cpus() reads /proc: ~0.15 ms).
  /** @type {Record<string, any>} */
  const once = Object.create(null);
  // The number of CPUs (prelude/guard-fs-os.js): `cpus().length` or `availableParallelism()`.
  /** @param {string} name */
  function osFact(name) {
    if (!(name in once)) {
      const os = nodeRequire('os');
      once[name] = name === 'cpus().length' ? os.cpus().length : os.availableParallelism();
    }
    return once[name];
  }
  // The environment's names, sorted, without v8snap's own (prelude/guard-env.js).
  function envNames() {
    once.envNames ||= Object.keys(process.env).filter((n) => !n.startsWith('V8SNAP_')).sort();
    return once.envNames;
  }
  return { userExecArgv, ttyFact, osFact, envNames, resolvable };
}
