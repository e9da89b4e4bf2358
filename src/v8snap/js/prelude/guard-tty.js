// @ts-check
// Terminal facts read at load time are assumptions, like one environment variable (docs/architecture.md,
// "Assumptions"): `tty.isatty(fd)` and, of process.stdout / process.stderr, isTTY, columns, rows,
// hasColors() and getColorDepth(). The build-time value is recorded; the loader checks it against the live
// process at startup (loader/freshness.js ttyFact) and re-runs the module where it differs.
/* exported __v8snap_guardTty */

/**
 * @param {V8snapState} state
 * @returns {(tty: any) => void} the guards on node's tty module (served: prelude/guard-served.js)
 */
function __v8snap_guardTty(state) {
  'use strict';
  const assuming = state.config.assume !== false;
  /** @type {((fd: number) => boolean) | null} */
  let isatty = null; // node's own, taken before any guard
  // Loaded as node's own code: the builder's "not yet fully verified" warning is not the module's doing.
  const realTty = () => {
    state.internal++;
    try {
      const tty = state.realRequire('tty');
      isatty ||= tty.isatty;
      return tty;
    } finally {
      state.internal--;
    }
  };
  /** @param {string} name @param {any} value */
  const record = (name, value) => {
    if (!state.assume('tty', name, value)) state.violate('TTY_READ', 'process.' + name);
  };

  // require('tty'): node's builder warns it is "not yet fully verified" (probed verdict 'warns'), yet the
  // module holds no state of its own but a lazily loaded readline (node 24.19.0, lib/tty.js), and node's
  // own stdio streams are dropped before serialization: the blob may hold the module, never one of its
  // streams (native handles). So it is served as it is, with isatty(fd) an assumption and a ReadStream /
  // WriteStream made at load a violation. The guards come off before serialization: a module that kept
  // the module calls node's isatty at run time; one that kept the guarded function reaches it too.
  /** The guards on node's tty module, installed by state.servedModule (prelude/guard-served.js). */
  const guardModule = (/** @type {any} */ tty) => {
    isatty ||= tty.isatty;
    const real = tty.isatty;
    // a non-integer fd is never a terminal (node's isatty): nothing to assume
    state.guardMethod(tty, 'isatty', 'TTY_READ', 'tty.isatty()',
      (args) => Number.isInteger(args[0]) && !state.assume('tty', 'isatty:' + args[0], real(args[0])));
    state.guardMethod(tty, 'ReadStream', 'TTY_READ', 'new tty.ReadStream()');
    state.guardMethod(tty, 'WriteStream', 'TTY_READ', 'new tty.WriteStream()');
  };

  // process.stdout / process.stderr read at load: a stand-in. Why not a violation for all of it, nor the
  // builder's stream: a colour check reads a fact or two, and the builder's stream writes nowhere from the
  // blob (node drops it at serialization). While a module initializes, the facts are assumptions and any
  // other use (write, on, pipe, keys, prototype) is TTY_READ. Everywhere else -- a module that kept the
  // stand-in and writes to it after load, at run time -- it forwards to node's live stream, taken from
  // node's own getter (not a replacement of process.stdout made later, which a plain kept reference would
  // not see either), with its methods bound to that stream. Known difference: the stand-in is not
  // `=== process.stdout` (docs/limits.md); util.inspect / console.log show the stream.
  for (const [name, fd] of /** @type {Array<[string, number]>} */ ([['stdout', 1], ['stderr', 2]])) {
    const desc = Object.getOwnPropertyDescriptor(process, name);
    if (!desc || !desc.configurable) continue;
    const live = () => (desc.get ? desc.get.call(process) : desc.value);
    /** A fact of the builder's stream; a pipe or file has none of them, so no stream is made for one. */
    const buildFact = (/** @type {string} */ k) => {
      realTty();
      if (!(isatty && isatty(fd))) return undefined;
      state.internal++;
      try {
        return live()[k];
      } finally {
        state.internal--;
      }
    };
    const bound = new WeakMap();
    /** @param {any} s @param {string | symbol} k */
    const forward = (s, k) => {
      const v = Reflect.get(s, k, s);
      if (typeof v !== 'function' || k === 'constructor') return v;
      if (!bound.has(v)) bound.set(v, v.bind(s));
      return bound.get(v);
    };
    /** @param {string | symbol} k */
    const buildGet = (k) => {
      if (k === 'fd') return fd; // node sets it on every stdio stream, whatever its kind
      if (k === 'isTTY' || k === 'columns' || k === 'rows') {
        const v = buildFact(k);
        record(`${name}.${k}`, v);
        return v;
      }
      if (k === 'hasColors' || k === 'getColorDepth') {
        const m = buildFact(k);
        record(`${name}.isTTY`, buildFact('isTTY')); // only a terminal's stream has them
        if (typeof m !== 'function') return m;
        /** @param {...any} args */
        return function colours(...args) {
          if (!state.building()) return forward(live(), k)(...args);
          // an env object of the caller's would make the result its own, not the terminal's
          if (!args.every((a) => a === undefined || typeof a === 'number')) state.violate('TTY_READ', `process.${name}.${k}(env)`);
          state.internal++;
          let v;
          try {
            v = m.apply(live(), args);
          } finally {
            state.internal--;
          }
          record(`${name}.${k}(${args.map(String).join(',')})`, v);
          return v;
        };
      }
      state.violate('TTY_READ', `process.${name}.${String(k)}`);
      return undefined;
    };
    /** @param {string} what */
    const use = (what) => {
      if (state.building()) state.violate('TTY_READ', `process.${name} (${what})`);
      return live();
    };
    // util.inspect reads a proxy's target, never its traps: the target's custom inspect gives it the stream.
    const target = {};
    Object.defineProperty(target, Symbol.for('nodejs.util.inspect.custom'), { configurable: true, value: () => use('inspect') });
    const standIn = new Proxy(target, {
      get: (t, k) => (state.building() ? buildGet(k) : forward(live(), k)),
      has: (t, k) => (state.building() ? buildGet(k) !== undefined : Reflect.has(live(), k)),
      set: (t, k, v) => Reflect.set(use(`.${String(k)} =`), k, v),
      defineProperty: (t, k, d) => Reflect.defineProperty(use('defineProperty'), k, d),
      deleteProperty: (t, k) => Reflect.deleteProperty(use('delete'), k),
      ownKeys: () => Reflect.ownKeys(use('keys')),
      getPrototypeOf: () => Reflect.getPrototypeOf(use('prototype')),
      setPrototypeOf: (t, p) => Reflect.setPrototypeOf(use('setPrototypeOf'), p),
      getOwnPropertyDescriptor(t, k) {
        const d = Reflect.getOwnPropertyDescriptor(use('descriptor'), k);
        if (d && !d.configurable) Reflect.defineProperty(t, k, d); // a proxy's invariant
        return d;
      },
    });
    state.guardGetter(process, name, 'TTY_READ', 'process.' + name, () => assuming && standIn);
  }
  state.guardGetter(process, 'stdin', 'TTY_READ', 'process.stdin');
  return guardModule;
}
