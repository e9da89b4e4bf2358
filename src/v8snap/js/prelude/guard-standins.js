// @ts-check
// Global constructors the builder's realm lacks but a blob's realm has (node 24.19 installs them after
// deserialization): SuppressedError, Float16Array, SharedArrayBuffer, DisposableStack,
// AsyncDisposableStack. Libraries test for them at load and keep what they found -- tslib 2's helpers
// (`typeof SuppressedError === "function" ? SuppressedError : polyfill`, in yargs, less, the AWS SDK),
// get-intrinsic's table (`%Float16Array%`, `%SharedArrayBuffer%`: qs, express, the es-shims) -- which
// would bake "missing" (GLOBAL_MISSING). While modules load, each global is a stand-in, in the builder
// and in the verifier alike: `typeof` and keeping it are fine; any other use at load (construct, call,
// read a property, `extends`, `instanceof`) is GLOBAL_MISSING. The globals are taken away before
// serialization. A kept stand-in forwards everything to the realm's own constructor at run time
// (docs/limits.md, "Stand-in globals").
/* exported __v8snap_guardStandIns */

/**
 * @param {V8snapState} state
 * @param {string[]} names global constructors to stand in for
 */
function __v8snap_guardStandIns(state, names) {
  'use strict';
  const g = /** @type {any} */ (globalThis);
  for (const name of names) {
    const desc = Object.getOwnPropertyDescriptor(g, name);
    /** @type {any} */
    let face = null;
    /** The realm's own constructor (none in the builder's realm). */
    const native = () => {
      const N = g[name];
      if (typeof N !== 'function' || N === face) state.violate('GLOBAL_MISSING', name);
      return N;
    };
    /** @param {string} what */
    const use = (what) => {
      if (state.building()) state.violate('GLOBAL_MISSING', what);
      return native();
    };
    /** An error made through the stand-in: its stack starts at the caller, as a native constructor's. */
    const fromCaller = (/** @type {any} */ o, /** @type {Function} */ trap) => {
      if (o instanceof Error) Error.captureStackTrace(o, trap);
      return o;
    };
    /** The target follows the realm's constructor where a proxy invariant ties them (non-configurable
     * properties; every property once frozen or sealed). @param {any} t @param {any} N @param {string | symbol} k */
    const mirror = (t, N, k) => {
      const nd = Reflect.getOwnPropertyDescriptor(N, k);
      if (nd === undefined) return Reflect.deleteProperty(t, k);
      if (!nd.configurable || !Reflect.isExtensible(t) || Reflect.getOwnPropertyDescriptor(t, k)) {
        return Reflect.defineProperty(t, k, nd);
      }
      return true;
    };
    const handler = {
      /** @param {any} _t @param {any[]} args @param {any} nt */
      construct(_t, args, nt) {
        const N = use(`new ${name}()`);
        return fromCaller(Reflect.construct(N, args, nt === face ? N : nt), handler.construct);
      },
      /** @param {any} _t @param {any} self @param {any[]} args */
      apply(_t, self, args) {
        return fromCaller(Reflect.apply(use(`${name}()`), self, args), handler.apply);
      },
      get: (/** @type {any} */ _t, /** @type {string | symbol} */ k) => {
        const N = use(`${name}.${String(k)}`);
        return Reflect.get(N, k, N);
      },
      set: (/** @type {any} */ _t, /** @type {string | symbol} */ k, /** @type {any} */ v) => Reflect.set(use(`${name}.${String(k)}`), k, v),
      has: (/** @type {any} */ _t, /** @type {string | symbol} */ k) => Reflect.has(use(`${name}.${String(k)}`), k),
      ownKeys: () => Reflect.ownKeys(use(`${name} keys`)),
      getOwnPropertyDescriptor: (/** @type {any} */ t, /** @type {string | symbol} */ k) => {
        const d = Reflect.getOwnPropertyDescriptor(use(`${name}.${String(k)}`), k);
        // A proxy may report a non-configurable property only as one of its target: give the target it.
        if (d && !d.configurable) Reflect.defineProperty(t, k, d);
        return d;
      },
      // Frozen or sealed: the realm's constructor is, and the target takes its properties first (a
      // non-extensible proxy reports exactly its target's keys).
      preventExtensions: (/** @type {any} */ t) => {
        const N = use(`${name} preventExtensions`);
        for (const k of Reflect.ownKeys(N)) Reflect.defineProperty(t, k, /** @type {PropertyDescriptor} */ (Reflect.getOwnPropertyDescriptor(N, k)));
        Reflect.setPrototypeOf(t, Reflect.getPrototypeOf(N));
        return Reflect.preventExtensions(N) && Reflect.preventExtensions(t);
      },
      setPrototypeOf: (/** @type {any} */ _t, /** @type {any} */ p) => Reflect.setPrototypeOf(use(`${name} setPrototypeOf`), p),
      defineProperty: (/** @type {any} */ t, /** @type {string | symbol} */ k, /** @type {PropertyDescriptor} */ d) => {
        const N = use(`${name}.${String(k)}`);
        return Reflect.defineProperty(N, k, d) && mirror(t, N, k);
      },
      deleteProperty: (/** @type {any} */ t, /** @type {string | symbol} */ k) => {
        const N = use(`${name}.${String(k)}`);
        return Reflect.deleteProperty(N, k) && mirror(t, N, k);
      },
      getPrototypeOf: () => Reflect.getPrototypeOf(use(`${name} prototype chain`)),
    };
    // A constructible target (a function's own `prototype` is writable: no proxy invariant ties it).
    face = new Proxy(function standIn() {}, handler);
    Object.defineProperty(g, name, { configurable: true, writable: true, enumerable: false, value: face });
    state.restore.push(() => {
      if (g[name] !== face) return; // a module replaced it: keep that, as a plain run would
      if (desc) Object.defineProperty(g, name, desc);
      else delete g[name];
    });
  }
}
