// @ts-check
// v8snap loader: the run-time half of the snapshot script (js/README.md has the layout).
//
// After the blob is deserialized, the require hook serves modules from the snapshot:
//   - a request the resolver map knows, whose target is in the registry, is served from the snapshot:
//     healthy -> the exports initialized at build time; deferred/norewrite -> its definition, run once;
//   - each served module is registered in Module._cache as a real Module (id, filename, paths, parent,
//     loaded, children), so require.cache, module.parent and require.main behave as in a plain run, and
//     `delete require.cache[f]` makes the next require re-run the definition (as Node re-reads the file);
//   - anything else (built-ins, native addons, modules not in the snapshot, ESM) goes to Node's loader.
// V8SNAP_DISABLE=1 boots from the blob but serves nothing from it (the opt-out of Cypress's tooling).
// No top-level 'use strict': it would make every module definition in the script strict.
/* global __v8snap_serve, __v8snap_hooks, __v8snap_freshness, __v8snap_main */
/* exported __v8snap_makeRuntime */

/**
 * What the loader's files share (one per process, made once the blob is deserialized).
 * @typedef {object} V8snapLoaderShared
 * @property {V8snapState} state the prelude's state
 * @property {any} runtime the object __v8snap_makeRuntime returns (state.runtime)
 * @property {typeof import('module')} Module
 * @property {typeof import('path')} path
 * @property {any} config
 * @property {Record<string, V8snapDefinition>} definitions
 * @property {typeof import('module')._load} origLoad Module._load before the require hook
 * @property {typeof import('module')._resolveFilename} origResolveFilename
 * @property {Record<string, any>} moduleOf key -> Module, created on first use at run time
 */

/**
 * @param {V8snapState} state
 * @returns {any} the runtime: install, runMain, loadKey, moduleFor, resolveFrom, resolvePathsFrom,
 *   invalidateStale, failedAssumptions, served, enabled, Module
 */
function __v8snap_makeRuntime(state) {
  'use strict';
  const nodeRequire = state.realRequire; // (not `require(...)`: see js/README.md, "snapshot script parts")
  const Module = nodeRequire('module');
  const path = nodeRequire('path');
  const config = state.config;
  const definitions = state.definitions;
  const origLoad = Module._load;
  const origResolveFilename = Module._resolveFilename;
  const runtime = { Module, served: 0, enabled: true };

  // Module objects for registry keys, created on first use at run time.
  const moduleOf = Object.create(null); // key -> Module
  /** @type {V8snapLoaderShared} */
  const shared = { state, runtime, Module, path, config, definitions, origLoad, origResolveFilename, moduleOf };
  const serve = __v8snap_serve(shared);
  __v8snap_hooks(shared, serve);
  const staleReason = __v8snap_freshness(shared);
  __v8snap_main(shared, staleReason);
  return runtime;
}
