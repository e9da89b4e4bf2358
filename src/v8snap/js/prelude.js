// v8snap snapshot prelude: the build-time half of every snapshot script.
//
// The assembled snapshot script is: this file, then loader.js, then one call
//   __v8snap_boot(config, definitions)
// where `definitions` maps module keys ('./node_modules/ms/index.js') to
//   function (exports, module, require, __filename, __dirname) { <module source> }
//
// Node's snapshot builder only lets the entry script require built-ins (DESIGN §4), so every user module
// lives in that registry. At build time the healthy modules are initialized here, with a `require` that
// serves registry modules and vetted built-ins only; anything that would bake stale state into the heap
// (env, argv, cwd, time, random, timers, stdio, files outside the app, exit) records a *violation*.
// Violations are recorded where they happen, not only thrown: module code often wraps `require` in
// try/catch (optional dependencies), which must not hide that the module cannot be healthy.
//
// Modes (config.mode):
//   'app'     building: initialize healthy modules, restore guards before serialization, start the app
//             from the blob through loader.js;  not building (plain `node script.js`): verify, see below.
//   'library' like 'app' but no main function: defines globalThis.__v8snap_require(request) instead.
// Verification (`node script.js` with V8SNAP_VERIFY_OUT set): initialize each healthy candidate in order,
// append one JSON line per event to that file, exit 0. Used by the first-version classifier.
// No top-level 'use strict': it would make every module definition in the script strict.

// A module definition from a printed source file (blueprint `sources_dir`), compiled as Node's CommonJS
// loader compiles a module: a function of (exports, module, require, __filename, __dirname) whose script is
// the original file. Stack frames then read as in a plain run (`Object.<anonymous> (/app/x.js:4:15)`, not
// `eval`), columns on line 1 are exact, and Node's "is the caller inside node_modules" checks (which
// silence DEP0169 and other deprecations for dependencies) see the real path. Its text is held once in
// the heap. Runs at build time only (node warns once that `vm` is unverified in builder scripts; the
// compiled functions serialize, observed on node 24.19).
// eslint-disable-next-line no-unused-vars
function __v8snap_source(file, filename, encoding) {
  'use strict';
  const text = require('fs').readFileSync(file, encoding || 'latin1');
  return require('vm').compileFunction(text, ['exports', 'module', 'require', '__filename', '__dirname'], {
    filename,
  });
}

// eslint-disable-next-line no-unused-vars
function __v8snap_makeState(config, definitions) {
  'use strict';
  const v8 = require('v8');
  const fs = require('fs');
  const path = require('path');

  const state = {
    config,
    definitions,
    phase: 'build', // 'build' while initializing; 'runtime' once deserialized
    // key -> build-time module record {id, filename, path, exports, loaded, children, paths}
    records: Object.create(null),
    initStack: [],
    childKeys: Object.create(null), // key -> keys it required at build time (become Module children)
    violations: [],
    tainted: new Set(), // keys with a violation in this run: they cannot be healthy
    fsReads: Object.create(null), // key -> [app-relative files read at load time]
    // The verifier passes a live Set (all keys not deferred); the builder passes the init order.
    healthy: config.healthySet || new Set(config.order),
    builtinVerdicts: config.builtinVerdicts || {},
    allow: new Set(config.allow || []), // e.g. 'ENV_READ:NODE_ENV'
    realRequire: require,
    restore: [],
  };

  // v8snap-esm: converted ES modules reach this state (js/esm-registry.js).
  if (typeof __v8snap_esmAttach === 'function') __v8snap_esmAttach(state);
  const root = config.root;
  state.filenameOf = (key) => root + key.slice(1);
  state.dirKeyOf = (key) => {
    const i = key.lastIndexOf('/');
    return i <= 1 ? '.' : key.slice(0, i);
  };
  state.keyOfFilename = (filename) => {
    if (filename.length > root.length && filename.startsWith(root) && filename[root.length] === path.sep) {
      return '.' + filename.slice(root.length);
    }
    return null;
  };

  // ---- violations -------------------------------------------------------------------------------------
  class SnapshotViolation extends Error {
    constructor(code, detail) {
      super(`[v8snap ${code}] ${detail}`);
      this.name = 'SnapshotViolation';
      this.code = code;
      this.detail = detail;
    }
  }
  state.SnapshotViolation = SnapshotViolation;

  function firstAppFrame(stack) {
    const lines = String(stack || '').split('\n');
    for (const line of lines.slice(1)) {
      if (!line.includes('node:') && !line.includes('v8snap')) return line.trim();
    }
    return '';
  }

  // The verifier replaces this with a mapper from bundle lines to `./module/key.js:line:col`.
  state.mapStack = firstAppFrame;

  // Record a violation against the module being initialized and throw it.
  state.violate = function violate(code, detail) {
    const key = state.initStack.length ? state.initStack[state.initStack.length - 1] : null;
    if (state.allowed(key, code, detail)) return false;
    const err = new SnapshotViolation(code, detail);
    const stack = state.mapStack(err.stack);
    state.violations.push({ key, code, detail, stack });
    if (key) state.tainted.add(key);
    // Every module on the init stack is waiting for this one at load time: it depends on a deferred module.
    for (const parent of state.initStack.slice(0, -1).reverse()) {
      if (state.tainted.has(parent)) continue;
      state.tainted.add(parent);
      state.violations.push({ key: parent, code: 'DEPENDS_ON_DEFERRED', detail: key, stack });
    }
    throw err;
  };
  // `import(x)` in a registry module is printed as `__v8snap_import(key, x)` (rewrite/dynamic_import.py):
  // code compiled by the builder has no dynamic-import callback. At build time an import is a violation
  // (the module stays a definition, run at run time); the loader answers it after deserialization.
  state.dynamicImport = null; // set by loader.js at run time: (filename, specifier, options) -> Promise
  // Not enumerable: apps that list globals (leak checks) see what a plain run has.
  Object.defineProperty(globalThis, '__v8snap_import', {
    configurable: true,
    writable: true,
    enumerable: false,
    value: function __v8snap_import(key, specifier, options) {
      if (state.dynamicImport !== null) return state.dynamicImport(state.filenameOf(key), specifier, options);
      // v8snap-esm: an ES module of the registry is imported from the registry (js/esm-registry.js)
      const served = state.esmImportAtBuild && state.esmImportAtBuild(key, specifier, options);
      if (served) return served;
      if (state.building()) state.violate('DYNAMIC_IMPORT', String(specifier));
      return Promise.reject(new Error(`v8snap: import(${JSON.stringify(String(specifier))}) at build time`));
    },
  });
  // Hazards accepted knowingly: 'CODE', 'CODE:detail', optionally scoped to modules whose key contains
  // a path part: 'TIME_READ:Date.now()@/node_modules/lodash/'.
  state.allowed = function allowed(key, code, detail) {
    for (const entry of state.allow) {
      const at = entry.indexOf('@');
      const what = at === -1 ? entry : entry.slice(0, at);
      if (at !== -1 && !(key && key.includes(entry.slice(at + 1)))) continue;
      if (what === code || what === code + ':' + detail) return true;
    }
    return false;
  };
  // ---- assumptions -------------------------------------------------------------------------------------
  // A run-time value read while loading (one environment variable, argv, execArgv, cwd) is not baked in
  // blindly: the value seen at build time is recorded against the module, and the loader compares it with
  // the live value at startup; where they differ, that module and every module that required it at load
  // run again from their definitions (loader.js). config.assume === false turns this off (violations).
  state.assumptions = Object.create(null); // key -> [[kind, name, value]]
  state.assume = function assume(kind, name, value) {
    if (config.assume === false || !state.building()) return false;
    const key = state.initStack[state.initStack.length - 1];
    const list = (state.assumptions[key] ||= []);
    if (!list.some((a) => a[0] === kind && a[1] === name)) list.push([kind, name, value === undefined ? null : value]);
    return true;
  };
  // internal > 0 while node's own code runs on our behalf (loading a built-in: node may emit a warning
  // through process.nextTick and the console), which must not count against the module.
  state.internal = 0;
  state.building = () => state.phase === 'build' && state.initStack.length > 0 && state.internal === 0;

  // ---- hazard guards (installed for the build phase, transparent at run time) --------------------------
  function guardMethod(obj, name, code, detail, when) {
    const orig = obj[name];
    if (typeof orig !== 'function') return;
    const guarded = function (...args) {
      if (state.building() && (!when || when(args))) state.violate(code, detail || name);
      return new.target ? Reflect.construct(orig, args, new.target) : Reflect.apply(orig, this, args);
    };
    // Keep what hangs off the original (fs.realpathSync.native, util.promisify.custom on timers, ...).
    for (const k of Reflect.ownKeys(orig)) {
      if (k === 'length' || k === 'caller' || k === 'arguments') continue;
      const d = Object.getOwnPropertyDescriptor(orig, k);
      try {
        Object.defineProperty(guarded, k, d);
      } catch {
        // non-configurable on the target (e.g. 'prototype' of an arrow): skip
      }
    }
    const own = Object.getOwnPropertyDescriptor(obj, name);
    obj[name] = guarded;
    // A module may have monkey-patched it meanwhile (graceful-fs patches fs): keep that patch. Otherwise
    // put back exactly what was there: an inherited method (process.on is EventEmitter's) must not stay
    // behind as an own property, which `util.inspect(process)` and key listings would show.
    state.restore.push(() => {
      if (obj[name] !== guarded) return;
      if (own === undefined) delete obj[name];
      else Object.defineProperty(obj, name, own);
    });
  }

  // `assumed()` may return a value to hand out instead of recording a violation (see state.assume).
  function guardGetter(obj, name, code, detail, assumed) {
    const desc = Object.getOwnPropertyDescriptor(obj, name);
    if (!desc || !desc.configurable) return;
    let value = desc.get ? undefined : desc.value;
    Object.defineProperty(obj, name, {
      configurable: true,
      enumerable: desc.enumerable,
      get() {
        if (state.building()) {
          const v = assumed && assumed();
          if (v) return v;
          state.violate(code, detail);
        }
        return desc.get ? desc.get.call(this) : value;
      },
      set(v) {
        if (desc.set) desc.set.call(this, v);
        else value = v;
      },
    });
    state.restore.push(() => {
      if (desc.get) Object.defineProperty(obj, name, desc);
      else Object.defineProperty(obj, name, { ...desc, value });
    });
  }

  function installGuards() {
    guardFs();
    guardOs();
    // process.env: a proxy; reading any variable at load time bakes it into the blob.
    const realEnv = process.env;
    // Reading one variable records an assumption (see state.assume); enumerating them all is a violation.
    const readEnv = (t, k) => {
      const v = Reflect.get(t, k);
      if (state.building() && typeof k === 'string' && !state.assume('env', k, v)) state.violate('ENV_READ', k);
      return v;
    };
    const envProxy = new Proxy(realEnv, {
      get(t, k) {
        return readEnv(t, k);
      },
      has(t, k) {
        readEnv(t, k);
        return Reflect.has(t, k);
      },
      ownKeys(t) {
        if (state.building()) state.violate('ENV_READ', '*');
        return Reflect.ownKeys(t);
      },
      getOwnPropertyDescriptor(t, k) {
        readEnv(t, k);
        return Reflect.getOwnPropertyDescriptor(t, k);
      },
    });
    Object.defineProperty(process, 'env', { configurable: true, enumerable: true, writable: true, value: envProxy });
    state.restore.push(() => {
      Object.defineProperty(process, 'env', { configurable: true, enumerable: true, writable: true, value: realEnv });
    });
    // argv/execArgv read at load see what a plain run without arguments sees, as an assumption.
    // (library mode: a runtime booted from the blob with no script, as the embedding API starts it)
    const plainArgv = config.mode === 'library' ? [process.execPath] : [process.execPath, state.filenameOf(config.entry)];
    guardGetter(process, 'argv', 'ARGV_READ', 'process.argv', () => state.assume('argv', '', plainArgv) && plainArgv);
    guardGetter(process, 'execArgv', 'ARGV_READ', 'process.execArgv', () => state.assume('execArgv', '', []) && []);
    const realCwd = process.cwd;
    guardMethod(process, 'cwd', 'CWD_READ', 'process.cwd()', () => !state.assume('cwd', '', realCwd.call(process)));
    guardMethod(process, 'chdir', 'CWD_READ', 'process.chdir()');
    guardMethod(process, 'exit', 'EXIT_CALLED', 'process.exit()');
    guardMethod(process, 'reallyExit', 'EXIT_CALLED', 'process.reallyExit()');
    guardMethod(process, 'abort', 'EXIT_CALLED', 'process.abort()');
    guardMethod(process, 'kill', 'EXIT_CALLED', 'process.kill()');
    guardMethod(process, 'uptime', 'TIME_READ', 'process.uptime()');
    guardMethod(process, 'hrtime', 'TIME_READ', 'process.hrtime()');
    if (process.hrtime) guardMethod(process.hrtime, 'bigint', 'TIME_READ', 'process.hrtime.bigint()');
    guardMethod(process, 'memoryUsage', 'ENV_READ', 'process.memoryUsage()');
    guardMethod(process, 'cpuUsage', 'ENV_READ', 'process.cpuUsage()');
    guardMethod(process, 'nextTick', 'TIMER_AT_INIT', 'process.nextTick()');
    // Signal handlers are native state that a blob does not restore.
    for (const m of ['on', 'addListener', 'once', 'prependListener']) {
      guardMethod(process, m, 'TIMER_AT_INIT', `process.${m}(signal)`,
        (args) => typeof args[0] === 'string' && /^SIG/.test(args[0]));
    }
    for (const m of ['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask']) {
      guardMethod(globalThis, m, 'TIMER_AT_INIT', m + '()');
    }
    guardMethod(Math, 'random', 'RANDOM_READ', 'Math.random()');
    guardMethod(Date, 'now', 'TIME_READ', 'Date.now()');
    if (globalThis.performance) guardMethod(globalThis.performance, 'now', 'TIME_READ', 'performance.now()');
    // `new Date()` / `Date()` read the clock; `new Date(0)` does not.
    const RealDate = Date;
    const DateProxy = new Proxy(RealDate, {
      construct(t, args, nt) {
        if (args.length === 0 && state.building()) state.violate('TIME_READ', 'new Date()');
        return Reflect.construct(t, args, nt === DateProxy ? t : nt);
      },
      apply(t, self, args) {
        if (state.building()) state.violate('TIME_READ', 'Date()');
        return Reflect.apply(t, self, args);
      },
    });
    globalThis.Date = DateProxy;
    state.restore.push(() => { globalThis.Date = RealDate; });
    // Output written at load time would be printed by the builder, never by the app.
    for (const m of ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table', 'time', 'timeEnd', 'count']) {
      guardMethod(console, m, 'STDIO_WRITE', 'console.' + m + '()');
    }
    // An async task is native state node's builder cannot serialize: it aborts with "Unknown external
    // reference" (exit 133, no JS stack).
    guardMethod(console, 'createTask', 'BUILTIN_CRASHES', 'console.createTask()');
    // The terminal is a fact of the run, like the environment: isTTY, columns, rows, hasColors() and
    // getColorDepth() at build time are the builder's, and a stream captured at load is the builder's
    // object, which writes nowhere from the blob (measured: node 24.19.0).
    for (const name of ['stdout', 'stderr', 'stdin']) guardGetter(process, name, 'TTY_READ', 'process.' + name);
    guardBuilderGlobals(config.builderGlobals);
  }

  // The verifier's realm is not the builder's. config.builderGlobals (verifier bundles only; probed once
  // per node by doctor/globals.py) lists what the builder lacks -- `missing`: 'WebAssembly',
  // 'Promise.try', 'DataView.prototype.getFloat16', ... (present again when the blob runs, so even
  // `typeof WebAssembly` at load bakes a wrong answer) -- and node's lazily loaded globals that crash the
  // builder -- `lazy`: name -> 'touch' (reading it loads internals the builder cannot serialize) or
  // 'use' (constructing or calling it does).
  function guardBuilderGlobals(bg) {
    if (!bg) return;
    const guardAccess = (owner, name, code, detail) => {
      const desc = Object.getOwnPropertyDescriptor(owner, name);
      if (!desc || !desc.configurable) return;
      Object.defineProperty(owner, name, {
        configurable: true,
        enumerable: desc.enumerable,
        get() {
          if (state.building()) state.violate(code, detail);
          return desc.get ? desc.get.call(this) : desc.value;
        },
        set(v) {
          Object.defineProperty(this, name, { configurable: true, enumerable: desc.enumerable, writable: true, value: v });
        },
      });
      state.restore.push(() => Object.defineProperty(owner, name, desc));
    };
    const missing = new Set(bg.missing || []);
    for (const p of missing) {
      const parts = p.split('.');
      const name = parts.pop();
      if (parts.length && missing.has(parts[0])) continue;
      let owner = globalThis;
      for (const part of parts) owner = owner === null || owner === undefined ? undefined : owner[part];
      if (owner === null || (typeof owner !== 'object' && typeof owner !== 'function')) continue;
      guardAccess(owner, name, 'GLOBAL_MISSING', p);
    }
    for (const name of Object.keys(bg.lazy || {})) {
      if (bg.lazy[name] === 'touch') {
        guardAccess(globalThis, name, 'BUILTIN_CRASHES', `globalThis.${name}`);
        continue;
      }
      const desc = Object.getOwnPropertyDescriptor(globalThis, name);
      if (!desc || !desc.configurable || typeof desc.value !== 'function') continue;
      const orig = desc.value;
      const proxy = new Proxy(orig, {
        construct(t, args, nt) {
          if (state.building()) state.violate('BUILTIN_CRASHES', `new ${name}()`);
          return Reflect.construct(t, args, nt === proxy ? t : nt);
        },
        apply(t, self, args) {
          if (state.building()) state.violate('BUILTIN_CRASHES', `${name}()`);
          return Reflect.apply(t, self, args);
        },
      });
      Object.defineProperty(globalThis, name, { ...desc, value: proxy });
      state.restore.push(() => Object.defineProperty(globalThis, name, desc));
    }
  }
  // Node's own code (fetch, streams, AbortSignal, ...) schedules work through the global of node's realm,
  // which the guards above never see when modules run in another realm (a verifier's vm context); in the
  // builder it is the one realm. The verifier guards that global too while a module loads.
  state.guardRealm = function guardRealm(g) {
    for (const m of ['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask']) {
      guardMethod(g, m, 'TIMER_AT_INIT', m + '()');
    }
  };

  // fs and os are guarded in place (not wrapped): modules must see, and may patch, the real objects.
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
  function guardFs() {
    const reads = new Set(['readFileSync', 'existsSync', 'statSync', 'lstatSync', 'readdirSync', 'realpathSync',
      'accessSync', 'openSync', 'readlinkSync']);
    for (const name of Object.keys(fs)) {
      const desc = Object.getOwnPropertyDescriptor(fs, name);
      if (!desc || !('value' in desc) || typeof desc.value !== 'function' || !desc.writable) continue;
      if (/^[A-Z]/.test(name)) continue; // classes (Stats, Dirent, ReadStream, ...)
      if (reads.has(name)) {
        guardMethod(fs, name, 'FS_OUTSIDE_APP', null, (args) => {
          if (!insideApp(args[0])) {
            state.violate('FS_OUTSIDE_APP', `fs.${name}(${String(args[0])})`);
          }
          const key = state.initStack[state.initStack.length - 1];
          const rel = state.keyOfFilename(path.resolve(String(args[0])));
          if (key && rel) (state.fsReads[key] ||= []).push(rel);
          return false;
        });
      } else if (name !== 'realpathSync') {
        guardMethod(fs, name, 'FS_OUTSIDE_APP', `fs.${name}() at load time`);
      }
    }
  }
  function guardOs() {
    const os = require('os');
    for (const name of ['cpus', 'hostname', 'networkInterfaces', 'userInfo', 'homedir', 'tmpdir',
      'totalmem', 'freemem', 'uptime', 'loadavg', 'availableParallelism', 'getPriority']) {
      guardMethod(os, name, 'ENV_READ', `os.${name}()`);
    }
  }
  state.builtin = function builtin(name) {
    const verdict = state.builtinVerdicts[name];
    if (verdict === 'crashes') state.violate('BUILTIN_CRASHES', name);
    if (verdict !== 'ok') state.violate('BUILTIN_UNSUPPORTED', name);
    state.internal++;
    try {
      return state.realRequire(name);
    } finally {
      state.internal--;
    }
  };

  // ---- the build-time registry ------------------------------------------------------------------------
  state.lookup = function lookup(fromKey, request) {
    // v8snap-esm: converted ES modules import by absolute filename (resolved at build time).
    if (path.isAbsolute(request)) return state.keyOfFilename(request) ?? undefined;
    const hit = config.map[state.dirKeyOf(fromKey) + '\u0000' + request];
    if (hit !== undefined) return hit;
    // Built-in names as probed ('fs', 'fs/promises', and scheme-only ones such as 'node:sqlite').
    if (request in state.builtinVerdicts) return 'node:' + request;
    if (request.startsWith('node:') && request.slice(5) in state.builtinVerdicts) return request;
    return undefined;
  };

  state.instantiate = function instantiate(key) {
    if (state.tainted.has(key)) state.violate('DEPENDS_ON_DEFERRED', key);
    const existing = state.records[key];
    if (existing) return existing.exports;
    const def = definitions[key];
    if (def === undefined) state.violate('NOT_IN_SNAPSHOT', key);
    if (!state.healthy.has(key)) state.violate('DEPENDS_ON_DEFERRED', key);
    const filename = state.filenameOf(key);
    const record = {
      id: filename, filename, path: path.dirname(filename), exports: {}, loaded: false,
      children: [], paths: [],
    };
    state.records[key] = record;
    state.initStack.push(key);
    const globalsBefore = Object.getOwnPropertyNames(globalThis).length;
    try {
      def.call(record.exports, record.exports, record, state.makeRequire(key), filename, path.dirname(filename));
      record.loaded = true;
      // A module re-run at startup when an assumption fails (loader.js) must not have set up globals at
      // build time: they would exist twice over, or stale.
      if (state.assumptions[key] && Object.getOwnPropertyNames(globalThis).length !== globalsBefore) {
        const [kind, name] = state.assumptions[key][0];
        state.violate(kind === 'env' ? 'ENV_READ' : kind === 'cwd' ? 'CWD_READ' : 'ARGV_READ',
          `${name || kind} (and it sets globals at load)`);
      }
    } catch (err) {
      delete state.records[key];
      throw err;
    } finally {
      state.initStack.pop();
    }
    return record.exports;
  };

  // The `require` a definition receives. Build phase: registry + vetted built-ins. Runtime phase
  // (a healthy module calling require lazily, after deserialization): the real CJS loader of the module.
  state.makeRequire = function makeRequire(key) {
    function require(request) {
      if (state.phase === 'runtime') return state.runtime.requireFrom(key, request);
      if (typeof request !== 'string') throw new TypeError('The "id" argument must be of type string');
      const target = state.lookup(key, request);
      if (target === undefined) state.violate('NOT_IN_SNAPSHOT', request);
      if (target.startsWith('node:')) return state.builtin(target.slice(5));
      if (definitions[target] === undefined) state.violate('NATIVE_ADDON', target);
      const exports = state.instantiate(target);
      const kids = (state.childKeys[key] ||= []);
      if (!kids.includes(target)) kids.push(target);
      return exports;
    }
    require.resolve = function resolve(request, options) {
      if (state.phase === 'runtime') return state.runtime.resolveFrom(key, request, options);
      const target = state.lookup(key, request);
      if (target === undefined) state.violate('NOT_IN_SNAPSHOT', 'require.resolve(' + request + ')');
      return target.startsWith('node:') ? target : state.filenameOf(target);
    };
    require.resolve.paths = function paths(request) {
      if (state.phase === 'runtime') return state.runtime.resolvePathsFrom(key, request);
      state.violate('NOT_IN_SNAPSHOT', 'require.resolve.paths(' + request + ')');
    };
    Object.defineProperty(require, 'main', {
      enumerable: true,
      get() { return state.phase === 'runtime' ? process.mainModule : undefined; },
    });
    Object.defineProperty(require, 'cache', {
      enumerable: true,
      get() {
        if (state.phase === 'runtime') return state.runtime.Module._cache;
        state.violate('NOT_IN_SNAPSHOT', 'require.cache');
      },
    });
    Object.defineProperty(require, 'extensions', {
      enumerable: true,
      get() {
        if (state.phase === 'runtime') return state.runtime.Module._extensions;
        state.violate('NOT_IN_SNAPSHOT', 'require.extensions');
      },
    });
    return require;
  };

  // Turn an error thrown by a definition into a structured violation (when none was recorded for it).
  state.classifyError = function classifyError(err) {
    if (err instanceof SnapshotViolation) return { code: err.code, detail: err.detail };
    if (err instanceof ReferenceError && /\b(WebAssembly|SharedArrayBuffer)\b/.test(String(err.message))) {
      return { code: 'GLOBAL_MISSING', detail: String(err.message) };
    }
    if (err instanceof Error) return { code: 'UNKNOWN_ERROR', detail: `${err.name}: ${err.message}` };
    return { code: 'UNKNOWN_ERROR', detail: 'non-Error thrown: ' + String(err) };
  };

  state.initAll = function initAll(onEvent) {
    for (const key of config.order) {
      if (state.records[key] || state.tainted.has(key)) continue;
      if (onEvent) onEvent({ event: 'start', key });
      const before = state.violations.length;
      try {
        state.instantiate(key);
      } catch (err) {
        if (state.violations.length === before) {
          const { code, detail } = state.classifyError(err);
          state.violations.push({ key, code, detail, stack: state.mapStack(err && err.stack) });
        }
      }
      if (onEvent) {
        for (const v of state.violations.slice(before)) onEvent({ event: 'violation', ...v });
      }
    }
  };

  state.installGuards = installGuards;
  state.v8 = v8;
  state.fs = fs;
  return state;
}
