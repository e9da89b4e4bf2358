// @ts-check
'use strict';
// v8snap trace preload: `node --require trace.js <entry> <args...>` with V8SNAP_TRACE_OUT=<file>.
//
// Records, in load order, every module the app loads on its whole startup path and writes them as JSON to
// V8SNAP_TRACE_OUT. The trace runs until the app exits, or until V8SNAP_TRACE_UNTIL says:
//   'exit' (default)   the app exits by itself (process.exit, end of work, uncaught exception);
//   'listen'           the first server is listening (net.Server#listen, so http/https/express too), or its
//                      listen failed: the trace stops on the next event-loop turn;
//   'module:<file>'    the module with that absolute filename has loaded: the trace stops right there;
// and at most V8SNAP_TRACE_LIMIT_MS (default 10000) ms: what was loaded by then is the trace
// (reason 'time-limit'). `firstTick` is how many records the first event-loop turn had (the main module's
// synchronous run and the immediates it queued): records after it came from later ticks (a setImmediate,
// an awaited promise, a lazily required plugin).
//
// Record: {parent, request, resolved, isMain, via, ok, error}
//   parent    absolute filename of the requiring module, or null (main module)
//   resolved  absolute filename, "node:<name>" for a built-in, "" if resolution failed
//   via       "require" (Module._load), "import" (ESM resolve hook) or "resolve" (require.resolve: the
//             target need not be a module; trace-resolve.js)
//   ok        false when the load threw (the module is then not part of the app's startup)

const Module = require('module');
const fs = require('fs');
const { isMainThread } = require('worker_threads');
const { installResolveRecorders } = require('./trace-resolve.js');

const OUT = process.env.V8SNAP_TRACE_OUT;
// Children spawned by the app (they inherit execArgv, hence this preload) must not overwrite the trace.
const UNTIL = process.env.V8SNAP_TRACE_UNTIL || 'exit';
const LIMIT_MS = Number(process.env.V8SNAP_TRACE_LIMIT_MS || 10000);
// Loaded before the require hook below, so that it is not recorded as the app's.
const net = UNTIL === 'listen' ? require('net') : null;
for (const k of ['V8SNAP_TRACE_OUT', 'V8SNAP_TRACE_UNTIL', 'V8SNAP_TRACE_LIMIT_MS']) delete process.env[k];

if (OUT && isMainThread) {
  /** @type {object[]} */
  const records = [];
  /** @type {string | null} */
  let uncaught = null;
  let written = false;
  const untilFile = UNTIL.startsWith('module:') ? UNTIL.slice(7) : null;
  /** @type {(reason: string) => void} */ let stop = null; // set below: write the trace and exit

  /** @param {string} request */
  const builtinName = (request) => {
    if (!Module.isBuiltin(request)) return null;
    return request.startsWith('node:') ? request : 'node:' + request;
  };

  const { loading } = installResolveRecorders(Module, records, builtinName);
  const originalLoad = Module._load;
  Module._load = function v8snapTraceLoad(request, parent, isMain) {
    const parentFile = parent && parent.filename ? parent.filename : null;
    // A CJS module imported from ESM arrives here with no parent and an absolute path: the ESM hook
    // (trace-resolve.js) has recorded it with its real parent already.
    const fromEsm = parentFile === null && !isMain;
    let rec = null;
    if (!fromEsm) {
      rec = { parent: parentFile, request, resolved: '', isMain: !!isMain, via: 'require', ok: true, error: '' };
      const builtin = builtinName(request);
      if (builtin) {
        rec.resolved = builtin;
      } else {
        loading.depth++;
        try {
          rec.resolved = Module._resolveFilename(request, parent, isMain);
        } catch (err) {
          rec.error = (err && err.code) || String(err);
        } finally {
          loading.depth--;
        }
      }
      records.push(rec);
    }
    loading.pending = { request, parent };
    try {
      const out = originalLoad.apply(this, arguments);
      if (untilFile !== null && rec && rec.resolved === untilFile) stop('module');
      return out;
    } catch (err) {
      if (rec) {
        rec.ok = false;
        rec.error = rec.error || (err && err.code) || String(err && err.message);
      }
      throw err;
    }
  };

  /** @type {number | null} */ let firstTick = null;
  /** @param {string} reason */
  const write = (reason) => {
    if (written) return;
    written = true;
    const doc = { version: 2, reason, exitCode: process.exitCode ?? null, uncaught, firstTick, records };
    fs.writeFileSync(OUT, JSON.stringify(doc));
  };
  stop = (reason) => {
    write(reason);
    process.exit(0);
  };

  process.on('uncaughtExceptionMonitor', (err) => {
    uncaught = String((err && err.stack) || err).slice(0, 4000);
  });
  process.on('exit', (code) => {
    process.exitCode = code;
    write('exit');
  });
  setImmediate(() => {
    setImmediate(() => {
      firstTick = records.length;
    });
  });
  setTimeout(() => stop('time-limit'), LIMIT_MS).unref();
  if (UNTIL === 'listen') {
    const listen = net.Server.prototype.listen;
    net.Server.prototype.listen = function v8snapTraceListen() {
      const done = () => setImmediate(() => stop('listen'));
      this.once('listening', done);
      this.once('error', done);
      return listen.apply(this, arguments);
    };
  }
}
