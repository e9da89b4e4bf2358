// @ts-check
// Code cache for what still loads from disk in snapshot mode (modules not in the blob, ES modules, import()
// thunks): node's compile cache (module.enableCompileCache, node >= 22.1) in `compile-cache/` next to the
// blob, made 0700 by the build (bake/strategy.py code_cache_dir). Used only when it is a directory of this
// user that nobody else can write (a planted entry would be code); the app's NODE_COMPILE_CACHE wins
// (node enabled it before us), NODE_DISABLE_COMPILE_CACHE turns it off.
/* exported __v8snap_enableCodeCache */

/**
 * @param {V8snapLoaderShared} shared
 * @param {string | null} blob the --snapshot-blob path this process started from
 */
function __v8snap_enableCodeCache(shared, blob) {
  'use strict';
  const { state, Module, path } = shared;
  if (!blob || process.env.NODE_COMPILE_CACHE || typeof Module.enableCompileCache !== 'function') return;
  const dir = path.join(path.dirname(path.resolve(blob)), 'compile-cache');
  const st = state.realRequire('fs').lstatSync(dir, { throwIfNoEntry: false });
  if (st && st.isDirectory() && process.getuid && st.uid === process.getuid() && (st.mode & 0o022) === 0) {
    Module.enableCompileCache(dir);
  }
}
