// @ts-check
// The hazard guards of the build phase: what a module reads or starts at load time that a blob would
// bake stale (environment, argv, cwd, exit, clocks, randomness, timers, signal handlers, stdio, terminal).
/* global __v8snap_guardFs, __v8snap_guardOs, __v8snap_guardEnv, __v8snap_guardCrypto, __v8snap_guardLocale, __v8snap_guardTty,
  __v8snap_guardServed, __v8snap_guardStandIns, __v8snap_guardBuilderGlobals */
/* exported __v8snap_installGuards */

/** @param {V8snapState} state */
function __v8snap_installGuards(state) {
  'use strict';
  const config = state.config;
  const guardMethod = state.guardMethod;
  const guardGetter = state.guardGetter;
  __v8snap_guardFs(state);
  __v8snap_guardOs(state);
  const realEnv = __v8snap_guardEnv(state); // node's own process.env
  // argv/execArgv read at load see what a plain run without arguments sees, as an assumption.
  // (library mode: a runtime booted from the blob with no script, as the embedding API starts it)
  const plainArgv = config.mode === 'library' ? [process.execPath] : [process.execPath, state.filenameOf(config.entry)];
  guardGetter(process, 'argv', 'ARGV_READ', 'process.argv', () => state.assume('argv', '', plainArgv) && plainArgv);
  guardGetter(process, 'execArgv', 'ARGV_READ', 'process.execArgv', () => state.assume('execArgv', '', []) && []);
  const realCwd = process.cwd;
  guardMethod(process, 'cwd', 'CWD_READ', 'process.cwd()', () => !state.assume('cwd', '', realCwd.call(process)));
  guardMethod(process, 'chdir', 'CWD_READ', 'process.chdir()');
  guardMethod(process, 'exit', 'EXIT_CALLED', 'process.exit()');
  guardMethod(process, 'reallyExit', 'EXIT_CALLED', 'process.reallyExit()');
  guardMethod(process, 'abort', 'EXIT_CALLED', 'process.abort()');
  guardMethod(process, 'kill', 'EXIT_CALLED', 'process.kill()');
  guardMethod(process, 'uptime', 'TIME_READ', 'process.uptime()');
  guardMethod(process, 'hrtime', 'TIME_READ', 'process.hrtime()');
  if (process.hrtime) guardMethod(process.hrtime, 'bigint', 'TIME_READ', 'process.hrtime.bigint()');
  guardMethod(process, 'memoryUsage', 'ENV_READ', 'process.memoryUsage()');
  guardMethod(process, 'cpuUsage', 'ENV_READ', 'process.cpuUsage()');
  guardMethod(process, 'nextTick', 'TIMER_AT_INIT', 'process.nextTick()');
  // Signal handlers are native state that a blob does not restore.
  for (const m of ['on', 'addListener', 'once', 'prependListener']) {
    guardMethod(process, m, 'TIMER_AT_INIT', `process.${m}(signal)`,
      (args) => typeof args[0] === 'string' && /^SIG/.test(args[0]));
  }
  for (const m of ['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask']) {
    guardMethod(globalThis, m, 'TIMER_AT_INIT', m + '()');
  }
  guardMethod(Math, 'random', 'RANDOM_READ', 'Math.random()');
  state.guardCrypto = __v8snap_guardCrypto(state);
  const webCrypto = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
  if (webCrypto && webCrypto.configurable && webCrypto.get) {
    const get = webCrypto.get;
    Object.defineProperty(globalThis, 'crypto', { ...webCrypto, get() {
      if (state.building()) state.guardCrypto();
      return get.call(this);
    } });
    state.restore.push(() => Object.defineProperty(globalThis, 'crypto', webCrypto));
  } else if (webCrypto && webCrypto.value) {
    state.guardCrypto(); // already loaded (a verifier's context holds node's webcrypto object)
  }
  guardMethod(Date, 'now', 'TIME_READ', 'Date.now()');
  if (globalThis.performance) {
    guardMethod(globalThis.performance, 'now', 'TIME_READ', 'performance.now()');
    // a mark or measure made at load would sit in the run's timeline at the builder's time
    for (const m of ['mark', 'measure', 'timerify', 'eventLoopUtilization']) {
      guardMethod(globalThis.performance, m, 'BUILTIN_UNSUPPORTED', `performance.${m}()`);
    }
    guardGetter(Object.getPrototypeOf(globalThis.performance), 'timeOrigin', 'TIME_READ', 'performance.timeOrigin');
  }
  // `new Date()` / `Date()` read the clock; `new Date(0)` does not; `new Date(2020, 0)` and a parsed string
  // are local time (guard-locale.js).
  const local = __v8snap_guardLocale(state, realEnv);
  const RealDate = Date;
  const DateProxy = new Proxy(RealDate, {
    construct(t, args, nt) {
      if (args.length === 0 && state.building()) state.violate('TIME_READ', 'new Date()');
      if ((args.length > 1 || typeof args[0] === 'string') && state.building()) local.tz();
      return Reflect.construct(t, args, nt === DateProxy ? t : nt);
    },
    apply(t, self, args) {
      if (state.building()) state.violate('TIME_READ', 'Date()');
      return Reflect.apply(t, self, args);
    },
  });
  globalThis.Date = DateProxy;
  state.restore.push(() => { globalThis.Date = RealDate; });
  // Output written at load time would be printed by the builder, never by the app.
  for (const m of ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table', 'time', 'timeEnd', 'count']) {
    guardMethod(console, m, 'STDIO_WRITE', 'console.' + m + '()');
  }
  // An async task is native state node's builder cannot serialize: it aborts with "Unknown external
  // reference" (exit 133, no JS stack).
  guardMethod(console, 'createTask', 'BUILTIN_CRASHES', 'console.createTask()');
  // process.getBuiltinModule(id) at load is a require of a built-in: the same verdicts and guards.
  const realGetBuiltin = process.getBuiltinModule;
  if (typeof realGetBuiltin === 'function') {
    const verdicts = state.builtinVerdicts;
    process.getBuiltinModule = function getBuiltinModule(/** @type {any} */ id) {
      if (state.building() && typeof id === 'string') {
        const name = id in verdicts ? id : id.startsWith('node:') && id.slice(5) in verdicts ? id.slice(5) : null;
        if (name !== null) return state.builtin(name);
      }
      return realGetBuiltin.call(this, id);
    };
    state.restore.push(() => { process.getBuiltinModule = realGetBuiltin; });
  }
  // The terminal is a fact of the run, like the environment: isTTY, columns, colours read at load are
  // assumptions, a stream used at load is a violation, process.stdin is always one (prelude/guard-tty.js).
  __v8snap_guardServed(state, { tty: __v8snap_guardTty(state) });
  // Missing in the builder's realm, tested for and kept at load by common libraries (prelude/guard-standins.js)
  const standIns = ['SuppressedError', 'Float16Array', 'SharedArrayBuffer', 'DisposableStack', 'AsyncDisposableStack'];
  __v8snap_guardBuilderGlobals(state, config.builderGlobals, standIns);
  __v8snap_guardStandIns(state, standIns);
}
