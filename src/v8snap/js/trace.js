// @ts-check
'use strict';
// v8snap trace preload: `node --require trace.js <entry> <args...>` with V8SNAP_TRACE_OUT=<file>.
//
// Records, in load order, every module the app loads during startup and writes them as JSON to
// V8SNAP_TRACE_OUT. "Startup" is the synchronous run of the main module plus the first event-loop turn:
// an immediate scheduled here fires after the main module has run; it schedules a second immediate so
// that immediates the app queued during its synchronous run also run, then the trace is written and the
// process exits. A server that listens or a setInterval therefore does not keep the trace running.
// An app that exits earlier (process.exit, end of work, uncaught exception) is covered by 'exit'.
//
// Record: {parent, request, resolved, isMain, via, ok, error}
//   parent    absolute filename of the requiring module, or null (main module)
//   resolved  absolute filename, "node:<name>" for a built-in, "" if resolution failed
//   via       "require" (Module._load) or "import" (ESM resolve hook)
//   ok        false when the load threw (the module is then not part of the app's startup)

const Module = require('module');
const fs = require('fs');
const { isMainThread } = require('worker_threads');
const { fileURLToPath } = require('url');

const OUT = process.env.V8SNAP_TRACE_OUT;
// Children spawned by the app (they inherit execArgv, hence this preload) must not overwrite the trace.
delete process.env.V8SNAP_TRACE_OUT;

if (OUT && isMainThread) {
  /** @type {object[]} */
  const records = [];
  /** @type {string | null} */
  let uncaught = null;
  let written = false;

  /** @param {string} request */
  const builtinName = (request) => {
    if (!Module.isBuiltin(request)) return null;
    return request.startsWith('node:') ? request : 'node:' + request;
  };

  const originalLoad = Module._load;
  Module._load = function v8snapTraceLoad(request, parent, isMain) {
    const parentFile = parent && parent.filename ? parent.filename : null;
    // A CJS module imported from ESM arrives here with no parent and an absolute path: the ESM hook
    // below has recorded it with its real parent already.
    const fromEsm = parentFile === null && !isMain;
    let rec = null;
    if (!fromEsm) {
      rec = { parent: parentFile, request, resolved: '', isMain: !!isMain, via: 'require', ok: true, error: '' };
      const builtin = builtinName(request);
      if (builtin) {
        rec.resolved = builtin;
      } else {
        try {
          rec.resolved = Module._resolveFilename(request, parent, isMain);
        } catch (err) {
          rec.error = (err && err.code) || String(err);
        }
      }
      records.push(rec);
    }
    try {
      return originalLoad.apply(this, arguments);
    } catch (err) {
      if (rec) {
        rec.ok = false;
        rec.error = rec.error || (err && err.code) || String(err && err.message);
      }
      throw err;
    }
  };

  if (typeof Module.registerHooks === 'function') {
    // Synchronous resolve hook (Node >= 22.15 / 23.5): sees ESM imports (static and dynamic) that never go
    // through Module._load. Requires also pass here (with the "require" condition): those are skipped.
    Module.registerHooks({
      resolve(specifier, context, nextResolve) {
        const result = nextResolve(specifier, context);
        const conditions = context.conditions || [];
        if (conditions.includes('import')) {
          let resolved = result.url;
          if (resolved.startsWith('file:')) resolved = fileURLToPath(resolved);
          else if (!resolved.startsWith('node:')) resolved = builtinName(resolved) || resolved;
          let parent = null;
          if (context.parentURL && context.parentURL.startsWith('file:')) parent = fileURLToPath(context.parentURL);
          records.push({
            parent,
            request: specifier,
            resolved,
            isMain: context.parentURL === undefined,
            via: 'import',
            ok: true,
            error: '',
            format: result.format || '',
          });
        }
        return result;
      },
    });
  }

  /** @param {string} reason */
  const write = (reason) => {
    if (written) return;
    written = true;
    const doc = { version: 1, reason, exitCode: process.exitCode ?? null, uncaught, records };
    fs.writeFileSync(OUT, JSON.stringify(doc));
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
      write('startup-done');
      process.exit(0);
    });
  });
}
