// v8snap verifier worker: a long-lived node process that verifies one module at a time.
//
// Protocol: JSON lines on stdin (commands), JSON lines on fd 3 (results), so that whatever a module
// prints to stdout cannot corrupt the channel. Commands:
//   {op: 'load', bundle, config}      compile the verifier bundle once (prelude + module definitions);
//                                     config: {root, entry, map, builtinVerdicts, allow, profile, lines}
//   {op: 'verdicts', deferred, healthy}  keys that became deferred/norewrite, or healthy again
//   {op: 'verify', id, key, timeoutMs}   run `key` as the entry of a fresh vm context
//   {op: 'verifyAll', id, order, timeoutMs}  initialize `order` in one fresh context (the builder's view)
// Each verification gets a fresh `vm` context, so no state of one module leaks into the next one's
// globals; the compiled bundle (an unbound vm.Script) is shared, so V8 compiles each function once.
'use strict';
const fs = require('fs');
const readline = require('readline');
const vm = require('vm');
const strict = require('./verifier-strict.js');

const OUT_FD = Number(process.env.V8SNAP_RESULT_FD || 3);
let bundle = null; // vm.Script
let config = null;
let bundleFile = '';
let lineTable = []; // [[startLine, key], ...] sorted by line: where each definition begins in the bundle
const healthySet = new Set(); // every key not deferred/norewrite
const notHealthy = new Set();
const runner = new vm.Script('__v8snap_run()', { filename: 'v8snap-verifier-run.js' });

function send(msg) {
  fs.writeSync(OUT_FD, JSON.stringify(msg) + '\n');
}

// Map a stack to the first frame inside a module definition: './node_modules/x/index.js:LINE:COL'.
function mapStack(stack) {
  const lines = String(stack || '').split('\n');
  for (const line of lines.slice(1)) {
    const i = line.indexOf(bundleFile + ':');
    if (i === -1) continue;
    const m = /:(\d+):(\d+)\)?\s*$/.exec(line.slice(i + bundleFile.length));
    if (!m) continue;
    const ln = Number(m[1]);
    let lo = 0;
    let hi = lineTable.length - 1;
    let hit = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (lineTable[mid][0] <= ln) {
        hit = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (hit === -1) continue; // a prelude frame (a guard)
    const [start, key] = lineTable[hit];
    return `${key}:${ln - start}:${m[2]}`;
  }
  return '';
}

// Node's globals (process, Buffer, timers, URL, TextEncoder, ...) for a new context. The JS built-ins
// (Object, Date, Math, Error, ...) are the context's own: a module patching them cannot affect the next.
const NODE_GLOBALS = Object.getOwnPropertyNames(globalThis).filter((n) => {
  try {
    return !(n in vm.runInNewContext('globalThis'));
  } catch {
    return false;
  }
});
const TYPED_ARRAY_FAMILY = ['ArrayBuffer', 'DataView', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray',
  'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array',
  'BigUint64Array'];
function newContext() {
  const sandbox = {};
  for (const name of NODE_GLOBALS) {
    try {
      sandbox[name] = globalThis[name];
    } catch {
      // a lazy getter that throws outside its realm: leave it out
    }
  }
  const ctx = vm.createContext(sandbox);
  ctx.global = ctx;
  ctx.require = require; // the builder's `require` (the prelude needs v8, fs, path, os)
  // Binary data crosses between node's APIs and module code: Buffer, TextEncoder, crypto and fs return
  // typed arrays of node's realm, and in the builder (one realm) `new TextEncoder().encode('') instanceof
  // Uint8Array` holds (esbuild checks it at load). Give each context node's typed-array family.
  for (const name of TYPED_ARRAY_FAMILY) {
    if (typeof globalThis[name] === 'function') ctx[name] = globalThis[name];
  }
  vm.runInContext('Error.stackTraceLimit = 50', ctx);
  return ctx;
}

function record(state, key, err) {
  const { code, detail } = state.classifyError(err);
  state.violations.push({ key, code, detail, stack: mapStack(err && err.stack) });
}

function verify(msg) {
  const t0 = process.hrtime.bigint();
  const ctx = newContext();
  bundle.runInContext(ctx);
  const cfg = { ...config, order: msg.order || [], deferred: [...notHealthy], healthySet };
  const state = ctx.__v8snap_makeState(cfg, ctx.__v8snap_defs);
  state.mapStack = mapStack;
  const keys = msg.order || [msg.key];
  let current = null;
  ctx.__v8snap_run = () => {
    for (const key of keys) {
      if (state.records[key]) continue;
      current = key;
      const before = state.violations.length;
      try {
        state.instantiate(key);
      } catch (err) {
        if (state.violations.length === before) record(state, key, err);
      }
    }
  };
  let timedOut = false;
  try {
    state.installGuards();
    // node's internals called by a module (new Response(), AbortSignal.timeout()) use this realm's timers
    if (state.guardRealm) state.guardRealm(globalThis);
    if (config.profile === 'electron') strict.install(ctx, state);
    runner.runInContext(ctx, { timeout: msg.timeoutMs, breakOnSigint: false });
  } catch (err) {
    // Only the watchdog gets here (module errors are caught in __v8snap_run).
    timedOut = /timed out/.test(String(err && err.message));
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
  const fsReads = {};
  const loadDeps = {};
  for (const k of keys) {
    if (state.fsReads[k]) fsReads[k] = [...new Set(state.fsReads[k])];
    if (state.childKeys[k]) loadDeps[k] = state.childKeys[k];
  }
  return { id: msg.id, violations: state.violations, fsReads, loadDeps, ms };
}

function handle(msg) {
  if (msg.op === 'load') {
    const t0 = Date.now();
    bundleFile = msg.bundle;
    config = JSON.parse(fs.readFileSync(msg.config, 'utf8'));
    lineTable = config.lines;
    delete config.lines;
    healthySet.clear();
    notHealthy.clear();
    for (const k of config.keys) healthySet.add(k);
    const src = fs.readFileSync(msg.bundle, 'utf8');
    const cacheFile = msg.bundle + '.cache';
    let cachedData;
    try {
      cachedData = fs.readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
    try {
      bundle = new vm.Script(src, { filename: msg.bundle, cachedData });
    } catch (err) {
      send({ op: 'loaded', error: String(err && err.stack).split('\n').slice(0, 4).join('\n') });
      return;
    }
    if (cachedData === undefined || bundle.cachedDataRejected) {
      try {
        const tmp = `${cacheFile}.${process.pid}`;
        fs.writeFileSync(tmp, bundle.createCachedData());
        fs.renameSync(tmp, cacheFile);
      } catch {
        // the cache is an optimization only
      }
    }
    send({ op: 'loaded', ms: Date.now() - t0 });
    return;
  }
  if (msg.op === 'verdicts') {
    for (const k of msg.deferred || []) {
      healthySet.delete(k);
      notHealthy.add(k);
    }
    for (const k of msg.healthy || []) {
      notHealthy.delete(k);
      healthySet.add(k);
    }
    return;
  }
  if (msg.op === 'verify' || msg.op === 'verifyAll') {
    let res;
    try {
      res = verify(msg);
    } catch (err) {
      res = {
        id: msg.id,
        violations: [{ key: msg.key || null, code: 'UNKNOWN_ERROR', detail: String(err && err.stack), stack: '' }],
        fsReads: {},
        loadDeps: {},
        ms: 0,
      };
    }
    send(res);
    return;
  }
  send({ op: 'error', detail: 'unknown op ' + msg.op });
}

// A module's stray promise rejection or async throw must not kill the worker.
process.on('unhandledRejection', () => {});
process.on('uncaughtException', (err) => {
  try {
    fs.writeSync(2, `v8snap verifier: uncaught ${err && err.stack}\n`);
  } catch {
    // stderr closed
  }
});

process.chdir(process.env.V8SNAP_VERIFY_CWD || process.cwd());
const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on('line', (line) => {
  if (line.trim()) handle(JSON.parse(line));
});
rl.on('close', () => process.exit(0));
module.exports = { mapStack };
