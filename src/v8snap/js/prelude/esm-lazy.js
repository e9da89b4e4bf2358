// @ts-check
// v8snap ES module registry: lazy namespaces (used by esm-interop.js importOf). While building, a converted
// module that imports an ES module which is not initialized at build time (deferred by the doctor, or on
// disk: LIVE_BINDING) gets this namespace instead of being deferred itself, when v8snap.esm.convert found
// that it imports the module for bindings it reads (the table's names; see _mark_lazy_imports there).
//   - Its keys are the target's export names as node links them (known at build time), so `import * as ns`
//     can be held, passed and listed without loading anything.
//   - Reading a binding while building is the violation the eager import would have been
//     (DEPENDS_ON_DEFERRED, or NOT_IN_SNAPSHOT for a module on disk): the reading module is deferred.
//   - After deserialization the first read loads the target with the importer's require: node's own loader
//     (require(esm), from disk: node's instance, its live bindings, its errors and stack frames), or in a
//     library snapshot the target's definition. Every read goes to that namespace (live); an error thrown
//     while the target evaluates is node's, and the next read throws it again.
// The order this gives is documented in docs/limits.md ("ES modules", lazy imports).
// No top-level 'use strict' (see prelude/state.js).
/* global __v8snap_esm */

/** @type {Map<string, any>} target filename -> its lazy namespace (one per module, shared by importers) */
__v8snap_esm.lazy = new Map();
/**
 * @param {(id: string) => any} require the importer's require (registry while building, node's after)
 * @param {string} to the target's absolute filename
 * @param {string[]} names its export names (sorted)
 * @returns {any} a lazy namespace, or null when the target is initialized while building (eager import)
 */
__v8snap_esm.lazyOf = function lazyOf(require, to, names) {
  'use strict';
  const st = this.state;
  if (!st || st.phase !== 'build') return null;
  const key = st.keyOfFilename(to);
  if (key === null) return null;
  const absent = st.definitions[key] === undefined;
  if (!absent && st.healthy.has(key) && !st.tainted.has(key)) return null;
  const known = this.lazy.get(to);
  if (known) return known;
  /** @type {any} */
  let real = null;
  const E = this;
  const load = () => {
    if (real !== null) return real;
    if (st.phase === 'build') st.violate(absent ? 'NOT_IN_SNAPSHOT' : 'DEPENDS_ON_DEFERRED', key);
    const ex = require(to);
    real = E.byFile.get(to) || E.namespaces.get(ex) || ex;
    return real;
  };
  const ns = Object.create(null);
  for (const n of names) {
    Object.defineProperty(ns, n, { get: () => load()[n], enumerable: true });
  }
  Object.defineProperty(ns, Symbol.toStringTag, { value: 'Module' });
  Object.preventExtensions(ns);
  this.lazy.set(to, ns);
  return ns;
};
