// @ts-check
// process.env while modules load: a proxy; reading a variable at load would bake it into the blob, so
// each read is an assumption (state.assume; docs/architecture.md, "Assumptions").
/* exported __v8snap_guardEnv */

/** @param {V8snapState} state @returns {NodeJS.ProcessEnv} node's own process.env */
function __v8snap_guardEnv(state) {
  'use strict';
  const realEnv = process.env;
  // Reading one variable records an assumption (see state.assume); so does listing them (the set of names:
  // `Object.keys(process.env)`, as debug's DEBUG_* options do; each value then read is its own). Their
  // order is not compared: shells pass the environment in hash order (dash re-orders it; docs/limits.md).
  /** @param {any} t @param {string | symbol} k */
  const readEnv = (t, k) => {
    const v = Reflect.get(t, k);
    if (state.building() && typeof k === 'string' && !state.assume('env', k, v)) state.violate('ENV_READ', k);
    return v;
  };
  // Listing the names (`Object.keys`, for-in, a spread, `Object.assign`, `JSON.stringify`) asks for each
  // property's descriptor only to see that it is enumerable; values come through `get`. Only a descriptor
  // asked for by `Object.getOwnPropertyDescriptor(s)` / `Reflect.getOwnPropertyDescriptor` hands out a value.
  const enumerabilityCheck = () => {
    if (!state.building()) return false;
    const { prepareStackTrace, stackTraceLimit } = Error;
    try {
      Error.stackTraceLimit = 3;
      Error.prepareStackTrace = (_e, sites) => sites;
      const sites = /** @type {any} */ (new Error().stack);
      const caller = Array.isArray(sites) && sites[2] ? String(sites[2].getFunctionName()) : '';
      return !/^getOwnPropertyDescriptors?$/.test(caller);
    } finally {
      Error.prepareStackTrace = prepareStackTrace;
      Error.stackTraceLimit = stackTraceLimit;
    }
  };
  const listed = () => {
    const key = state.initStack[state.initStack.length - 1];
    return (state.assumptions[key] || []).some((/** @type {any[]} */ a) => a[0] === 'envNames');
  };
  const envProxy = new Proxy(realEnv, {
    get(t, k) {
      return readEnv(t, k);
    },
    has(t, k) {
      readEnv(t, k);
      return Reflect.has(t, k);
    },
    ownKeys(t) {
      const names = Reflect.ownKeys(t);
      if (state.building()) {
        const set = names.map(String).filter((n) => !n.startsWith('V8SNAP_')).sort(); // (V8SNAP_*: ours)
        if (!state.assume('envNames', '', set)) state.violate('ENV_READ', '*');
      }
      return names;
    },
    getOwnPropertyDescriptor(t, k) {
      // Presence alone (`Object.hasOwn`, `hasOwnProperty`, `propertyIsEnumerable`) is recorded as the
      // value is, unless this module listed the names: the set of names is then its assumption already.
      if (!(enumerabilityCheck() && listed())) readEnv(t, k);
      return Reflect.getOwnPropertyDescriptor(t, k);
    },
  });
  Object.defineProperty(process, 'env', { configurable: true, enumerable: true, writable: true, value: envProxy });
  state.restore.push(() => {
    Object.defineProperty(process, 'env', { configurable: true, enumerable: true, writable: true, value: realEnv });
  });
  return realEnv;
}
