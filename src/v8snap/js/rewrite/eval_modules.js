// @ts-check
'use strict';
// Test helper for the snapshot printer: evaluate CommonJS module bodies side by side and report what
// they export and when they require their dependencies.
//
// stdin:  {"cases": [{"variants": [code, ...], "targets": {"spec": code, ...}}, ...]}
// stdout: [{"variants": [{error, initLoaded, calls, keys, out}, ...]}, ...]
//   error       message thrown while the module initialized, or null
//   initLoaded  specifiers first required while the module initialized (in order)
//   calls       number of require() calls per specifier after every export was used
//   keys        Object.keys(module.exports)
//   out         each export, read (and called with no arguments if it is a function), serialized

const fs = require('node:fs');

/** @param {any} value */
function serialize(value) {
  return JSON.parse(
    JSON.stringify(value === undefined ? '[undefined]' : value, (_key, v) => {
      if (typeof v === 'function') return '[function]';
      if (v === undefined) return '[undefined]';
      return v;
    }),
  );
}

/**
 * @param {string} code a module body
 * @param {Record<string, string>} targets dependency specifier -> module body
 */
function runVariant(code, targets) {
  /** @type {Record<string, number>} */
  const calls = {};
  const cache = new Map();
  /** @type {string[]} */
  const initLoaded = [];
  let phase = 'init';
  /** @param {string} spec */
  function req(spec) {
    calls[spec] = (calls[spec] || 0) + 1;
    if (cache.has(spec)) return cache.get(spec).exports;
    if (!(spec in targets)) throw new Error(`Cannot find module '${spec}'`);
    const mod = { exports: {} };
    cache.set(spec, mod);
    if (phase === 'init') initLoaded.push(spec);
    new Function('exports', 'module', 'require', targets[spec])(mod.exports, mod, req);
    return mod.exports;
  }
  const mod = { exports: {} };
  let error = null;
  try {
    const fn = new Function('exports', 'module', 'require', '__filename', '__dirname', code);
    fn.call(mod.exports, mod.exports, mod, req, '/app/m.js', '/app');
  } catch (e) {
    error = String(e && e.message);
  }
  phase = 'use';
  /** @type {any} */
  const exp = mod.exports;
  const keys = exp !== null && typeof exp === 'object' ? Object.keys(exp) : [];
  /** @type {Record<string, any>} */
  const out = {};
  for (const k of keys) {
    let v;
    try {
      v = exp[k];
      if (typeof v === 'function') v = v();
    } catch (e) {
      v = `throw:${e && e.message}`;
    }
    out[k] = serialize(v);
  }
  return { error, initLoaded, calls, keys, out };
}

const input = JSON.parse(fs.readFileSync(0, 'utf8'));
const results = input.cases.map((/** @type {{variants: string[], targets: Record<string, string>}} */ c) => ({
  variants: c.variants.map((code) => runVariant(code, c.targets)),
}));
process.stdout.write(JSON.stringify(results));
