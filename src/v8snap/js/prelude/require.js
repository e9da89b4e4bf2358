// @ts-check
// The `require` a definition receives. Build phase: registry + vetted built-ins. Runtime phase (a healthy
// module calling require lazily, after deserialization): the real CommonJS loader of the module.
/* exported __v8snap_makeRequire */

/**
 * @param {V8snapState} state
 * @param {string} key the requiring module's key
 * @returns {Function}
 */
function __v8snap_makeRequire(state, key) {
  'use strict';
  const definitions = state.definitions;
  // The trace saw node find nothing for this request (`try { require('optional') } catch {}`): node's
  // error, and an assumption the loader checks at startup (if the request resolves then, the module runs
  // again from its definition). Without assumptions, or outside a module's load, it stays a violation.
  /** @param {string} request @returns {never} */
  function notFound(request) {
    const dirKey = state.dirKeyOf(key);
    if (!state.assume('missing', dirKey + '\u0000' + request, null)) state.violate('NOT_IN_SNAPSHOT', request);
    const stack = state.initStack.slice().reverse().map((k) => state.filenameOf(k));
    if (state.config.mode !== 'library') stack.push(state.filenameOf(state.config.entry));
    const err = new Error(`Cannot find module '${request}'\nRequire stack:\n- ${stack.join('\n- ')}`);
    Object.assign(err, { code: 'MODULE_NOT_FOUND', requireStack: stack });
    throw err;
  }
  /** @param {string} request */
  function require(request) {
    // At run time: the requiring module's own Module.require, called from here (one frame, as node's
    // `require` helper calls it): an error thrown while the target loads keeps as many of the app's frames.
    if (state.phase === 'runtime') return state.runtime.moduleFor(key).require(request);
    if (typeof request !== 'string') throw new TypeError('The "id" argument must be of type string');
    const target = state.lookup(key, request);
    if (target === undefined) state.violate('NOT_IN_SNAPSHOT', request);
    if (target === '') notFound(request);
    if (target.startsWith('node:')) return state.builtin(target.slice(5));
    // Not in the registry: a native addon, or a module that stays on disk (graph kinds other than cjs).
    if (definitions[target] === undefined) {
      state.violate(target.endsWith('.node') ? 'NATIVE_ADDON' : 'NOT_IN_SNAPSHOT', target);
    }
    const exports = state.instantiate(target);
    const kids = (state.childKeys[key] ||= []);
    if (!kids.includes(target)) kids.push(target);
    return exports;
  }
  /** @param {string} request @param {any} [options] */
  require.resolve = function resolve(request, options) {
    if (state.phase === 'runtime') return state.runtime.resolveFrom(key, request, options);
    const target = state.lookup(key, request);
    if (target === undefined) state.violate('NOT_IN_SNAPSHOT', 'require.resolve(' + request + ')');
    if (target === '') notFound(request);
    return target.startsWith('node:') ? target : state.filenameOf(target);
  };
  /** @param {string} request */
  require.resolve.paths = function paths(request) {
    if (state.phase === 'runtime') return state.runtime.resolvePathsFrom(key, request);
    state.violate('NOT_IN_SNAPSHOT', 'require.resolve.paths(' + request + ')');
    return undefined;
  };
  // Node's require.main / .cache / .extensions are plain data properties, fixed when the module's require
  // is made: at run time each reads as node's would, and an assignment (proxyquire's `require.cache =
  // Module._cache = {}` in strict code) replaces the accessor by the value assigned, as it would the data.
  /** @param {string} name @param {() => any} runtimeValue */
  function runtimeProperty(name, runtimeValue) {
    Object.defineProperty(require, name, {
      enumerable: true,
      configurable: true,
      get() {
        if (state.phase === 'runtime') return runtimeValue();
        // The main module is made at run time: require.main read at load would be baked as undefined
        // (the printer makes a declaration whose initializer reads it lazy instead).
        if (name !== 'main' || state.building()) state.violate('NOT_IN_SNAPSHOT', 'require.' + name);
        return undefined;
      },
      set(value) {
        Object.defineProperty(require, name, { value, writable: true, enumerable: true, configurable: true });
      },
    });
  }
  runtimeProperty('main', () => process.mainModule);
  runtimeProperty('cache', () => state.runtime.Module._cache);
  runtimeProperty('extensions', () => state.runtime.Module._extensions);
  return require;
}
