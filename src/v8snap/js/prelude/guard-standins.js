// @ts-check
// Globals the builder's realm lacks but a blob's realm has (node 24.19 installs `SuppressedError` after
// deserialization): tslib and every bundle of its helpers (yargs, less, rxjs, the AWS SDK) read it at load
// (`typeof SuppressedError === "function" ? SuppressedError : polyfill`), which would bake the polyfill
// choice (GLOBAL_MISSING). While modules load, the global is a stand-in, in the builder and in the
// verifier alike: reading it is fine, constructing or calling it at load is GLOBAL_MISSING. It is taken
// away before serialization; one a module kept makes the realm's own SuppressedError at run time, with its
// prototype, and a stack trace that starts at the caller (docs/limits.md, "Stand-in globals").
/* exported __v8snap_guardStandIns */

/** @param {V8snapState} state */
function __v8snap_guardStandIns(state) {
  'use strict';
  const name = 'SuppressedError';
  const g = /** @type {any} */ (globalThis);
  const desc = Object.getOwnPropertyDescriptor(g, name);
  const native = () => {
    const N = g[name];
    return typeof N === 'function' && N !== standIn ? N : null;
  };
  /** @this {any} @param {...any} args */
  const standIn = function SuppressedError(...args) {
    const N = native();
    if (state.building() || N === null) state.violate('GLOBAL_MISSING', `new ${name}()`);
    const e = Reflect.construct(/** @type {Function} */ (N), args, new.target && new.target !== standIn ? new.target : N);
    Error.captureStackTrace(e, standIn);
    return e;
  };
  Object.defineProperty(standIn, 'length', { value: 3 });
  /** Give the stand-in the realm's prototype chain once the realm has its own SuppressedError. */
  const link = () => {
    const N = native();
    if (N === null) return;
    Object.setPrototypeOf(standIn, Object.getPrototypeOf(N));
    Object.defineProperty(standIn, 'prototype', { value: N.prototype });
  };
  link();
  Object.defineProperty(g, name, { configurable: true, writable: true, enumerable: false, value: standIn });
  state.restore.push(() => {
    if (g[name] !== standIn) return; // a module replaced it: keep that, as a plain run would
    if (desc) Object.defineProperty(g, name, desc);
    else delete g[name];
  });
  (state.onRuntime ||= []).push(link);
}
