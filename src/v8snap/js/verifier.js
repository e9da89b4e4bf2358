// @ts-check
// v8snap verifier worker: a long-lived node process that verifies one module at a time (doctor/pool.py).
//
// Protocol: JSON lines on stdin (commands), JSON lines on fd 3 (results), so that whatever a module
// prints to stdout cannot corrupt the channel. Commands:
//   {op: 'load', bundle, config}      compile the verifier bundle once (prelude + module definitions);
//                                     config: {root, entry, map, builtinVerdicts, allow, profile, lines}
//   {op: 'verdicts', deferred, healthy}  keys that became deferred/norewrite, or healthy again
//   {op: 'verify', id, key, timeoutMs}   run `key` as the entry of a fresh vm context
//   {op: 'verifyAll', id, order, timeoutMs}  initialize `order` in one fresh context (the builder's view)
// Each verification gets a fresh `vm` context (verifier/context.js), so no state of one module leaks into
// the next one's globals; the compiled bundle (an unbound vm.Script) is shared, so V8 compiles each
// function once.
'use strict';
const fs = require('fs');
const readline = require('readline');
const vm = require('vm');
const { verify } = require('./verifier/verify.js');

const OUT_FD = Number(process.env.V8SNAP_RESULT_FD || 3);
/** @type {import('./verifier/verify.js').VerifierWorker} */
const worker = {
  bundle: null,
  config: null,
  bundleFile: '',
  lineTable: [],
  healthySet: new Set(),
  notHealthy: new Set(),
};

/** @param {object} msg */
function send(msg) {
  fs.writeSync(OUT_FD, JSON.stringify(msg) + '\n');
}

/** @param {{bundle: string, config: string}} msg */
function load(msg) {
  const t0 = Date.now();
  worker.bundleFile = msg.bundle;
  const config = JSON.parse(fs.readFileSync(msg.config, 'utf8'));
  worker.config = config;
  worker.lineTable = config.lines;
  delete config.lines;
  worker.healthySet.clear();
  worker.notHealthy.clear();
  for (const k of config.keys) worker.healthySet.add(k);
  const src = fs.readFileSync(msg.bundle, 'utf8');
  const cacheFile = msg.bundle + '.cache';
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  let bundle;
  try {
    bundle = new vm.Script(src, { filename: msg.bundle, cachedData });
  } catch (err) {
    // A module that does not compile as JavaScript: say so (doctor/pool.py raises it) instead of hanging.
    send({ op: 'loaded', error: String(err && err.stack).split('\n').slice(0, 4).join('\n') });
    return;
  }
  worker.bundle = bundle;
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
}

/** @param {any} msg */
function handle(msg) {
  if (msg.op === 'load') {
    load(msg);
    return;
  }
  if (msg.op === 'verdicts') {
    for (const k of msg.deferred || []) {
      worker.healthySet.delete(k);
      worker.notHealthy.add(k);
    }
    for (const k of msg.healthy || []) {
      worker.notHealthy.delete(k);
      worker.healthySet.add(k);
    }
    return;
  }
  if (msg.op === 'verify' || msg.op === 'verifyAll') {
    let res;
    try {
      res = verify(worker, require, msg);
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
