// @ts-check
// v8snap ES module serving: converted ES modules of the registry (js/prelude/esm-registry.js) answer node's own ESM
// loader at run time, through its synchronous module hooks (`module.registerHooks`, node >= 22.15 / 23.5).
// Installed by loader/hooks.js after deserialization (hook point in runtime.install).
//
// An `import` from a module on disk, an `import()` at run time (the blob's own import() calls reach node's
// loader through loader/hooks.js's thunks) and the ESM entry itself load a registry ES module as a small facade
// module: it takes the instance initialized in the blob (healthy) or runs its definition once (deferred),
// when node evaluates the facade -- the place node would have evaluated the module -- and exports its names.
// require(esm) goes through the CommonJS require hook (loader/hooks.js) to the same instance. Export names are
// known at build time (v8snap.esm.convert), so nothing runs while node links.
// Across the facade, bindings are the values at the end of the module's evaluation (inside the blob they
// are live); a URL with a query or fragment is another module instance for node, and loads from disk.
// No top-level 'use strict' (see prelude/state.js).
/* global __v8snap_esm */
/* exported __v8snap_esmServe */

/**
 * @param {V8snapState} state prelude/state.js state (config.esm: key -> export names)
 * @param {any} runtime loader/runtime.js runtime (loadKey)
 * @param {{hooked: (key: string) => boolean}} userHooks the app's require hooks (loader/user-hooks.js)
 */
function __v8snap_esmServe(state, runtime, userHooks) {
  'use strict';
  const nodeRequire = state.realRequire; // the builder's require (js/README.md)
  const Module = nodeRequire('module');
  const { fileURLToPath } = nodeRequire('url');
  const esm = state.config.esm || {};
  if (Object.keys(esm).length === 0 || typeof Module.registerHooks !== 'function') return;
  const entry = state.config.entry;
  if (esm[entry] !== undefined) state.esmMain = state.filenameOf(entry);
  const serve = (/** @type {string} */ key) => {
    const ex = runtime.loadKey(key);
    return __v8snap_esm.byFile.get(state.filenameOf(key)) || __v8snap_esm.namespaces.get(ex) || ex;
  };
  Object.defineProperty(globalThis, Symbol.for('v8snap.esm'), { value: serve, configurable: true });

  /** @param {string} url @returns {string | null} */
  function keyOf(url) {
    if (!url.startsWith('file:') || url.includes('?') || url.includes('#')) return null;
    let key;
    try {
      key = state.keyOfFilename(fileURLToPath(url));
    } catch {
      return null;
    }
    return key !== null && esm[key] !== undefined && state.definitions[key] !== undefined ? key : null;
  }

  /** @param {string} key @returns {string} */
  function facade(key) {
    const names = /** @type {string[]} */ (esm[key]);
    const lines = [`const ns = globalThis[Symbol.for('v8snap.esm')](${JSON.stringify(key)});`];
    const locals = [];
    for (let i = 0; i < names.length; i++) {
      lines.push(`const v${i} = ns[${JSON.stringify(names[i])}];`);
      locals.push(`v${i} as ${JSON.stringify(names[i])}`);
    }
    if (locals.length) lines.push(`export { ${locals.join(', ')} };`);
    return lines.join('\n');
  }

  // import.meta.resolve(x) at run time for an x the build did not resolve: node's own answer, from a tiny
  // real module next to the module (same directory: same base, package scope and conditions), loaded
  // with require(esm); its file does not exist, the hooks answer for it.
  const RESOLVER = 'v8snap-resolver:';
  /** @type {Map<string, (s: string) => string>} */
  const resolvers = new Map();
  state.esmResolver = (/** @type {string} */ filename) => {
    let fn = resolvers.get(filename);
    if (fn === undefined) {
      const url = nodeRequire('url').pathToFileURL(filename).href;
      fn = /** @type {(s: string) => string} */ (Module.createRequire(filename)(RESOLVER + url).default);
      resolvers.set(filename, fn);
    }
    return fn;
  };

  Module.registerHooks({
    resolve(specifier, context, nextResolve) {
      if (!specifier.startsWith(RESOLVER)) return nextResolve(specifier, context);
      return { url: specifier.slice(RESOLVER.length) + '.v8snap-resolver.mjs', format: 'module', shortCircuit: true };
    },
    load(url, context, nextLoad) {
      if (url.endsWith('.v8snap-resolver.mjs')) {
        return { format: 'module', source: 'export default (s) => import.meta.resolve(s);', shortCircuit: true };
      }
      const key = runtime.enabled === false ? null : keyOf(url);
      // An app's own hooks (module.registerHooks, a require hook) see the file, as in a plain run.
      if (key === null || (userHooks && userHooks.hooked(key))) return nextLoad(url, context);
      return { format: 'module', source: facade(key), shortCircuit: true };
    },
  });
}
