// @ts-check
// v8snap ES module interop (after esm-registry.js): what an import of a CommonJS module, a built-in or JSON
// gives a converted ES module, and its import.meta -- node's rules, see esm-registry.js for the list.
// No top-level 'use strict' (see prelude/state.js).
/* global __v8snap_esm */

/** @type {Map<string, [any, any]>} target -> [module.exports, namespace] (one namespace per module) */
__v8snap_esm.cjs = new Map();
/**
 * @param {(id: string) => any} require
 * @param {Record<string, [string, string, string[] | null]>} table
 * @param {string} spec
 */
__v8snap_esm.importOf = function importOf(require, table, spec) {
  'use strict';
  const [to, format, names] = table[spec];
  if (to === 'node:module' && names) return this.builtinModule(names);
  if (format === 'builtin' && names) {
    const known = this.cjs.get(to);
    if (known) return known[1];
    const ns = this.builtinNamespace(() => require(to), names);
    this.cjs.set(to, [null, ns]);
    return ns;
  }
  const ex = require(to);
  if (format === 'esm') return this.byFile.get(to) || this.namespaces.get(ex) || ex;
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
/**
 * A built-in's namespace. Node loads the built-in at the import and fills the namespace from its exports,
 * reading each getter (node:process's stdout, stderr, stdin). Made while building, those values would be the
 * builder's, and the reads (or a built-in the builder does not support: tty, child_process) would defer
 * every importer: here the built-in loads when a name is first used; after deserialization that first use
 * takes every name at once, as node does at the import.
 * @param {() => any} load the built-in's exports (the importer's require)
 * @param {string[]} names the built-in's keys (listed by js/esm/convert.js with the same node)
 */
__v8snap_esm.builtinNamespace = function builtinNamespace(load, names) {
  'use strict';
  /** @type {any} */
  let ex;
  let loaded = false;
  const exports = () => {
    if (!loaded) { ex = load(); loaded = true; }
    return ex;
  };
  /** @type {Record<string, any> | null} */
  let taken = null;
  const take = () => {
    /** @type {Record<string, any>} */
    const values = {};
    for (const k of names) {
      try { values[k] = exports()[k]; } catch { values[k] = undefined; }
    }
    return values;
  };
  const building = () => __v8snap_esm.state !== null && __v8snap_esm.state.phase === 'build';
  const ns = Object.create(null);
  for (const k of ['default', ...names.filter((n) => n !== 'default')].sort()) {
    const get = k === 'default' ? exports : () => (building() ? exports()[k] : (taken ||= take())[k]);
    Object.defineProperty(ns, k, { enumerable: true, get });
  }
  Object.defineProperty(ns, Symbol.toStringTag, { value: 'Module' });
  Object.preventExtensions(ns);
  return ns;
};
/**
 * node:module for converted ES modules. Its common use at load, `createRequire(import.meta.url)`, gives at
 * build time the module's registry require (prelude/require.js makeRequire: what the trace saw it require is in
 * the resolver map; anything else is a violation); any other use at build time is BUILTIN_UNSUPPORTED, as
 * for CommonJS. After deserialization every name is node's own (createRequire included).
 * @param {string[]} names keys of node:module (listed at build time by js/esm/convert.js)
 */
__v8snap_esm.builtinModule = function builtinModule(names) {
  'use strict';
  if (this.moduleNs) return this.moduleNs;
  const state = __v8snap_esm.state;
  const building = () => state !== null && state.phase === 'build';
  const nodeRequire = require; // the builder's require (state.realRequire), not a call: js/README.md
  const real = () => {
    if (building() && state.building()) state.violate('BUILTIN_UNSUPPORTED', 'module');
    return nodeRequire('module');
  };
  const createRequire = function createRequire(/** @type {string | URL} */ from) {
    if (!building()) return nodeRequire('module').createRequire(from);
    const s = String(from);
    const key = state.keyOfFilename(s.startsWith('file:') ? nodeRequire('url').fileURLToPath(s) : s);
    if (key === null) state.violate('BUILTIN_UNSUPPORTED', `module.createRequire(${s})`);
    return state.makeRequire(key);
  };
  const ns = Object.create(null);
  for (const k of ['default', ...names.filter((n) => n !== 'default')].sort()) {
    const get = k === 'createRequire' ? () => (building() ? createRequire : real().createRequire)
      : k === 'default' ? real : () => real()[k];
    Object.defineProperty(ns, k, { enumerable: true, get });
  }
  Object.defineProperty(ns, Symbol.toStringTag, { value: 'Module' });
  Object.preventExtensions(ns);
  return (this.moduleNs = ns);
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
    if (hit) return hit[0].startsWith('node:') ? hit[0] : pathToFileURL(hit[0]).href;
    if (nodeRequire('module').isBuiltin(spec)) return spec.startsWith('node:') ? spec : 'node:' + spec;
    if (/^[a-z][a-z0-9+.-]*:|^\.{0,2}\//i.test(spec)) return new URL(spec, url).href;
    if (state && state.building()) state.violate('NOT_IN_SNAPSHOT', `import.meta.resolve(${spec})`);
    return state.esmResolver(filename)(spec); // js/loader/esm-hooks.js: node's own resolution
  };
  o.url = url;
  return o;
};
