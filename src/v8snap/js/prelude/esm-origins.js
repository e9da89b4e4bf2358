// @ts-check
// v8snap ES module registry: binding identities, for the `export *` rule of prelude/esm-registry.js (a name
// two stars bring from different bindings is ambiguous). A binding is `<module id>:<name>` of the module that
// declares it, followed through `export { x as name } from`. A module's id is its filename for a converted ES
// module and a CommonJS/JSON/built-in namespace (one per module), so the build can name a binding of a module
// that is not initialized: a lazy namespace's re-exported names (esm-lazy.js, v8snap.esm.convert).
// No top-level 'use strict' (see prelude/state.js).
/* global __v8snap_esm */

/** @type {WeakMap<object, Map<string, string | (() => string)>>} namespace -> Map(name -> binding identity) */
__v8snap_esm.origins = new WeakMap();
/** @type {WeakMap<object, string>} */
__v8snap_esm.ids = new WeakMap();
__v8snap_esm.nextId = 0;
__v8snap_esm.id = function id(/** @type {object} */ o) {
  'use strict';
  let v = this.ids.get(o);
  if (v === undefined) this.ids.set(o, (v = 'm' + this.nextId++));
  return v;
};
/** Identity of the binding `name` of namespace `ns` (followed through `export { x } from`). */
__v8snap_esm.originOf = function originOf(/** @type {any} */ ns, /** @type {string} */ name) {
  'use strict';
  const o = this.origins.get(ns);
  const v = o && o.get(name);
  if (typeof v === 'function') {
    const id = v();
    o.set(name, id);
    return id;
  }
  return v || this.id(ns) + ':' + name;
};
