// @ts-check
// Snapshot script that touches one of node's lazily loaded globals at build time:
// `node --build-snapshot probe-global.js` with V8SNAP_PROBE_GLOBAL=<name> and V8SNAP_PROBE_MODE=touch|use.
// `use` also constructs it (or calls it) the way a module probing a feature at load would. Used once per
// node by doctor/globals.py: on node 24.19.0 reading Response aborts the builder, `new Blob()` does too.
'use strict';
const name = process.env.V8SNAP_PROBE_GLOBAL;
const v = /** @type {any} */ (globalThis)[name];
/** @type {any} */ (globalThis).__v8snapProbe = typeof v;
if (process.env.V8SNAP_PROBE_MODE === 'use' && typeof v === 'function') {
  for (const args of /** @type {any[][]} */ ([[], [''], ['http://localhost/'], [[], 'f']])) {
    try {
      /** @type {any} */ (globalThis).__v8snapProbe = new v(...args);
      break;
    } catch {
      // wrong arguments for this one: try the next
    }
  }
}
