// @ts-check
// Recording what a module's load depends on: violations (hazards that keep it out of the heap), knowingly
// accepted hazards (config.allow) and assumptions (run-time values checked again at startup).
/* exported __v8snap_recording */

/** @param {V8snapState} state */
function __v8snap_recording(state) {
  'use strict';
  const config = state.config;

  class SnapshotViolation extends Error {
    /**
     * @param {string} code violation code (doctor's table)
     * @param {string} detail what was touched
     */
    constructor(code, detail) {
      super(`[v8snap ${code}] ${detail}`);
      this.name = 'SnapshotViolation';
      this.code = code;
      this.detail = detail;
    }
  }
  state.SnapshotViolation = SnapshotViolation;

  /** @param {any} stack */
  function firstAppFrame(stack) {
    const lines = String(stack || '').split('\n');
    for (const line of lines.slice(1)) {
      if (!line.includes('node:') && !line.includes('v8snap')) return line.trim();
    }
    return '';
  }

  // The verifier replaces this with a mapper from bundle lines to `./module/key.js:line:col`.
  state.mapStack = firstAppFrame;

  // Record a violation against the module being initialized and throw it.
  state.violate = function violate(code, detail) {
    const key = state.initStack.length ? state.initStack[state.initStack.length - 1] : null;
    if (state.allowed(key, code, detail)) return false;
    const err = new SnapshotViolation(code, detail);
    const stack = state.mapStack(err.stack);
    state.violations.push({ key, code, detail, stack });
    if (key) state.tainted.add(key);
    // Every module on the init stack is waiting for this one at load time: it depends on a deferred module.
    for (const parent of state.initStack.slice(0, -1).reverse()) {
      if (state.tainted.has(parent)) continue;
      state.tainted.add(parent);
      state.violations.push({ key: parent, code: 'DEPENDS_ON_DEFERRED', detail: key, stack });
    }
    throw err;
  };
  // Hazards accepted knowingly: 'CODE', 'CODE:detail', optionally scoped to modules whose key contains
  // a path part: 'TIME_READ:Date.now()@/node_modules/lodash/'.
  state.allowed = function allowed(key, code, detail) {
    for (const entry of state.allow) {
      const at = entry.indexOf('@');
      const what = at === -1 ? entry : entry.slice(0, at);
      if (at !== -1 && !(key && key.includes(entry.slice(at + 1)))) continue;
      if (what === code || what === code + ':' + detail) return true;
    }
    return false;
  };
  // ---- assumptions -------------------------------------------------------------------------------------
  // A run-time value read while loading (one environment variable, argv, execArgv, cwd) is not baked in
  // blindly: the value seen at build time is recorded against the module, and the loader compares it with
  // the live value at startup; where they differ, that module and every module that required it at load
  // run again from their definitions (loader). config.assume === false turns this off (violations).
  state.assumptions = Object.create(null);
  state.assume = function assume(kind, name, value) {
    if (config.assume === false || !state.building()) return false;
    const key = state.initStack[state.initStack.length - 1];
    const list = (state.assumptions[key] ||= []);
    if (!list.some((a) => a[0] === kind && a[1] === name)) list.push([kind, name, value === undefined ? null : value]);
    return true;
  };
  // internal > 0 while node's own code runs on our behalf (loading a built-in: node may emit a warning
  // through process.nextTick and the console), which must not count against the module.
  state.internal = 0;
  state.building = () => state.phase === 'build' && state.initStack.length > 0 && state.internal === 0;

  // Turn an error thrown by a definition into a structured violation (when none was recorded for it).
  state.classifyError = function classifyError(err) {
    if (err instanceof SnapshotViolation) return { code: err.code, detail: err.detail };
    if (err instanceof ReferenceError && /\b(WebAssembly|SharedArrayBuffer)\b/.test(String(err.message))) {
      return { code: 'GLOBAL_MISSING', detail: String(err.message) };
    }
    if (err instanceof Error) return { code: 'UNKNOWN_ERROR', detail: `${err.name}: ${err.message}` };
    return { code: 'UNKNOWN_ERROR', detail: 'non-Error thrown: ' + String(err) };
  };
}
