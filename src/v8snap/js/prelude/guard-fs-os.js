// @ts-check
// Guards on fs, os and crypto. They are guarded in place (not wrapped): modules must see, and may patch, the real
// objects. Reading a file inside the app is fine (and recorded in state.fsReads); outside it, a violation.
/* exported __v8snap_guardFs, __v8snap_guardOs, __v8snap_guardCrypto */

/** @param {V8snapState} state */
function __v8snap_guardFs(state) {
  'use strict';
  const fs = state.fs;
  const path = state.path;
  const root = state.config.root;
  /** @param {any} p */
  function insideApp(p) {
    try {
      // Case-insensitively: TypeScript probes whether the app's file system is case-sensitive by
      // stat-ing its own file name with the case swapped; the answer is a fact of the app root.
      const abs = path.resolve(String(p instanceof URL ? p.pathname : p)).toLowerCase();
      const r = root.toLowerCase();
      return abs === r || abs.startsWith(r + path.sep);
    } catch {
      return false;
    }
  }
  const reads = new Set(['readFileSync', 'existsSync', 'statSync', 'lstatSync', 'readdirSync', 'realpathSync',
    'accessSync', 'openSync', 'readlinkSync']);
  // Descriptors of files inside the app opened at load: reading, stat-ing and closing them is reading the
  // file (readFileSync without an encoding goes through fs.openSync, fs.readSync and fs.closeSync).
  /** @type {Set<number>} */
  const appFds = new Set();
  const byFd = new Set(['readSync', 'readvSync', 'fstatSync', 'closeSync']);
  /** @param {any} fd @param {any[]} args */
  const opened = (fd, args) => {
    if (typeof fd === 'number' && insideApp(args[0])) appFds.add(fd);
  };
  for (const name of Object.keys(fs)) {
    const desc = Object.getOwnPropertyDescriptor(fs, name);
    if (!desc || !('value' in desc) || typeof desc.value !== 'function' || !desc.writable) continue;
    if (/^[A-Z]/.test(name)) continue; // classes (Stats, Dirent, ReadStream, ...)
    if (reads.has(name)) {
      state.guardMethod(fs, name, 'FS_OUTSIDE_APP', null, (args) => {
        if (!insideApp(args[0])) {
          state.violate('FS_OUTSIDE_APP', `fs.${name}(${String(args[0])})`);
        }
        const key = state.initStack[state.initStack.length - 1];
        const rel = state.keyOfFilename(path.resolve(String(args[0])));
        if (key && rel) (state.fsReads[key] ||= []).push(rel);
        return false;
      }, name === 'openSync' ? opened : undefined);
    } else if (byFd.has(name)) {
      state.guardMethod(fs, name, 'FS_OUTSIDE_APP', `fs.${name}() at load time`, (args) => !appFds.has(args[0]),
        name === 'closeSync' ? (_out, args) => appFds.delete(args[0]) : undefined);
    } else if (name !== 'realpathSync') {
      state.guardMethod(fs, name, 'FS_OUTSIDE_APP', `fs.${name}() at load time`);
    }
  }
}

/** @param {V8snapState} state */
function __v8snap_guardOs(state) {
  'use strict';
  const os = state.realRequire('os');
  for (const name of ['hostname', 'networkInterfaces', 'userInfo', 'homedir', 'tmpdir',
    'totalmem', 'freemem', 'uptime', 'loadavg', 'getPriority']) {
    state.guardMethod(os, name, 'ENV_READ', `os.${name}()`);
  }
  // The number of CPUs, read at load to size a pool (fast-glob, piscina, jest-worker, ...), is an
  // assumption (kind `os`, checked at startup: js/loader/freshness.js): `os.availableParallelism()`, and
  // `os.cpus().length` of a stand-in array; any other use of that array at load (models, speeds, times)
  // is ENV_READ. A kept array answers from a live `os.cpus()` taken at its first use after the build.
  const realCpus = os.cpus;
  const realParallelism = os.availableParallelism;
  state.guardMethod(os, 'availableParallelism', 'ENV_READ', 'os.availableParallelism()',
    () => !state.assume('os', 'availableParallelism()', realParallelism.call(os)));
  state.guardMethod(os, 'cpus', 'ENV_READ', 'os.cpus()', () => false, undefined, (/** @type {any[]} */ arr) => {
    /** @type {any[] | null} */
    let live = null;
    const target = () => (state.phase === 'build' ? arr : (live ||= realCpus.call(os)));
    /** @param {string | symbol | null} k */
    const check = (k) => {
      if (!state.building()) return;
      if (k !== 'length' || !state.assume('os', 'cpus().length', arr.length)) state.violate('ENV_READ', 'os.cpus()');
    };
    return new Proxy(arr, {
      get: (_t, k) => (check(k), Reflect.get(target(), k)),
      has: (_t, k) => (check(k), Reflect.has(target(), k)),
      ownKeys: () => (check(null), Reflect.ownKeys(target())),
      getOwnPropertyDescriptor: (_t, k) => (check(k), Reflect.getOwnPropertyDescriptor(target(), k)),
      set: (_t, k, v) => Reflect.set(target(), k, v),
      defineProperty: (_t, k, d) => Reflect.defineProperty(target(), k, d),
      deleteProperty: (_t, k) => Reflect.deleteProperty(target(), k),
    });
  });
}

// Randomness from node's crypto (the module and Web Crypto, `globalThis.crypto`): bytes, UUIDs, keys or primes
// made at load would be baked into the blob, the same in every run (a secret, a nonce). Guarded when a module
// first reaches crypto (state.builtin, or the global's getter), so the builder loads it only for apps that do.
/** @param {V8snapState} state @returns {() => void} installs the guards once */
function __v8snap_guardCrypto(state) {
  'use strict';
  let done = false;
  return () => {
    if (done) return;
    done = true;
    state.internal++;
    try {
      const crypto = state.realRequire('crypto');
      for (const name of ['randomBytes', 'randomFillSync', 'randomFill', 'randomInt', 'randomUUID',
        'pseudoRandomBytes', 'prng', 'rng', 'generateKeyPairSync', 'generateKeyPair', 'generateKeySync',
        'generateKey', 'generatePrimeSync', 'generatePrime']) {
        state.guardMethod(crypto, name, 'RANDOM_READ', `crypto.${name}()`);
      }
      // (crypto.getRandomValues, an accessor, calls the Web Crypto one)
      const web = crypto.webcrypto;
      if (web) {
        for (const name of ['getRandomValues', 'randomUUID']) {
          state.guardMethod(web, name, 'RANDOM_READ', `crypto.${name}()`);
        }
      }
    } finally {
      state.internal--;
    }
  };
}
