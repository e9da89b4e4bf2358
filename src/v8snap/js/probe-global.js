// @ts-check
// Snapshot script that touches one of node's lazily loaded globals at build time:
// `node --build-snapshot probe-global.js` with V8SNAP_PROBE_GLOBAL=<name> and V8SNAP_PROBE_MODE=touch|use.
// `use` also constructs it (or calls it) the way a module probing a feature at load would. Used once per
// node by doctor/globals.py: on node 24.19.0 reading Response aborts the builder, `new Blob()` does too.
'use strict';
const name = String(process.env.V8SNAP_PROBE_GLOBAL);
// A dotted name is a member of an ECMAScript namespace: Intl.Segmenter, ...
const v = name.split('.').reduce((o, part) => (o === null || o === undefined ? undefined : o[part]), /** @type {any} */ (globalThis));
/** @type {any} */ (globalThis).__v8snapProbe = typeof v;
if (process.env.V8SNAP_PROBE_MODE === 'use' && typeof v === 'function') {
  for (const args of /** @type {any[][]} */ ([[], [''], ['http://localhost/'], [[], 'f'], ['en', { type: 'region' }]])) {
    try {
      /** @type {any} */ (globalThis).__v8snapProbe = new v(...args);
      break;
    } catch {
      // wrong arguments for this one: try the next
    }
  }
}
