// @ts-check
// v8snap ES module interop for built-ins (after esm-registry.js; used by esm-interop.js importOf): a
// built-in's namespace, loaded at its first use, and node:module's with createRequire serving the registry.
// No top-level 'use strict' (see prelude/state.js).
/* global __v8snap_esm */

/**
 * The namespace of a built-in node's builder does not support (tty, child_process, readline, ...), made
 * while building. Node loads the built-in at the import and fills the namespace from its exports; loading it
 * at build time would defer every importer (BUILTIN_UNSUPPORTED). Here the built-in loads when a name is
 * first used; after deserialization that first use takes every name at once. The difference from node: a
 * patch of the built-in made by the app between its start and that first use shows (docs/limits.md).
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
    const s = String(from);
    const filename = s.startsWith('file:') ? nodeRequire('url').fileURLToPath(s) : s;
    const own = __v8snap_esm.embedRequire ? __v8snap_esm.embedRequire(filename) : null;
    if (own) return own; // an embedded module's require (v8snap.embed), at build and run time
    if (!building()) return nodeRequire('module').createRequire(from);
    const key = state.keyOfFilename(filename);
    if (key === null) state.violate('BUILTIN_UNSUPPORTED', `module.createRequire(${s})`);
    return state.makeRequire(key);
  };
  const ns = Object.create(null);
  for (const k of ['default', ...names.filter((n) => n !== 'default')].sort()) {
    const get = k === 'createRequire' ? () => (building() || __v8snap_esm.embedRequire ? createRequire : real().createRequire)
      : k === 'default' ? real : () => real()[k];
    Object.defineProperty(ns, k, { enumerable: true, get });
  }
  Object.defineProperty(ns, Symbol.toStringTag, { value: 'Module' });
  Object.preventExtensions(ns);
  return (this.moduleNs = ns);
};
