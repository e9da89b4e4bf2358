// v8snap loader: the run-time half of the snapshot script (see prelude.js for the layout).
//
// After the blob is deserialized, the require hook serves modules from the snapshot:
//   - a request the resolver map knows, whose target is in the registry, is served from the snapshot:
//     healthy -> the exports initialized at build time; deferred/norewrite -> its definition, run once;
//   - each served module is registered in Module._cache as a real Module (id, filename, paths, parent,
//     loaded, children), so require.cache, module.parent and require.main behave as in a plain run, and
//     `delete require.cache[f]` makes the next require re-run the definition (as Node re-reads the file);
//   - anything else (built-ins, native addons, modules not in the snapshot, ESM) goes to Node's loader.
// V8SNAP_DISABLE=1 boots from the blob but serves nothing from it (the opt-out of Cypress's tooling).
// No top-level 'use strict': it would make every module definition in the script strict.

// eslint-disable-next-line no-unused-vars
function __v8snap_makeRuntime(state) {
  'use strict';
  const Module = require('module');
  const path = require('path');
  const config = state.config;
  const definitions = state.definitions;
  const origLoad = Module._load;
  const origResolveFilename = Module._resolveFilename;
  const runtime = { Module, served: 0, enabled: true };

  // Module objects for registry keys, created on first use at run time.
  const moduleOf = Object.create(null); // key -> Module

  function parentDirKey(parent) {
    if (!parent || typeof parent.filename !== 'string') return null;
    const key = state.keyOfFilename(parent.filename);
    return key === null ? null : state.dirKeyOf(key);
  }

  // The registry key a (request, parent) pair resolves to, or undefined when the snapshot cannot tell.
  function targetOf(request, parent) {
    if (path.isAbsolute(request)) {
      const key = state.keyOfFilename(request);
      if (key !== null && definitions[key] !== undefined) return key;
      return undefined;
    }
    const dir = parentDirKey(parent);
    if (dir === null) return undefined;
    const target = config.map[dir + '\u0000' + request];
    if (target === undefined || target.startsWith('node:') || definitions[target] === undefined) return undefined;
    return target;
  }

  function makeRequireFunction(mod) {
    function require(id) {
      return mod.require(id);
    }
    require.resolve = function resolve(request, options) {
      return Module._resolveFilename(request, mod, false, options);
    };
    require.resolve.paths = function paths(request) {
      return Module._resolveLookupPaths(request, mod);
    };
    require.main = process.mainModule;
    require.extensions = Module._extensions;
    require.cache = Module._cache;
    return require;
  }

  function attach(mod, parent) {
    if (parent && Array.isArray(parent.children) && !parent.children.includes(mod)) parent.children.push(mod);
  }

  // Serve `key` for `parent`; mirrors Module._load's cache-first behaviour.
  function load(key, parent, isMain) {
    const filename = state.filenameOf(key);
    const cached = Module._cache[filename];
    let placeholder = null;
    if (cached !== undefined) {
      attach(cached, parent);
      // An unloaded Module that Node's ESM loader put in the cache for this call to fill (an `import` of
      // this CommonJS module, e.g. from an ES module loaded by require(esm)), marked with its private
      // symbol: Module._load loads into that very object, and the ESM loader reads its exports afterwards.
      // Anything else cached (loaded, or a circular require in progress) answers with its exports.
      if (cached.loaded || moduleOf[key] === cached || !cachedByEsmLoader(cached)) return cached.exports;
      placeholder = cached;
    }
    const dirname = path.dirname(filename);
    const record = state.records[key];
    let mod;
    if (record !== undefined && moduleOf[key] === undefined && placeholder !== null) {
      placeholder.exports = record.exports;
      placeholder.loaded = true;
      moduleOf[key] = placeholder;
      runtime.served++;
      registerChildren(key, placeholder);
      return placeholder.exports;
    }
    if (record !== undefined && moduleOf[key] === undefined) {
      // Healthy: adopt the build-time record as a real Module, keeping the object the code captured.
      const exports = record.exports;
      Object.setPrototypeOf(record, Module.prototype);
      Module.call(record, filename, parent);
      mod = record;
      mod.exports = exports;
      mod.filename = filename;
      mod.paths = Module._nodeModulePaths(dirname);
      mod.loaded = true;
      moduleOf[key] = mod;
      if (isMain) setMain(mod);
      Module._cache[filename] = mod;
      runtime.served++;
      registerChildren(key, mod);
      return mod.exports;
    }
    // Deferred / norewrite, or a healthy module whose cache entry was deleted: run its definition.
    mod = placeholder || new Module(filename, parent);
    mod.filename = filename;
    mod.paths = Module._nodeModulePaths(dirname);
    moduleOf[key] = mod;
    if (isMain) setMain(mod);
    Module._cache[filename] = mod;
    let threw = true;
    try {
      definitions[key].call(mod.exports, mod.exports, mod, makeRequireFunction(mod), filename, dirname);
      threw = false;
    } finally {
      if (threw) {
        delete Module._cache[filename];
        if (parent && Array.isArray(parent.children)) {
          const i = parent.children.indexOf(mod);
          if (i !== -1) parent.children.splice(i, 1);
        }
      }
    }
    mod.loaded = true;
    runtime.served++;
    return mod.exports;
  }

  // What a healthy module required at build time is loaded too, as in a plain run: register those Modules.
  function registerChildren(key, mod) {
    for (const child of state.childKeys[key] || []) {
      if (Module._cache[state.filenameOf(child)] === undefined && state.records[child] !== undefined) {
        load(child, mod, false);
      } else {
        attach(Module._cache[state.filenameOf(child)], mod);
      }
    }
  }

  function cachedByEsmLoader(mod) {
    for (const sym of Object.getOwnPropertySymbols(mod)) {
      if (sym.description === 'kIsCachedByESMLoader' && mod[sym]) return true;
    }
    return false;
  }

  function setMain(mod) {
    process.mainModule = mod;
    mod.id = '.';
  }

  // Dynamic import from code compiled into the blob (prelude.js `__v8snap_import`): a one-line thunk
  // compiled by Node's CommonJS loader under the module's filename has the dynamic-import callback the
  // builder's code lacks, and resolves the specifier against that file as a plain run does.
  const importThunks = new Map(); // filename -> (specifier, options) => Promise
  state.dynamicImport = function dynamicImport(filename, specifier, options) {
    let thunk = importThunks.get(filename);
    if (thunk === undefined) {
      const m = new Module(filename, null);
      m.filename = filename;
      m.paths = Module._nodeModulePaths(path.dirname(filename));
      m._compile('module.exports = (s, o) => (o === undefined ? import(s) : import(s, o));', filename);
      thunk = m.exports;
      importThunks.set(filename, thunk);
    }
    return thunk(specifier, options);
  };

  runtime.install = function install() {
    Module._load = function v8snapLoad(request, parent, isMain) {
      const key = targetOf(request, parent);
      if (key === undefined) return origLoad.apply(this, arguments);
      return load(key, parent, isMain);
    };
    Module._resolveFilename = function v8snapResolveFilename(request, parent, isMain, options) {
      if (options === undefined && typeof request === 'string') {
        const key = targetOf(request, parent);
        if (key !== undefined) return state.filenameOf(key);
      }
      return origResolveFilename.apply(this, arguments);
    };
    // v8snap-esm: registry ES modules answer node's ESM loader (js/esm-hooks.js).
    if (typeof __v8snap_esmServe === 'function') __v8snap_esmServe(state, runtime);
  };

  // Lazy requires made by healthy modules after deserialization go through their real Module.
  function moduleForKey(key) {
    const filename = state.filenameOf(key);
    const cached = Module._cache[filename];
    if (cached !== undefined) return cached;
    if (moduleOf[key] !== undefined) return moduleOf[key];
    load(key, null, false);
    return moduleOf[key];
  }
  runtime.loadKey = (key) => load(key, null, false);
  runtime.requireFrom = (key, request) => moduleForKey(key).require(request);
  runtime.resolveFrom = (key, request, options) =>
    Module._resolveFilename(request, moduleForKey(key), false, options);
  runtime.resolvePathsFrom = (key, request) => Module._resolveLookupPaths(request, moduleForKey(key));

  // Cheap checks that the blob still matches the app: the node binary, and every file baked into the blob,
  // node_modules included (one stat each: size, mtime, inode; ~0.5 ms for 1,000 files). The recorded
  // [size, mtimeMs, ino] are what fs.statSync reports (doctor/meta.py stat_stamp), compared exactly.
  // The full check (sha256) is `v8snap verify`.
  function staleReason() {
    const check = config.staleCheck || {};
    if (check.version && check.version !== process.version) return `built for node ${check.version}`;
    if (check.node && check.node !== process.execPath) return `built for ${check.node}`;
    const fs = require('fs');
    const files = check.files || {};
    const opts = { throwIfNoEntry: false };
    let file;
    try {
      for (file in files) {
        const st = fs.statSync(file, opts);
        if (st === undefined) return `${file} is gone`;
        const stamp = files[file];
        if (st.size !== stamp[0] || st.mtimeMs !== stamp[1] || st.ino !== stamp[2]) return `${file} changed`;
      }
    } catch {
      return `${file} is unreadable`;
    }
    return '';
  }

  // Assumptions recorded at build time (prelude.js state.assume) that do not hold in this process: the
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
  runtime.invalidateStale = function invalidateStale() {
    const failed = [];
    for (const key of Object.keys(state.assumptions)) {
      for (const [kind, name, value] of state.assumptions[key]) {
        let now;
        if (kind === 'env') now = process.env[name] === undefined ? null : process.env[name];
        else if (kind === 'argv') now = process.argv;
        else if (kind === 'execArgv') now = config.mode === 'library' ? userExecArgv() : process.execArgv;
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
      const why = stale.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029]/g, '?');
      process.stderr.write(`v8snap: snapshot not used (${why}); running without it. Rebuild: v8snap build\n`);
      const { spawnSync } = require('child_process');
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
        require('fs').writeFileSync(statsFile, JSON.stringify(stats));
      });
    }
    Module.runMain(entry);
  };
  return runtime;
}

// Warm-up snippets (`v8snap build --warmup JS`): run once at build time, after the healthy modules, under
// the same hazard guards, so that the code paths they exercise are compiled and their lazily built state
// (caches, tables) is in the blob. `require` resolves from the app root, serving healthy modules only.
// A snippet that trips a guard fails the build: what it would bake is exactly what the guards forbid.
function warmUp(state) {
  'use strict';
  const snippets = state.config.warmup || [];
  if (snippets.length === 0) return;
  const key = './<warmup>';
  const require = state.makeRequire('./package.json');
  for (const code of snippets) {
    state.initStack.push(key);
    try {
      new Function('require', code)(require);
    } catch (err) {
      const v = state.violations.find((x) => x.key === key);
      throw new Error(`v8snap: warm-up failed: ${v ? `${v.code} ${v.detail}` : err && err.message}\n  ${code}`);
    } finally {
      state.initStack.pop();
    }
  }
}

// The single call at the end of the snapshot script.
// eslint-disable-next-line no-unused-vars
function __v8snap_boot(config, definitions) {
  'use strict';
  const state = __v8snap_makeState(config, definitions);
  const v8 = state.v8;
  const building = v8.startupSnapshot.isBuildingSnapshot();
  const verifyOut = !building && process.env.V8SNAP_VERIFY_OUT;

  if (verifyOut) {
    // Verification run (`node script.js`): initialize every candidate, report one JSON line per event.
    const fs = state.fs;
    const fd = fs.openSync(verifyOut, 'a');
    const emit = (ev) => fs.writeSync(fd, JSON.stringify(ev) + '\n');
    state.installGuards();
    state.initAll(emit);
    for (const r of state.restore.reverse()) r();
    emit({ event: 'done', fsReads: state.fsReads });
    fs.closeSync(fd);
    return;
  }
  if (!building) {
    throw new Error('v8snap: this snapshot script runs under `node --build-snapshot` or with V8SNAP_VERIFY_OUT');
  }
  state.installGuards();
  state.initAll(null);
  if (state.violations.length) {
    const lines = state.violations.map((v) => `  ${v.key}: ${v.code} ${v.detail} ${v.stack}`);
    const err = new Error('v8snap: violations while initializing healthy modules:\n' + lines.join('\n'));
    err.violations = state.violations;
    throw err;
  }
  warmUp(state);
  // Guards come off before serialization; values captured by modules stay transparent (phase check).
  for (const r of state.restore.reverse()) r();
  state.restore = [];

  const switchToRuntime = () => {
    state.phase = 'runtime';
    state.runtime = __v8snap_makeRuntime(state);
  };
  if (config.mode === 'library') {
    v8.startupSnapshot.addDeserializeCallback(() => {
      switchToRuntime();
      state.runtime.invalidated = state.runtime.invalidateStale();
      state.runtime.install();
      // What did not hold at startup (module keys re-run from their definitions), for tests and tools.
      globalThis.__v8snap_require.invalidated = state.runtime.invalidated;
      globalThis.__v8snap_require.failedAssumptions = state.runtime.failedAssumptions;
    });
    globalThis.__v8snap_require = (request) => {
      if (state.phase !== 'runtime') {
        const target = state.lookup('./package.json', request);
        return target && target.startsWith('node:') ? state.builtin(target.slice(5)) : state.instantiate(target);
      }
      const target = state.lookup('./package.json', request);
      if (target === undefined) throw new Error(`v8snap: ${request} is not in this snapshot`);
      if (target.startsWith('node:')) return require(target);
      return state.runtime.loadKey(target);
    };
    return;
  }
  v8.startupSnapshot.setDeserializeMainFunction(() => {
    // The launcher extended GLIBC_TUNABLES for node's malloc only (v8snap/node/hugepages.py; runtime.js does
    // the same for embedding): the app and its child processes see the caller's value.
    const tunables = process.env.V8SNAP_TUNABLES;
    if (tunables !== undefined) {
      delete process.env.V8SNAP_TUNABLES;
      if (tunables === '-') delete process.env.GLIBC_TUNABLES; else process.env.GLIBC_TUNABLES = tunables.slice(1);
    }
    switchToRuntime();
    state.runtime.runMain();
  });
}
