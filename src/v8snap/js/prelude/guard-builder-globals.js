// @ts-check
// The verifier's realm is not the builder's. config.builderGlobals (verifier bundles only; probed once
// per node by doctor/globals.py) lists what the builder lacks -- `missing`: 'WebAssembly',
// 'Promise.try', 'DataView.prototype.getFloat16', ... (present again when the blob runs, so even
// `typeof WebAssembly` at load bakes a wrong answer) -- and node's lazily loaded globals that crash the
// builder -- `lazy`: name -> 'touch' (reading it loads internals the builder cannot serialize) or
// 'use' (constructing or calling it does; also Intl's constructors: 'Intl.Segmenter').
/* exported __v8snap_guardBuilderGlobals */

/**
 * @param {V8snapState} state
 * @param {{missing?: string[], lazy?: Record<string, 'touch' | 'use'>} | null | undefined} bg
 * @param {string[]} standIns missing globals given a stand-in instead (prelude/guard-standins.js)
 */
function __v8snap_guardBuilderGlobals(state, bg, standIns) {
  'use strict';
  if (!bg) return;
  /** @param {any} owner @param {string} name @param {string} code @param {string} detail */
  const guardAccess = (owner, name, code, detail) => {
    const desc = Object.getOwnPropertyDescriptor(owner, name);
    if (!desc || !desc.configurable) return;
    Object.defineProperty(owner, name, {
      configurable: true,
      enumerable: desc.enumerable,
      get() {
        if (state.building()) state.violate(code, detail);
        return desc.get ? desc.get.call(this) : desc.value;
      },
      set(v) {
        Object.defineProperty(this, name, { configurable: true, enumerable: desc.enumerable, writable: true, value: v });
      },
    });
    state.restore.push(() => Object.defineProperty(owner, name, desc));
  };
  const missing = new Set((bg.missing || []).filter((p) => !standIns.includes(p)));
  for (const p of missing) {
    const parts = p.split('.');
    const name = parts.pop();
    if (parts.length && missing.has(parts[0])) continue;
    /** @type {any} */
    let owner = globalThis;
    for (const part of parts) owner = owner === null || owner === undefined ? undefined : owner[part];
    if (owner === null || (typeof owner !== 'object' && typeof owner !== 'function')) continue;
    guardAccess(owner, name, 'GLOBAL_MISSING', p);
  }
  for (const name of Object.keys(bg.lazy || {})) {
    if (bg.lazy[name] === 'touch') {
      guardAccess(globalThis, name, 'BUILTIN_CRASHES', `globalThis.${name}`);
      continue;
    }
    // A dotted name is a member of an ECMAScript namespace (Intl.Segmenter)
    const dot = name.lastIndexOf('.');
    /** @type {any} */
    const owner = dot < 0 ? globalThis : /** @type {any} */ (globalThis)[name.slice(0, dot)];
    const member = name.slice(dot + 1);
    const desc = owner ? Object.getOwnPropertyDescriptor(owner, member) : undefined;
    if (!desc || !desc.configurable || typeof desc.value !== 'function') continue;
    const orig = desc.value;
    const proxy = new Proxy(orig, {
      construct(t, args, nt) {
        if (state.building()) state.violate('BUILTIN_CRASHES', `new ${name}()`);
        return Reflect.construct(t, args, nt === proxy ? t : nt);
      },
      apply(t, self, args) {
        if (state.building()) state.violate('BUILTIN_CRASHES', `${name}()`);
        return Reflect.apply(t, self, args);
      },
    });
    Object.defineProperty(owner, member, { ...desc, value: proxy });
    state.restore.push(() => Object.defineProperty(owner, member, desc));
  }
}
