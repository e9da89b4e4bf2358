// @ts-check
// The end of the snapshot script: build (initialize the healthy modules under the guards, run the warm-up
// snippets, take the guards off, set the deserialize main function) or verify.
/* global __v8snap_makeState, __v8snap_makeRuntime */
/* exported __v8snap_boot */

// Warm-up snippets (`v8snap build --warmup JS`): run once at build time, after the healthy modules, under
// the same hazard guards, so that the code paths they exercise are compiled and their lazily built state
// (caches, tables) is in the blob. `require` resolves from the app root, serving healthy modules only.
// A snippet that trips a guard fails the build: what it would bake is exactly what the guards forbid.
/** @param {V8snapState} state */
function warmUp(state) {
  'use strict';
  const snippets = state.config.warmup || [];
  if (snippets.length === 0) return;
  const key = './<warmup>';
  const require = state.makeRequire('./package.json');
  for (const code of snippets) {
    state.initStack.push(key);
    try {
      new Function('require', code)(require);
    } catch (err) {
      const v = state.violations.find((x) => x.key === key);
      // The message names the violation or the error; the builder prints it as is (no `cause`).
      // eslint-disable-next-line preserve-caught-error
      throw new Error(`v8snap: warm-up failed: ${v ? `${v.code} ${v.detail}` : err && err.message}\n  ${code}`);
    } finally {
      state.initStack.pop();
    }
  }
}

// The single call at the end of the snapshot script.
/**
 * @param {any} config the boot config (blueprint/assemble.py)
 * @param {Record<string, V8snapDefinition>} definitions module key -> definition
 */
function __v8snap_boot(config, definitions) {
  'use strict';
  const state = __v8snap_makeState(config, definitions);
  const v8 = state.v8;
  // Node's own loader functions, before anything could replace them (the loader's require-hook check).
  const CjsModule = state.realRequire('module');
  state.nodeLoader = { ext: Object.assign(Object.create(null), CjsModule._extensions),
    compile: CjsModule.prototype._compile, wrap: CjsModule.wrap };
  const building = v8.startupSnapshot.isBuildingSnapshot();
  const verifyOut = !building && process.env.V8SNAP_VERIFY_OUT;

  if (verifyOut) {
    // Verification run (`node script.js`): initialize every candidate, report one JSON line per event.
    const fs = state.fs;
    const fd = fs.openSync(verifyOut, 'a');
    const emit = (ev) => fs.writeSync(fd, JSON.stringify(ev) + '\n');
    state.installGuards();
    state.initAll(emit);
    for (const r of state.restore.reverse()) r();
    emit({ event: 'done', fsReads: state.fsReads });
    fs.closeSync(fd);
    return;
  }
  if (!building) {
    throw new Error('v8snap: this snapshot script runs under `node --build-snapshot` or with V8SNAP_VERIFY_OUT');
  }
  state.installGuards();
  state.initAll(null);
  if (state.violations.length) {
    const lines = state.violations.map((v) => `  ${v.key}: ${v.code} ${v.detail} ${v.stack}`);
    /** @type {Error & {violations?: V8snapViolation[]}} */
    const err = new Error('v8snap: violations while initializing healthy modules:\n' + lines.join('\n'));
    err.violations = state.violations;
    throw err;
  }
  warmUp(state);
  // Guards come off before serialization; values captured by modules stay transparent (phase check).
  for (const r of state.restore.reverse()) r();
  state.restore = [];

  const switchToRuntime = () => {
    state.phase = 'runtime';
    state.runtime = __v8snap_makeRuntime(state);
  };
  if (config.mode === 'library') {
    v8.startupSnapshot.addDeserializeCallback(() => {
      switchToRuntime();
      state.runtime.invalidated = state.runtime.invalidateStale();
      state.runtime.install();
      // What did not hold at startup (module keys re-run from their definitions), for tests and tools.
      globalThis.__v8snap_require.invalidated = state.runtime.invalidated;
      globalThis.__v8snap_require.failedAssumptions = state.runtime.failedAssumptions;
    });
    globalThis.__v8snap_require = (request) => {
      if (state.phase !== 'runtime') {
        const target = state.lookup('./package.json', request);
        return target && target.startsWith('node:') ? state.builtin(target.slice(5)) : state.instantiate(target);
      }
      const target = state.lookup('./package.json', request);
      if (target === undefined) throw new Error(`v8snap: ${request} is not in this snapshot`);
      if (target.startsWith('node:')) return state.realRequire(target);
      return state.runtime.loadKey(target);
    };
    return;
  }
  v8.startupSnapshot.setDeserializeMainFunction(() => {
    // The launcher extended GLIBC_TUNABLES for node's malloc only (v8snap/node/hugepages.py; runtime.js does
    // the same for embedding): the app and its child processes see the caller's value.
    const tunables = process.env.V8SNAP_TUNABLES;
    if (tunables !== undefined) {
      delete process.env.V8SNAP_TUNABLES;
      if (tunables === '-') delete process.env.GLIBC_TUNABLES; else process.env.GLIBC_TUNABLES = tunables.slice(1);
    }
    switchToRuntime();
    state.runtime.runMain();
  });
}
