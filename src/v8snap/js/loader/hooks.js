// @ts-check
// The require hook (Module._load and Module._resolveFilename answered from the snapshot), `import()` from
// code compiled into the blob, and lazy requires made by healthy modules after deserialization.
/* global __v8snap_userHooks, __v8snap_esmServe */
/* exported __v8snap_hooks */

/**
 * @param {V8snapLoaderShared} shared
 * @param {ReturnType<typeof __v8snap_serve>} serve
 */
function __v8snap_hooks(shared, serve) {
  'use strict';
  const { state, runtime, Module, path, origLoad, origResolveFilename, moduleOf } = shared;
  const { targetOf, load } = serve;

  // Dynamic import from code compiled into the blob (prelude/registry.js `__v8snap_import`): a one-line thunk
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

  const userHooks = __v8snap_userHooks(shared);
  runtime.install = function install() {
    Module._load = function v8snapLoad(request, parent, isMain) {
      const key = targetOf(request, parent);
      if (key === undefined || userHooks.hooked(key)) return origLoad.apply(this, arguments);
      return load(key, parent, isMain);
    };
    Module._resolveFilename = function v8snapResolveFilename(request, parent, isMain, options) {
      if (options === undefined && typeof request === 'string') {
        const key = targetOf(request, parent);
        if (key !== undefined) return state.filenameOf(key);
      }
      return origResolveFilename.apply(this, arguments);
    };
    // v8snap-esm: registry ES modules answer node's ESM loader (loader/esm-hooks.js).
    __v8snap_esmServe(state, runtime, userHooks);
    // Only then: our own module.registerHooks call above is not an app's require hook.
    userHooks.watch();
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
  runtime.moduleFor = moduleForKey;
  runtime.resolveFrom = (key, request, options) =>
    Module._resolveFilename(request, moduleForKey(key), false, options);
  runtime.resolvePathsFrom = (key, request) => Module._resolveLookupPaths(request, moduleForKey(key));
}
