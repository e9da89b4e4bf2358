// @ts-check
// Snapshot script that loads one built-in at build time: `node --build-snapshot probe-builtin.js`
// with V8SNAP_PROBE_BUILTIN=<name>. Used once per node fingerprint to learn which built-ins Node's
// snapshot builder supports (exit 0, silent), warns about ("not yet fully verified"), or crashes on.
'use strict';
const name = process.env.V8SNAP_PROBE_BUILTIN;
const mod = require(name);
// Touch the exports the way a module initializing at load time would.
globalThis.__v8snapProbe = Object.keys(mod).length;
