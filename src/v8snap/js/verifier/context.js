// @ts-check
'use strict';
// A fresh vm context per verification, so no state of one module leaks into the next one's globals.
const vm = require('vm');

// Node's globals (process, Buffer, timers, URL, TextEncoder, ...) for a new context. The JS built-ins
// (Object, Date, Math, Error, ...) are the context's own: a module patching them cannot affect the next.
const NODE_GLOBALS = Object.getOwnPropertyNames(globalThis).filter((n) => {
  try {
    return !(n in vm.runInNewContext('globalThis'));
  } catch {
    return false;
  }
});
const TYPED_ARRAY_FAMILY = ['ArrayBuffer', 'DataView', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray',
  'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array',
  'BigUint64Array'];

/**
 * @param {NodeJS.Require} nodeRequire the worker's `require` (the prelude needs v8, fs, path, os)
 * @returns {vm.Context & Record<string, any>}
 */
function newContext(nodeRequire) {
  /** @type {Record<string, any>} */
  const sandbox = {};
  for (const name of NODE_GLOBALS) {
    try {
      sandbox[name] = /** @type {any} */ (globalThis)[name];
    } catch {
      // a lazy getter that throws outside its realm: leave it out
    }
  }
  const ctx = vm.createContext(sandbox);
  ctx.global = ctx;
  ctx.require = nodeRequire; // the builder's `require`
  // Binary data crosses between node's APIs and module code: Buffer, TextEncoder, crypto and fs return
  // typed arrays of node's realm, and in the builder (one realm) `new TextEncoder().encode('') instanceof
  // Uint8Array` holds (esbuild checks it at load). Give each context node's typed-array family.
  for (const name of TYPED_ARRAY_FAMILY) {
    const value = /** @type {any} */ (globalThis)[name];
    if (typeof value === 'function') ctx[name] = value;
  }
  vm.runInContext('Error.stackTraceLimit = 50', ctx);
  return ctx;
}

module.exports = { newContext };
