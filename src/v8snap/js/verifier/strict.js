// @ts-check
// v8snap strict verifiers for the `electron` profile: Electron's mksnapshot has no Node environment and
// crashes (a bare segfault, no stack) on some objects created while the snapshot is made. Verifying in
// plain node would call those modules healthy, so in this profile the verifier context makes them
// violations with a clear code instead:
//   - constructing Error (and subclasses), Promise (and its static helpers), typed arrays, ArrayBuffer,
//     DataView at load time                                 -> GLOBAL_UNSAFE
//   - reading Node-only globals (process, Buffer, timers, ...) -> GLOBAL_MISSING
// (Requiring Node built-ins is refused by the prelude: the electron profile marks every built-in
// unsupported.) Everything is installed on the verification's own vm context and dies with it.
'use strict';

const UNSAFE_CONSTRUCTORS = ['Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError',
  'URIError', 'AggregateError', 'Promise', 'ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Int8Array',
  'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array',
  'Float64Array', 'BigInt64Array', 'BigUint64Array'];
const PROMISE_STATICS = ['resolve', 'reject', 'all', 'allSettled', 'any', 'race', 'withResolvers'];
const NODE_ONLY_GLOBALS = ['process', 'Buffer', 'setTimeout', 'setInterval', 'setImmediate', 'clearTimeout',
  'clearInterval', 'clearImmediate', 'queueMicrotask', 'global'];

/**
 * @param {Record<string, any>} ctx the verification's vm context
 * @param {any} state the prelude's state in that context (V8snapState)
 */
function install(ctx, state) {
  const g = ctx;
  const building = () => state.building();
  for (const name of UNSAFE_CONSTRUCTORS) {
    const Real = g[name];
    if (typeof Real !== 'function') continue;
    /** @type {any} */
    const guarded = new Proxy(Real, {
      construct(target, args, newTarget) {
        if (building()) state.violate('GLOBAL_UNSAFE', `new ${name}() at load time`);
        return Reflect.construct(target, args, newTarget === guarded ? target : newTarget);
      },
      apply(target, self, args) {
        if (building() && /Error$/.test(name)) state.violate('GLOBAL_UNSAFE', `${name}() at load time`);
        return Reflect.apply(target, self, args);
      },
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver === guarded ? target : receiver);
        if (name === 'Promise' && PROMISE_STATICS.includes(/** @type {string} */ (prop)) && typeof v === 'function') {
          return function (/** @type {any[]} */ ...args) {
            if (building()) state.violate('GLOBAL_UNSAFE', `Promise.${/** @type {string} */ (prop)}() at load time`);
            return Reflect.apply(v, target, args);
          };
        }
        return v;
      },
    });
    g[name] = guarded;
  }
  for (const name of NODE_ONLY_GLOBALS) {
    const desc = Object.getOwnPropertyDescriptor(g, name);
    if (!desc || !desc.configurable) continue;
    let value = desc.get ? desc.get.call(g) : desc.value;
    Object.defineProperty(g, name, {
      configurable: true,
      enumerable: desc.enumerable,
      get() {
        if (building()) state.violate('GLOBAL_MISSING', `${name} (not defined in Electron's mksnapshot)`);
        return value;
      },
      set(v) {
        value = v;
      },
    });
  }
}

module.exports = { install };
