// @ts-check
// Serving registry modules after deserialization: the registry key a (request, parent) pair resolves to, and
// loading it as Module._load would (healthy: the build-time record adopted as a real Module; deferred /
// norewrite: its definition, run once), keeping Module._cache, children and require.main as plainly.
/* global __v8snap_esm */
/* exported __v8snap_serve */

/**
 * @param {V8snapLoaderShared} shared
 * @returns {{targetOf: (request: string, parent: any) => string | undefined,
 *   load: (key: string, parent: any, isMain: boolean) => any}}
 */
function __v8snap_serve(shared) {
  'use strict';
  const { state, runtime, Module, path, config, definitions, moduleOf } = shared;

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
    Object.assign(require, { main: process.mainModule, extensions: Module._extensions, cache: Module._cache });
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
    /** @type {any} a Module, or the record made one */
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
    // Deferred / norewrite, or a healthy module whose cache entry was deleted: run its definition, unless
    // its file changed after the build (loader/freshness.js): then node's loader reads it from disk.
    if (placeholder === null && runtime.changedSinceBuild(filename) && delete definitions[key]) {
      return shared.origLoad.call(Module, filename, parent, isMain);
    }
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
  // The ES modules it imports lazily are evaluated at their place among them (prelude/esm-lazy.js).
  function registerChildren(key, mod) {
    const kids = state.childKeys[key] || [];
    const req = (/** @type {string} */ id) => mod.require(id); // node's require(esm) of a lazy import
    for (let i = 0; i < kids.length; i++) {
      __v8snap_esm.settle(key, i, req);
      const child = kids[i];
      const cached = Module._cache[state.filenameOf(child)];
      if (cached === undefined && state.records[child] !== undefined) load(child, mod, false);
      else attach(cached, mod);
    }
    __v8snap_esm.settle(key, kids.length, req);
  }

  function cachedByEsmLoader(mod) {
    return Object.getOwnPropertySymbols(mod).some((sym) => sym.description === 'kIsCachedByESMLoader' && mod[sym]);
  }

  function setMain(mod) {
    (process.mainModule = mod).id = '.';
  }
  return { targetOf, load };
}
