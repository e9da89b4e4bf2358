// @ts-check
// Lists the global names of this realm and the own members of the ECMAScript globals and their
// prototypes into $V8SNAP_PROBE_OUT. Run once plainly and once as `node --build-snapshot` script (the
// builder's realm lacks WebAssembly, SharedArrayBuffer, Promise.try, ... on node 24): doctor/globals.py
// compares the two (the builder run with $V8SNAP_PROBE_ECMA = the plain run's output). Node's own globals are listed by name only: reading one may load internals (a lazy
// global such as Response) that crash the builder.
'use strict';
const fs = require('fs');
// The plain run asks a fresh vm context; the builder run reads the plain run's answer (a second context
// aborts node's builder).
const ecma = new Set(process.env.V8SNAP_PROBE_ECMA
  ? JSON.parse(fs.readFileSync(process.env.V8SNAP_PROBE_ECMA, 'utf8')).ecma
  : require('vm').runInNewContext('Object.getOwnPropertyNames(globalThis)'));
/** @type {{globals: string[], ecma: string[], members: Record<string, string[]>}} */
const out = { globals: Object.getOwnPropertyNames(globalThis), ecma: [], members: {} };
for (const name of out.globals) {
  if (!ecma.has(name) || name === 'globalThis') continue;
  out.ecma.push(name);
  const v = /** @type {any} */ (globalThis)[name];
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) continue;
  out.members[name] = Object.getOwnPropertyNames(v);
  if (typeof v === 'function' && v.prototype && typeof v.prototype === 'object') {
    out.members[name + '.prototype'] = Object.getOwnPropertyNames(v.prototype);
  }
}
fs.writeFileSync(process.env.V8SNAP_PROBE_OUT, JSON.stringify(out));
