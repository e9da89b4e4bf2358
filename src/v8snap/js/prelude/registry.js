// @ts-check
// The build-time registry: resolving a request through the resolver map, initializing a definition under
// the guards (recording its children for the loader), vetted built-ins, and `import()` at build time.
/* global __v8snap_makeRequire, __v8snap_moduleRecord */
/* exported __v8snap_registry */

/** @param {V8snapState} state */
function __v8snap_registry(state) {
  'use strict';
  const config = state.config;
  const definitions = state.definitions;
  const path = state.path;
  // `import(x)` in a registry module is printed as `__v8snap_import(key, x)` (rewrite/dynamic_import.py):
  // code compiled by the builder has no dynamic-import callback. At build time an import is a violation
  // (the module stays a definition, run at run time); the loader answers it after deserialization.
  state.dynamicImport = null; // set by the loader at run time: (filename, specifier, options) -> Promise
  // Not enumerable: apps that list globals (leak checks) see what a plain run has.
  Object.defineProperty(globalThis, '__v8snap_import', {
    configurable: true,
    writable: true,
    enumerable: false,
    /** @param {string} key @param {any} specifier @param {any} options */
    value: function __v8snap_import(key, specifier, options) {
      if (state.dynamicImport !== null) return state.dynamicImport(state.filenameOf(key), specifier, options);
      // v8snap-esm: an ES module of the registry is imported from the registry (prelude/esm-registry.js)
      const served = state.esmImportAtBuild(key, specifier, options);
      if (served) return served;
      if (state.building()) state.violate('DYNAMIC_IMPORT', String(specifier));
      return Promise.reject(new Error(`v8snap: import(${JSON.stringify(String(specifier))}) at build time`));
    },
  });

  state.builtin = function builtin(name) {
    const verdict = state.builtinVerdicts[name];
    if (verdict === 'crashes') state.violate('BUILTIN_CRASHES', name);
    // tty, async_hooks, perf_hooks: served with guards on what would hold run-time state, though node's
    // builder warns (prelude/guard-served.js)
    const served = (verdict === 'ok' || verdict === 'warns') && state.servedModule ? state.servedModule(name) : null;
    if (served) return served;
    if (verdict !== 'ok') state.violate('BUILTIN_UNSUPPORTED', name);
    if (name === 'crypto') state.guardCrypto();
    state.internal++;
    try {
      return state.realRequire(name);
    } finally {
      state.internal--;
    }
  };

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

  const newRecord = __v8snap_moduleRecord(state);

  state.instantiate = function instantiate(key) {
    if (state.tainted.has(key)) state.violate('DEPENDS_ON_DEFERRED', key);
    const existing = state.records[key];
    if (existing) return existing.exports;
    const def = definitions[key];
    if (def === undefined) state.violate('NOT_IN_SNAPSHOT', key);
    if (!state.healthy.has(key)) state.violate('DEPENDS_ON_DEFERRED', key);
    const filename = state.filenameOf(key);
    const record = newRecord(filename);
    state.records[key] = record;
    state.initStack.push(key);
    const globalsBefore = Object.getOwnPropertyNames(globalThis).length;
    const t0 = state.clock();
    const outerChildMs = state.childMs;
    state.childMs = 0;
    try {
      def.call(record.exports, record.exports, record, state.makeRequire(key), filename, path.dirname(filename));
      record.loaded = true;
      // A module re-run at startup when an assumption fails (loader) must not have set up globals at
      // build time: they would exist twice over, or stale.
      if (state.assumptions[key] && Object.getOwnPropertyNames(globalThis).length !== globalsBefore) {
        const [kind, name] = state.assumptions[key][0];
        const code = { env: 'ENV_READ', cwd: 'CWD_READ', tty: 'TTY_READ' }[kind] || 'ARGV_READ';
        state.violate(code, `${name || kind} (and it sets globals at load)`);
      }
    } catch (err) {
      delete state.records[key];
      throw err;
    } finally {
      state.initStack.pop();
      const ms = Number(state.clock() - t0) / 1e6;
      state.initMs[key] = Math.round((ms - state.childMs) * 1000) / 1000;
      state.childMs = outerChildMs + ms;
    }
    return record.exports;
  };

  state.makeRequire = (key) => __v8snap_makeRequire(state, key);

  // Initialize one module; an error that recorded no violation becomes one (classified, frame mapped).
  // Returns how many violations there were before (the builder's and the verifier's loops report the new).
  state.initOne = function initOne(key) {
    const before = state.violations.length;
    try {
      state.instantiate(key);
    } catch (err) {
      if (state.violations.length === before) {
        const { code, detail } = state.classifyError(err);
        state.violations.push({ key, code, detail, stack: state.mapStack(err && err.stack) });
      }
    }
    return before;
  };

  state.initAll = function initAll(onEvent) {
    for (const key of config.order) {
      if (state.records[key] || state.tainted.has(key)) continue;
      if (onEvent) onEvent({ event: 'start', key });
      const before = state.initOne(key);
      if (onEvent) {
        for (const v of state.violations.slice(before)) onEvent({ event: 'violation', ...v });
      }
    }
    // The builder leaves the times beside its script (SCRIPT.init-ms.json) for the build's meta.
    if (!onEvent && config.mode !== 'library' && state.v8.startupSnapshot.isBuildingSnapshot() && process.argv[1]) {
      state.fs.writeFileSync(path.resolve(process.argv[1]) + '.init-ms.json', JSON.stringify(state.initMs));
    }
  };
}
