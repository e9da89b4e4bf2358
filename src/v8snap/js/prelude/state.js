// @ts-check
// v8snap snapshot prelude: the build-time half of every snapshot script (js/README.md has the layout).
//
// Node's snapshot builder only lets the entry script require built-ins (docs/architecture.md), so every user
// module lives in one registry of definitions. At build time the healthy modules are initialized here, with a
// `require` that serves registry modules and vetted built-ins only; anything that would bake stale state into
// the heap (env, argv, cwd, time, random, timers, stdio, files outside the app, exit) records a *violation*.
// Violations are recorded where they happen, not only thrown: module code often wraps `require` in
// try/catch (optional dependencies), which must not hide that the module cannot be healthy.
//
// Modes (config.mode):
//   'app'     building: initialize healthy modules, restore guards before serialization, start the app
//             from the blob through the loader;  not building (plain `node script.js`): verify, see below.
//   'library' like 'app' but no main function: defines globalThis.__v8snap_require(request) instead.
// Verification (`node script.js` with V8SNAP_VERIFY_OUT set): initialize each healthy candidate in order,
// append one JSON line per event to that file, exit 0. Used by the first-version classifier.
// No top-level 'use strict': it would make every module definition in the script strict.
/* global __v8snap_recording, __v8snap_guardTools, __v8snap_installGuards, __v8snap_registry, __v8snap_esmAttach */
/* exported __v8snap_makeState */

/**
 * A build-time module record (becomes a real Module at run time, see the loader).
 * @typedef {{id: string, filename: string, path: string, exports: any, loaded: boolean, children: any[],
 *   paths: string[]}} V8snapRecord
 * @typedef {{key: string | null, code: string, detail: string, stack: string}} V8snapViolation
 * @typedef {(exports: any, module: any, require: Function, __filename: string, __dirname: string) => void}
 *   V8snapDefinition
 */

/**
 * The state of one snapshot script (or one verifier context): config, registry, guards, what was recorded.
 * @typedef {object} V8snapState
 * @property {any} config the boot config (blueprint/assemble.py) or the verifier's config
 * @property {Record<string, V8snapDefinition>} definitions module key -> definition
 * @property {'build' | 'runtime'} phase 'build' while initializing; 'runtime' once deserialized
 * @property {Record<string, V8snapRecord>} records key -> build-time module record
 * @property {string[]} initStack keys being initialized, innermost last
 * @property {Record<string, string[]>} childKeys key -> keys it required at build time (Module children)
 * @property {V8snapViolation[]} violations
 * @property {Set<string>} tainted keys with a violation in this run: they cannot be healthy
 * @property {Record<string, string[]>} fsReads key -> app-relative files read at load time
 * @property {Set<string>} healthy keys that may be initialized
 * @property {Record<string, string>} builtinVerdicts built-in name -> 'ok' | 'warns' | 'crashes' | ...
 * @property {Set<string>} allow hazards accepted knowingly, e.g. 'ENV_READ:NODE_ENV'
 * @property {NodeJS.Require} realRequire the builder's require (built-ins only)
 * @property {Array<() => void>} restore undo functions of the guards, run in reverse
 * @property {() => bigint} clock process.hrtime.bigint, taken before the guards
 * @property {Record<string, number>} initMs key -> build-time self time of its initialization (ms)
 * @property {number} childMs ms spent in nested initializations of the module initializing now
 * @property {{ext: Record<string, any>, compile: Function, wrap: Function}} nodeLoader node's own
 *   Module._extensions handlers, Module.prototype._compile and Module.wrap, recorded at build time
 * @property {number} internal > 0 while node's own code runs on our behalf
 * @property {Record<string, Array<[string, string, any]>>} assumptions key -> [[kind, name, value]]
 * @property {any} runtime the loader's runtime, once deserialized
 * @property {((filename: string, specifier: any, options: any) => Promise<any>) | null} dynamicImport
 * @property {typeof import('v8')} v8
 * @property {typeof import('fs')} fs
 * @property {typeof import('path')} path
 * @property {(key: string) => string} filenameOf
 * @property {(key: string) => string} dirKeyOf
 * @property {(filename: string) => string | null} keyOfFilename
 * @property {() => boolean} building true while a module initializes at build time
 * @property {(code: string, detail: string) => boolean} violate records and throws (false when allowed)
 * @property {(key: string | null, code: string, detail: string) => boolean} allowed
 * @property {(kind: string, name: string, value: any) => boolean} assume
 * @property {(stack: any) => string} mapStack
 * @property {(err: any) => {code: string, detail: string}} classifyError
 * @property {any} SnapshotViolation
 * @property {(obj: any, name: string, code: string, detail?: string | null,
 *   when?: (args: any[]) => boolean, after?: ((result: any, args: any[]) => void) | undefined,
 *   replace?: (result: any) => any) => void} guardMethod
 * @property {(obj: any, name: string, code: string, detail: string, assumed?: () => any) => void} guardGetter
 * @property {(g: any) => void} guardRealm
 * @property {() => void} installGuards
 * @property {(name: string) => any} builtin
 * @property {() => void} guardCrypto guards crypto's random sources (once; prelude/guard-fs-os.js)
 * @property {(name: string) => any} [servedModule] a built-in served with build-time guards, or null
 *   (prelude/guard-served.js)
 * @property {(fromKey: string, request: string) => string | undefined} lookup
 * @property {(key: string) => any} instantiate
 * @property {(key: string) => number} initOne instantiate, recording an unrecorded error as a violation
 * @property {(key: string) => Function} makeRequire
 * @property {(onEvent: ((ev: object) => void) | null) => void} initAll
 * @property {(key: string, spec: any, options: any) => Promise<any> | null} esmImportAtBuild import() of a
 *   registry ES module while building (prelude/esm-registry.js); null when it is not one
 * @property {string} [esmMain] filename of the ES module entry, at run time (loader/esm-hooks.js)
 * @property {(filename: string) => (spec: string) => string} [esmResolver] node's import.meta.resolve for
 *   a module's directory, at run time (loader/esm-hooks.js)
 */

/**
 * @param {any} config see V8snapState.config (`healthySet`: the verifier's live Set of keys not deferred)
 * @param {Record<string, V8snapDefinition>} definitions
 * @returns {V8snapState}
 */
function __v8snap_makeState(config, definitions) {
  'use strict';
  const nodeRequire = require; // (not `require(...)`: see js/README.md, "snapshot script parts")
  const v8 = nodeRequire('v8');
  const fs = nodeRequire('fs');
  const path = nodeRequire('path');

  const state = /** @type {V8snapState} */ ({
    config,
    definitions,
    phase: 'build',
    records: Object.create(null),
    initStack: [],
    childKeys: Object.create(null),
    violations: [],
    tainted: new Set(),
    fsReads: Object.create(null),
    // The verifier passes a live Set (all keys not deferred); the builder passes the init order.
    healthy: config.healthySet || new Set(config.order),
    builtinVerdicts: config.builtinVerdicts || {},
    allow: new Set(config.allow || []),
    realRequire: nodeRequire,
    restore: [],
    // Build-time self time of each module's initialization in ms (the report's startup treemap). The
    // clock is taken before the guards wrap it; only our own code reads it, never a module.
    clock: process.hrtime.bigint,
    initMs: Object.create(null),
    childMs: 0,
  });

  // v8snap-esm: converted ES modules reach this state (prelude/esm-registry.js).
  __v8snap_esmAttach(state);
  const root = config.root;
  state.filenameOf = (key) => root + key.slice(1);
  state.dirKeyOf = (key) => {
    const i = key.lastIndexOf('/');
    return i <= 1 ? '.' : key.slice(0, i);
  };
  state.keyOfFilename = (filename) => {
    if (filename.length > root.length && filename.startsWith(root) && filename[root.length] === path.sep) {
      return '.' + filename.slice(root.length);
    }
    return null;
  };
  state.v8 = v8;
  state.fs = fs;
  state.path = path;
  __v8snap_recording(state);
  __v8snap_guardTools(state);
  state.installGuards = () => __v8snap_installGuards(state);
  __v8snap_registry(state);
  return state;
}
