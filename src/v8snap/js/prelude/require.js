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
    if (state.phase === 'runtime') return state.runtime.requireFrom(key, request);
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
  Object.defineProperty(require, 'main', {
    enumerable: true,
    get() {
      if (state.phase === 'runtime') return process.mainModule;
      // The main module is made at run time: a value read at load would be baked as undefined (the
      // printer makes a declaration whose initializer reads it lazy instead).
      if (state.building()) state.violate('NOT_IN_SNAPSHOT', 'require.main');
      return undefined;
    },
  });
  Object.defineProperty(require, 'cache', {
    enumerable: true,
    get() {
      if (state.phase === 'runtime') return state.runtime.Module._cache;
      state.violate('NOT_IN_SNAPSHOT', 'require.cache');
      return undefined;
    },
  });
  Object.defineProperty(require, 'extensions', {
    enumerable: true,
    get() {
      if (state.phase === 'runtime') return state.runtime.Module._extensions;
      state.violate('NOT_IN_SNAPSHOT', 'require.extensions');
      return undefined;
    },
  });
  return require;
}
