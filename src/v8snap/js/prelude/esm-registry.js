// @ts-check
// v8snap ES module registry: the semantics of ES modules converted for the snapshot (v8snap.esm.convert).
// Part of the prelude (so of the snapshot script and of the verifier bundle). A converted module's definition is
//   return __v8snap_esm(module, require, __filename, TABLE, function (__v8snap_m, require, module) {...})
// where TABLE maps each static import specifier to [target, format, names]: the absolute filename (or
// "node:x") node resolved it to under the import conditions (traced), its format, and for a CommonJS target
// the named exports node's lexer finds. What node does, and what this file does the same way:
//   - the module's exports are a namespace: null prototype, getters (live bindings), keys sorted,
//     Symbol.toStringTag 'Module', not extensible once evaluated;
//   - importing CommonJS gives {default: module.exports, 'module.exports': module.exports, ...lexer names}
//     with the values at the end of its evaluation; a built-in gives its own keys plus default; JSON gives
//     {default: value}; one namespace per module;
//   - `export *` skips `default` and local names; a name two stars bring from different bindings is
//     ambiguous and left out;
//   - require() of a converted module (require(esm)) gets the namespace, with __esModule: true added when it
//     has a default export and no __esModule of its own, or the value of its 'module.exports' export (node 24);
//   - import.meta: url, filename, dirname, resolve(), main - run-time values (the app root is fixed by the
//     fingerprint, so url/filename/dirname are constants).
// No top-level 'use strict' (see prelude/state.js).

/* exported __v8snap_esm, __v8snap_esmAttach */

/** prelude/state.js calls this with its state (the hook point). @param {V8snapState} state */
function __v8snap_esmAttach(state) {
  'use strict';
  __v8snap_esm.state = state;
  // import() while building, of an ES module of the registry (config.esmImports: key -> spec -> target,
  // node's import resolution from the trace): the promise of its namespace, the module initialized here
  // (a module that cannot be healthy makes the importer deferred, DEPENDS_ON_DEFERRED). Node would
  // evaluate it a little later (after the importer's synchronous code); a healthy module has no effect
  // at load that could tell the difference.
  state.esmImportAtBuild = function esmImportAtBuild(key, spec, options) {
    const targets = (state.config.esmImports || {})[key];
    const target = targets && typeof spec === 'string' && options === undefined ? targets[spec] : undefined;
    if (target === undefined || !state.building()) return null;
    const ex = state.instantiate(target);
    const kids = (state.childKeys[key] ||= []);
    if (!kids.includes(target)) kids.push(target);
    return Promise.resolve(__v8snap_esm.byFile.get(state.filenameOf(target)) || __v8snap_esm.namespaces.get(ex) || ex);
  };
  // Definitions compiled apart (prelude/source.js __v8snap_source) see globals only; not enumerable, as
  // __v8snap_import: apps that list globals see what a plain run has.
  Object.defineProperty(globalThis, '__v8snap_esm', { value: __v8snap_esm, configurable: true, writable: true });
}

/**
 * @param {{exports: any}} record the registry's module record (its exports become the namespace)
 * @param {(id: string) => any} require the definition's require (registry, then node's loader)
 * @param {string} filename
 * @param {Record<string, [string, string, string[] | null]>} table
 * @param {(m: any, imp: (spec: string) => any, mod: any) => void} body
 * @param {Record<string, [string, string]>} reexports `export { x as name } from 'spec'`: name -> [spec, x]
 */
function __v8snap_esm(record, require, filename, table, body, reexports) {
  'use strict';
  const E = __v8snap_esm;
  const ns = Object.create(null);
  Object.defineProperty(ns, Symbol.toStringTag, { value: 'Module' });
  E.namespaces.set(ns, ns);
  E.byFile.set(filename, ns);
  E.ids.set(ns, filename); // binding identities (esm-origins.js)
  record.exports = ns;
  /** @type {Map<string, string | (() => string)>} name -> binding identity (export * conflicts) */
  const origin = new Map();
  E.origins.set(ns, origin);
  const ambiguous = new Set();
  const local = new Set();
  const imp = (/** @type {string} */ spec) => E.importOf(require, table, spec, filename);
  /** @param {string[]} names @param {(n: string) => PropertyDescriptor} desc */
  const define = (names, desc) => {
    const all = new Map(Object.keys(ns).map((n) => [n, Object.getOwnPropertyDescriptor(ns, n)]));
    for (const n of names) all.set(n, desc(n));
    for (const n of Object.keys(ns)) delete ns[n];
    for (const n of [...all.keys()].sort()) Object.defineProperty(ns, n, /** @type {any} */ (all.get(n)));
  };
  /** @type {any} */
  let meta;
  const m = {
    toESM: (/** @type {any} */ x) => x,
    toCommonJS(/** @type {any} */ own) {
      const names = Object.keys(own);
      for (const n of names) {
        local.add(n);
        const re = reexports && reexports[n];
        origin.set(n, re ? () => E.originOf(imp(re[0]), re[1]) : E.id(ns) + ':' + n);
      }
      define(names, (n) => ({ get: /** @type {any} */ (Object.getOwnPropertyDescriptor(own, n)).get, enumerable: true, configurable: true }));
      return ns;
    },
    reExport(/** @type {any} */ _target, /** @type {any} */ src) {
      const add = [];
      for (const n of Object.keys(src)) {
        if (n === 'default' || ambiguous.has(n) || local.has(n)) continue;
        const id = E.originOf(src, n);
        if (!origin.has(n)) {
          origin.set(n, id);
          add.push(n);
        } else if (E.originOf(ns, n) !== id) {
          ambiguous.add(n);
          origin.delete(n);
          delete ns[n];
        }
      }
      define(add, (n) => ({ get: () => src[n], enumerable: true, configurable: true }));
    },
    get meta() {
      return (meta ||= E.meta(filename, table));
    },
  };
  const shim = { set exports(/** @type {any} */ _v) {}, get exports() { return ns; } };
  body(m, imp, shim);
  Object.preventExtensions(ns);
  if (Object.prototype.hasOwnProperty.call(ns, 'module.exports')) {
    record.exports = ns['module.exports']; // what require(esm) returns then (node 24)
  } else if ('default' in ns && !('__esModule' in ns)) {
    // What require(esm) returns (node 24): the namespace plus __esModule; imports still get `ns`.
    const view = Object.create(null);
    for (const n of ['__esModule', ...Object.keys(ns)].sort()) {
      Object.defineProperty(view, n, n === '__esModule' ? { value: true, enumerable: true } : { get: () => ns[n], enumerable: true });
    }
    Object.defineProperty(view, Symbol.toStringTag, { value: 'Module' });
    E.namespaces.set(view, ns);
    record.exports = view;
  }
}
// The registry's tables, properties of the function (declarations hoist across the snapshot script, so these
// run wherever the file is joined; nothing calls __v8snap_esm before __v8snap_boot at the script's end).
/** @type {V8snapState | null} the state prelude/state.js attached (__v8snap_esmAttach) */
__v8snap_esm.state = null;
/** @type {WeakMap<object, any>} module.exports of a converted module -> its namespace */
__v8snap_esm.namespaces = new WeakMap();
/** @type {Map<string, any>} filename -> namespace of its latest evaluation */
__v8snap_esm.byFile = new Map();
