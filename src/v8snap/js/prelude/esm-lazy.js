// @ts-check
// v8snap ES module registry: lazy namespaces (used by esm-interop.js importOf). While building, a converted
// module that imports an ES module which is not initialized at build time (deferred by the doctor, or on
// disk: LIVE_BINDING) gets this namespace instead of being deferred itself, when v8snap.esm.convert found
// that it imports the module for bindings it reads (the table's names; see _mark_lazy_imports there).
//   - Its keys are the target's export names as node links them (known at build time), so `import * as ns`
//     can be held, passed and listed without loading anything.
//   - Reading a binding while building is the violation the eager import would have been
//     (DEPENDS_ON_DEFERRED, or NOT_IN_SNAPSHOT for a module on disk): the reading module is deferred.
//   - The import's place among the importer's imports is recorded (`edges`). After deserialization the
//     loader evaluates the target when it first serves the importer, at that place
//     (loader/serve.js registerChildren): where node evaluates it among everything that runs at run time.
//     It loads with the importer's require: node's own loader (require(esm), from disk: node's instance,
//     live bindings, errors and stack frames). Apps only (config.esmLazy): a library snapshot (v8snap.embed)
//     keeps its deferred ES modules as definitions and their importers deferred.
//     Every read goes to that namespace (live); an error the target throws is node's, and the next read
//     throws it again.
// What differs from node is documented in docs/limits.md ("ES modules").
// No top-level 'use strict' (see prelude/state.js).
/* global __v8snap_esm */

/** @type {Map<string, any>} target filename -> its lazy namespace (one per module, shared by importers) */
__v8snap_esm.lazy = new Map();
/** @type {Map<string, (req?: (id: string) => any) => any>} target filename -> loads it (once), gives its namespace */
__v8snap_esm.lazyLoad = new Map();
/** @type {Record<string, Array<[number, string]>>} importer key -> [number of its children before, target] */
__v8snap_esm.edges = Object.create(null);
/**
 * @param {(id: string) => any} require the importer's require (registry while building, node's after)
 * @param {string} to the target's absolute filename
 * @param {string[]} names its export names (sorted)
 * @param {string} from the importer's filename
 * @param {Record<string, string>} [reexported] name -> binding (`<filename>:<name>`, esm-origins.js) of the
 *   names the target re-exports from other modules
 * @returns {any} a lazy namespace, or null when the target is initialized while building (eager import)
 */
__v8snap_esm.lazyOf = function lazyOf(require, to, names, from, reexported) {
  'use strict';
  const st = this.state;
  if (!st || st.phase !== 'build' || st.config.esmLazy !== true) return null;
  const key = st.keyOfFilename(to);
  const importer = st.keyOfFilename(from);
  if (key === null || importer === null) return null;
  const absent = st.definitions[key] === undefined;
  if (!absent && st.healthy.has(key) && !st.tainted.has(key)) return null;
  // the importer's own evaluation (not a later lookup through `export { x } from`): record the place
  if (st.initStack[st.initStack.length - 1] === importer) {
    const list = (this.edges[importer] ||= []);
    if (!list.some((e) => e[1] === to)) list.push([(st.childKeys[importer] || []).length, to]);
  }
  const known = this.lazy.get(to);
  if (known) {
    if (reexported && !this.origins.has(known)) this.origins.set(known, new Map(Object.entries(reexported)));
    return known;
  }
  /** @type {any} */
  let real = null;
  const E = this;
  /** @param {(id: string) => any} [req] */
  const load = (req) => {
    if (real !== null) return real;
    if (st.phase === 'build') st.violate(absent ? 'NOT_IN_SNAPSHOT' : 'DEPENDS_ON_DEFERRED', key);
    const ex = (req || require)(to);
    real = E.byFile.get(to) || E.namespaces.get(ex) || ex;
    return real;
  };
  const ns = Object.create(null);
  for (const n of names) {
    Object.defineProperty(ns, n, { get: () => load()[n], enumerable: true });
  }
  Object.defineProperty(ns, Symbol.toStringTag, { value: 'Module' });
  Object.preventExtensions(ns);
  this.ids.set(ns, to);
  if (reexported) this.origins.set(ns, new Map(Object.entries(reexported)));
  this.lazy.set(to, ns);
  this.lazyLoad.set(to, load);
  return ns;
};
/**
 * Evaluate (after deserialization) the ES modules `key` imports lazily whose place is before its child
 * number `at` (loader/serve.js registerChildren, when it first serves `key`).
 * @param {string} key @param {number} at @param {(id: string) => any} req the importer Module's require
 */
__v8snap_esm.settle = function settle(key, at, req) {
  'use strict';
  for (const [pos, to] of this.edges[key] || []) {
    const load = pos === at ? this.lazyLoad.get(to) : undefined;
    if (load) load(req);
  }
};
