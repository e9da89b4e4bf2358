// @ts-check
'use strict';
// One verification: the bundle run in a fresh context, the prelude's state built there, the guards
// installed, `key` (or `order`) initialized under a watchdog, and what was recorded returned.
const vm = require('vm');
const { newContext } = require('./context.js');
const { mapStack } = require('./stack.js');
const strict = require('./strict.js');

const runner = new vm.Script('__v8snap_run()', { filename: 'v8snap-verifier-run.js' });

/**
 * What the worker holds between commands (verifier.js).
 * @typedef {object} VerifierWorker
 * @property {vm.Script | null} bundle the compiled bundle (prelude + module definitions)
 * @property {any} config the bundle's config (doctor/bundle.py)
 * @property {string} bundleFile
 * @property {Array<[number, string]>} lineTable where each definition begins in the bundle
 * @property {Set<string>} healthySet every key not deferred/norewrite
 * @property {Set<string>} notHealthy
 */

/**
 * @param {VerifierWorker} worker
 * @param {NodeJS.Require} nodeRequire
 * @param {{id: any, key?: string, order?: string[], timeoutMs: number}} msg
 * @returns {{id: any, violations: any[], fsReads: Record<string, string[]>, loadDeps: Record<string, string[]>,
 *   ms: number}}
 */
function verify(worker, nodeRequire, msg) {
  const { config } = worker;
  /** @param {any} stack */
  const mapper = (stack) => mapStack(worker.bundleFile, worker.lineTable, stack);
  const t0 = process.hrtime.bigint();
  const ctx = newContext(nodeRequire);
  worker.bundle.runInContext(ctx);
  const cfg = { ...config, order: msg.order || [], deferred: [...worker.notHealthy], healthySet: worker.healthySet };
  const state = ctx.__v8snap_makeState(cfg, ctx.__v8snap_defs);
  state.mapStack = mapper;
  const keys = msg.order || [msg.key];
  let current = null;
  ctx.__v8snap_run = () => {
    for (const key of keys) {
      if (state.records[key]) continue;
      current = key;
      state.initOne(key); // state.mapStack is `mapper` here
    }
  };
  try {
    state.installGuards();
    // node's internals called by a module (new Response(), AbortSignal.timeout()) use this realm's timers
    if (state.guardRealm) state.guardRealm(globalThis);
    if (config.profile === 'electron') strict.install(ctx, state);
    runner.runInContext(ctx, { timeout: msg.timeoutMs, breakOnSigint: false });
  } catch (err) {
    // Only the watchdog gets here (module errors are caught in __v8snap_run).
    const timedOut = /timed out/.test(String(err && err.message));
    state.violations.push({
      key: current || msg.key,
      code: timedOut ? 'TIMEOUT' : 'UNKNOWN_ERROR',
      detail: timedOut ? `did not finish loading within ${msg.timeoutMs} ms` : String(err && err.message),
      stack: '',
    });
  } finally {
    for (const r of state.restore.reverse()) {
      try {
        r();
      } catch {
        // keep restoring the rest
      }
    }
    state.restore = [];
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  /** @type {Record<string, string[]>} */
  const fsReads = {};
  /** @type {Record<string, string[]>} */
  const loadDeps = {};
  for (const k of keys) {
    if (state.fsReads[k]) fsReads[k] = [...new Set(state.fsReads[k])];
    if (state.childKeys[k]) loadDeps[k] = state.childKeys[k];
  }
  return { id: msg.id, violations: state.violations, fsReads, loadDeps, ms };
}

module.exports = { verify };
