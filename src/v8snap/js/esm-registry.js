// @ts-check
// v8snap ES module registry: the semantics of ES modules converted for the snapshot (v8snap.esm.convert).
// Part of the snapshot script and of the verifier bundle, after prelude.js. A converted module's definition is
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
//     has a default export and no __esModule of its own (node 24);
//   - import.meta: url, filename, dirname, resolve(), main — run-time values (the app root is fixed by the
//     fingerprint, so url/filename/dirname are constants).
// No top-level 'use strict' (see prelude.js).

/** @type {any} */
var __v8snap_esmState = null; // eslint-disable-line no-var
/** prelude.js calls this with its state (the hook point). @param {any} state */
// eslint-disable-next-line no-unused-vars
function __v8snap_esmAttach(state) {
  __v8snap_esmState = state;
  // Definitions compiled apart (prelude.js __v8snap_source) see globals only; not enumerable, as
  // __v8snap_import: apps that list globals see what a plain run has.
  Object.defineProperty(globalThis, '__v8snap_esm', { value: __v8snap_esm, configurable: true, writable: true });
}

/**
 * @param {{exports: any}} module the registry module (its exports become the namespace)
 * @param {(id: string) => any} require the definition's require (registry, then node's loader)
 * @param {string} filename
 * @param {Record<string, [string, string, string[] | null]>} table
 * @param {(m: any, imp: (spec: string) => any, mod: any) => void} body
 */
// eslint-disable-next-line no-unused-vars
function __v8snap_esm(module, require, filename, table, body) {
  'use strict';
  const E = __v8snap_esm;
  const ns = Object.create(null);
  Object.defineProperty(ns, Symbol.toStringTag, { value: 'Module' });
  E.namespaces.set(ns, ns);
  module.exports = ns;
  /** @type {Map<string, string>} name -> binding identity (export * conflicts) */
  const origin = new Map();
  E.origins.set(ns, origin);
  const ambiguous = new Set();
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
    toCommonJS(/** @type {any} */ local) {
      const names = Object.keys(local);
      for (const n of names) origin.set(n, E.id(ns) + ':' + n);
      define(names, (n) => ({ get: /** @type {any} */ (Object.getOwnPropertyDescriptor(local, n)).get, enumerable: true, configurable: true }));
      return ns;
    },
    reExport(/** @type {any} */ _target, /** @type {any} */ src) {
      const from = E.origins.get(src);
      const add = [];
      for (const n of Object.keys(src)) {
        if (n === 'default' || ambiguous.has(n)) continue;
        const id = (from && from.get(n)) || E.id(src) + ':' + n;
        if (!origin.has(n)) {
          origin.set(n, id);
          add.push(n);
        } else if (origin.get(n) !== id && !origin.get(n).startsWith(E.id(ns) + ':')) {
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
  const imp = (/** @type {string} */ spec) => E.importOf(require, table, spec);
  const shim = { set exports(/** @type {any} */ _v) {}, get exports() { return ns; } };
  body(m, imp, shim);
  Object.preventExtensions(ns);
  if ('default' in ns && !('__esModule' in ns)) {
    // What require(esm) returns (node 24): the namespace plus __esModule; imports still get `ns`.
    const view = Object.create(null);
    for (const n of ['__esModule', ...Object.keys(ns)].sort()) {
      Object.defineProperty(view, n, n === '__esModule' ? { value: true, enumerable: true } : { get: () => ns[n], enumerable: true });
    }
    Object.defineProperty(view, Symbol.toStringTag, { value: 'Module' });
    E.namespaces.set(view, ns);
    module.exports = view;
  }
}
__v8snap_esm.namespaces = new WeakMap(); // module.exports of a converted module -> its namespace
__v8snap_esm.origins = new WeakMap(); // namespace -> Map(name -> binding identity)
__v8snap_esm.ids = new WeakMap();
__v8snap_esm.nextId = 0;
__v8snap_esm.id = function id(/** @type {object} */ o) {
  let v = this.ids.get(o);
  if (v === undefined) this.ids.set(o, (v = 'm' + this.nextId++));
  return v;
};
__v8snap_esm.cjs = new Map(); // target -> [module.exports, namespace] (one namespace per module)
/**
 * @param {(id: string) => any} require
 * @param {Record<string, [string, string, string[] | null]>} table
 * @param {string} spec
 */
__v8snap_esm.importOf = function importOf(require, table, spec) {
  const [to, format, names] = table[spec];
  const ex = require(to);
  if (format === 'esm') return this.namespaces.get(ex) || ex;
  const hit = this.cjs.get(to);
  if (hit && hit[0] === ex) return hit[1];
  const ns = Object.create(null);
  const keys = format === 'json' ? [] : format === 'builtin' ? Object.keys(ex) : names || [];
  const own = ex !== null && (typeof ex === 'object' || typeof ex === 'function');
  /** @type {Record<string, any>} */
  const values = { default: ex };
  if (format === 'cjs') values['module.exports'] = ex;
  for (const k of keys) {
    if (k === 'default' || k in values) continue;
    let v;
    try { v = own && Object.prototype.hasOwnProperty.call(ex, k) ? ex[k] : undefined; } catch { v = undefined; }
    values[k] = v;
  }
  for (const k of Object.keys(values).sort()) {
    Object.defineProperty(ns, k, { value: values[k], enumerable: true, writable: true });
  }
  Object.defineProperty(ns, Symbol.toStringTag, { value: 'Module' });
  Object.preventExtensions(ns);
  this.cjs.set(to, [ex, ns]);
  return ns;
};
/** @param {string} filename @param {Record<string, [string, string, string[] | null]>} table */
__v8snap_esm.meta = function meta(filename, table) {
  const { pathToFileURL } = require('url');
  const path = require('path');
  const url = pathToFileURL(filename).href;
  const state = __v8snap_esmState;
  const o = Object.create(null);
  o.dirname = path.dirname(filename);
  o.filename = filename;
  o.main = !!state && state.phase === 'runtime' && state.esmMain === filename;
  o.resolve = function resolve(/** @type {string} */ spec) {
    const hit = table[String(spec)];
    if (hit) return hit[0].startsWith('node:') ? hit[0] : pathToFileURL(hit[0]).href;
    if (require('module').isBuiltin(spec)) return spec.startsWith('node:') ? spec : 'node:' + spec;
    if (/^[a-z][a-z0-9+.-]*:|^\.{0,2}\//i.test(spec)) return new URL(spec, url).href;
    if (state && state.building()) state.violate('NOT_IN_SNAPSHOT', `import.meta.resolve(${spec})`);
    return pathToFileURL(require('module').createRequire(filename).resolve(spec)).href;
  };
  o.url = url;
  return o;
};
