// @ts-check
// v8snap ES module interop (after esm-registry.js): what an import of a CommonJS module, a built-in or JSON
// gives a converted ES module, and its import.meta -- node's rules, see esm-registry.js for the list.
// No top-level 'use strict' (see prelude/state.js).
/* global __v8snap_esm */

/** @type {Map<string, [any, any]>} target -> [module.exports, namespace] (one namespace per module) */
__v8snap_esm.cjs = new Map();
/** @type {((filename: string) => any) | null} the embedding's require for an embedded module's filename */
__v8snap_esm.embedRequire = null;
/**
 * @param {(id: string) => any} require
 * @param {Record<string, [string, string, string[] | null, Record<string, string>?]>} table
 * @param {string} spec
 * @param {string} from the importer's filename
 */
__v8snap_esm.importOf = function importOf(require, table, spec, from) {
  'use strict';
  const [to, format, names, reexported] = table[spec];
  if (to === 'node:module' && names) return this.builtinModule(names);
  // A built-in node's builder does not support (tty, child_process, ...) cannot load while building: its
  // namespace loads it at first use (esm-builtins.js). Any other built-in's namespace takes its values
  // now, as node's does at the import (an app's later patch of the built-in does not show through).
  const st = this.state;
  const unsupported = !!st && st.phase === 'build' && st.builtinVerdicts[to.replace(/^node:/, '')] !== 'ok';
  if (format === 'builtin' && names && unsupported) {
    const known = this.cjs.get(to);
    if (known) return known[1];
    const ns = this.builtinNamespace(() => require(to), names);
    this.cjs.set(to, [null, ns]);
    return ns;
  }
  // An ES module not initialized while building, imported for bindings read later: esm-lazy.js.
  const lazy = format === 'esm' && names ? this.lazyOf(require, to, names, from, reexported) : null;
  if (lazy) return lazy;
  const ex = require(to);
  if (format === 'esm') return this.byFile.get(to) || this.namespaces.get(ex) || ex;
  // 'auto' (embedded modules, v8snap.esm.convert.Target): a converted ES module's namespace, else interop
  // over the value's own enumerable keys (the lexer's names are not known for it).
  const esm = format === 'auto' ? this.byFile.get(to) || this.namespaces.get(ex) : undefined;
  if (esm !== undefined) return esm;
  const hit = this.cjs.get(to);
  if (hit && hit[0] === ex) return hit[1];
  const ns = Object.create(null);
  const own = ex !== null && (typeof ex === 'object' || typeof ex === 'function');
  const keys = format === 'json' ? [] : format === 'builtin' || (format === 'auto' && own) ? Object.keys(ex) : names || [];
  /** @type {Record<string, any>} */
  const values = { default: ex };
  if (format === 'cjs' || (format === 'auto' && !process.getBuiltinModule(to))) values['module.exports'] = ex;
  // An accessor of a built-in (process.stdin, process.stdout, ...) is read when the module reads it: read
  // eagerly, the namespace of `import process from 'process'` would touch the terminal at load.
  const accessors = new Set();
  for (const k of keys) {
    if (k === 'default' || k in values) continue;
    const d = format === 'builtin' && own ? Object.getOwnPropertyDescriptor(ex, k) : undefined;
    if (d && d.get) accessors.add(k);
    let v;
    try { v = !d?.get && own && Object.prototype.hasOwnProperty.call(ex, k) ? ex[k] : undefined; } catch { v = undefined; }
    values[k] = v;
  }
  for (const k of Object.keys(values).sort()) {
    if (accessors.has(k)) Object.defineProperty(ns, k, { get: () => ex[k], enumerable: true });
    else Object.defineProperty(ns, k, { value: values[k], enumerable: true, writable: true });
  }
  Object.defineProperty(ns, Symbol.toStringTag, { value: 'Module' });
  Object.preventExtensions(ns);
  this.ids.set(ns, to); // binding identities (esm-origins.js)
  this.cjs.set(to, [ex, ns]);
  return ns;
};
/** @param {string} filename @param {Record<string, [string, string, string[] | null]>} table */
__v8snap_esm.meta = function meta(filename, table) {
  'use strict';
  const nodeRequire = require; // the builder's require (state.realRequire), not a call: js/README.md
  const { pathToFileURL } = nodeRequire('url');
  const path = nodeRequire('path');
  const url = pathToFileURL(filename).href;
  const state = __v8snap_esm.state;
  const o = Object.create(null);
  o.dirname = path.dirname(filename);
  o.filename = filename;
  o.main = !!state && state.phase === 'runtime' && state.esmMain === filename;
  o.resolve = function resolve(/** @type {string} */ spec) {
    const hit = table[String(spec)];
    if (hit && hit[0].startsWith('node:')) return hit[0];
    if (hit && path.isAbsolute(hit[0])) return pathToFileURL(hit[0]).href;
    if (nodeRequire('module').isBuiltin(spec)) return spec.startsWith('node:') ? spec : 'node:' + spec;
    if (/^[a-z][a-z0-9+.-]*:|^\.{0,2}\//i.test(spec)) return new URL(spec, url).href;
    if (state && state.building()) state.violate('NOT_IN_SNAPSHOT', `import.meta.resolve(${spec})`);
    if (!state || !state.esmResolver) { // an embedded module (v8snap.embed): no file to resolve from
      const err = /** @type {NodeJS.ErrnoException} */ (new Error(`Cannot resolve '${spec}' from ${filename}`));
      err.code = 'ERR_MODULE_NOT_FOUND';
      throw err;
    }
    return state.esmResolver(filename)(spec); // js/loader/esm-hooks.js: node's own resolution
  };
  o.url = url;
  return o;
};
