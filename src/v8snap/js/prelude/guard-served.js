// @ts-check
// Built-ins node's builder only warns about ("not yet fully verified", probed verdict 'warns') that hold
// no state of their own once loaded: the module is served at build time, and what would put run-time state
// into the blob is a violation while a module loads (docs/limits.md, "Built-ins served with guards"). The
// guards come off before serialization (state.restore): a module that kept the built-in, or a class or
// function of it, uses node's own at run time.
//   async_hooks: classes and functions over node's own async-hooks state (lib/async_hooks.js, node
//     24.19), which node serializes itself; a hook, a resource, an async id or a store at load is not
//     the run's.
//   perf_hooks: `performance` is the global one (its clock is already guarded: TIME_READ); a histogram,
//     an event-loop monitor or an observer at load is native state of the builder.
/* exported __v8snap_guardServed */

/**
 * @param {V8snapState} state
 * @param {Record<string, (m: any) => void>} others guards of other parts, by built-in (tty: guard-tty.js)
 */
function __v8snap_guardServed(state, others) {
  'use strict';
  /** @type {Record<string, (m: any, guard: (obj: any, name: string, what: string) => void) => void>} */
  const guards = {
    ...others,
    async_hooks(m, guard) {
      for (const name of ['createHook', 'executionAsyncId', 'triggerAsyncId', 'executionAsyncResource']) {
        guard(m, name, `async_hooks.${name}()`);
      }
      for (const name of ['run', 'enterWith', 'exit', 'disable']) {
        guard(m.AsyncLocalStorage.prototype, name, `AsyncLocalStorage#${name}()`);
      }
      for (const name of ['bind', 'snapshot']) guard(m.AsyncLocalStorage, name, `AsyncLocalStorage.${name}()`);
      guard(m.AsyncResource, 'bind', 'AsyncResource.bind()'); // before the class: the copy keeps it
      guard(m, 'AsyncResource', 'new AsyncResource()');
      // `new (AsyncResource.prototype.constructor)()` reaches the class through its prototype
      const proto = m.AsyncResource.prototype;
      const ctor = Object.getOwnPropertyDescriptor(proto, 'constructor');
      if (ctor) {
        Object.defineProperty(proto, 'constructor', { ...ctor, value: m.AsyncResource });
        state.restore.push(() => Object.defineProperty(proto, 'constructor', ctor));
      }
    },
    perf_hooks(m, guard) {
      // (the global performance's mark/measure/... are guarded for every module: prelude/guard-process.js)
      for (const name of ['monitorEventLoopDelay', 'createHistogram', 'PerformanceObserver', 'PerformanceMark']) {
        guard(m, name, `perf_hooks.${name}`);
      }
    },
  };
  /** @type {Set<string>} */
  const guarded = new Set();
  /**
   * Node's module `name` with its build-time guards, or null when it is not served this way.
   * @param {string} name
   */
  state.servedModule = function servedModule(name) {
    const install = Object.hasOwn(guards, name) ? guards[name] : undefined;
    if (!install) return null;
    state.internal++; // loaded as node's own code: the builder's warning is not the module's doing
    let m;
    try {
      m = state.realRequire(name);
    } finally {
      state.internal--;
    }
    if (!guarded.has(name)) {
      guarded.add(name);
      install(m, (obj, key, what) => state.guardMethod(obj, key, 'BUILTIN_UNSUPPORTED', `${name}: ${what}`));
      state.restore.push(() => { guarded.delete(name); });
    }
    return m;
  };
}
