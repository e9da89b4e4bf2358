// @ts-check
// The two guard shapes of the prelude's hazard guards (installed for the build phase, transparent at run
// time): a guarded method and a guarded getter, each with its undo function pushed on state.restore.
/* exported __v8snap_guardTools */

/** @param {V8snapState} state */
function __v8snap_guardTools(state) {
  'use strict';
  // `replace(result)` (building only) hands out a stand-in for the result (os.cpus(): js/prelude/guard-fs-os.js).
  state.guardMethod = function guardMethod(obj, name, code, detail, when, after, replace) {
    const orig = obj[name];
    if (typeof orig !== 'function') return;
    /** @this {any} @param {...any} args */
    const guarded = function (...args) {
      if (state.building() && (!when || when(args))) state.violate(code, detail || name);
      const out = new.target ? Reflect.construct(orig, args, new.target) : Reflect.apply(orig, this, args);
      if (after && state.building()) after(out, args);
      return replace && state.building() ? replace(out) : out;
    };
    // Keep what hangs off the original (fs.realpathSync.native, util.promisify.custom on timers, ...).
    for (const k of Reflect.ownKeys(orig)) {
      if (k === 'length' || k === 'caller' || k === 'arguments') continue;
      const d = Object.getOwnPropertyDescriptor(orig, k);
      try {
        Object.defineProperty(guarded, k, d);
      } catch {
        // non-configurable on the target (e.g. 'prototype' of an arrow): skip
      }
    }
    const own = Object.getOwnPropertyDescriptor(obj, name);
    obj[name] = guarded;
    // A module may have monkey-patched it meanwhile (graceful-fs patches fs): keep that patch. Otherwise
    // put back exactly what was there: an inherited method (process.on is EventEmitter's) must not stay
    // behind as an own property, which `util.inspect(process)` and key listings would show.
    state.restore.push(() => {
      if (obj[name] !== guarded) return;
      if (own === undefined) delete obj[name];
      else Object.defineProperty(obj, name, own);
    });
  };

  // `assumed()` may return a value to hand out instead of recording a violation (see state.assume).
  state.guardGetter = function guardGetter(obj, name, code, detail, assumed) {
    const desc = Object.getOwnPropertyDescriptor(obj, name);
    if (!desc || !desc.configurable) return;
    let value = desc.get ? undefined : desc.value;
    Object.defineProperty(obj, name, {
      configurable: true,
      enumerable: desc.enumerable,
      get() {
        if (state.building()) {
          const v = assumed && assumed();
          if (v) return v;
          state.violate(code, detail);
        }
        return desc.get ? desc.get.call(this) : value;
      },
      set(v) {
        if (desc.set) desc.set.call(this, v);
        else value = v;
      },
    });
    state.restore.push(() => {
      if (desc.get) Object.defineProperty(obj, name, desc);
      else Object.defineProperty(obj, name, { ...desc, value });
    });
  };

  // Node's own code (fetch, streams, AbortSignal, ...) schedules work through the global of node's realm,
  // which the guards never see when modules run in another realm (a verifier's vm context); in the
  // builder it is the one realm. The verifier guards that global too while a module loads.
  state.guardRealm = function guardRealm(g) {
    for (const m of ['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask']) {
      state.guardMethod(g, m, 'TIMER_AT_INIT', m + '()');
    }
  };
}
