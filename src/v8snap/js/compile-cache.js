// @ts-check
// v8snap compile-cache preload: the launcher's `compile-cache` strategy runs
//   V8SNAP_COMPILE_CACHE=DIR node --require APP/.v8snap/compile-cache.cjs ENTRY ARGS
// It turns on node's compile cache (module.enableCompileCache, node >= 22.1) in DIR for every module loaded
// after it, then removes what a plain run would not have: the environment variable, its own
// `--require` in process.execArgv (child_process.fork passes execArgv on), its entry in require.cache and
// in process._preload_modules. An app that sets NODE_COMPILE_CACHE itself keeps its own cache.
'use strict';
const Module = require('module');

const dir = process.env.V8SNAP_COMPILE_CACHE;
delete process.env.V8SNAP_COMPILE_CACHE;
// Only a directory of this user that nobody else can write (a planted cache entry would be code); the
// build creates it 0700 (bake/strategy.py code_cache_dir). loader/code-cache.js has the same rule.
if (dir && !process.env.NODE_COMPILE_CACHE && typeof Module.enableCompileCache === 'function') {
  const st = require('fs').lstatSync(dir, { throwIfNoEntry: false });
  if (st && st.isDirectory() && st.uid === process.getuid() && (st.mode & 0o022) === 0) {
    Module.enableCompileCache(dir);
  }
}
const argv = process.execArgv;
for (let i = 0; i < argv.length; i++) {
  if ((argv[i] === '--require' || argv[i] === '-r') && argv[i + 1] === __filename) {
    argv.splice(i, 2);
    break;
  }
  if (argv[i] === `--require=${__filename}`) {
    argv.splice(i, 1);
    break;
  }
}
delete Module._cache[__filename];
if (Array.isArray(process._preload_modules)) {
  const i = process._preload_modules.indexOf(__filename);
  if (i !== -1) process._preload_modules.splice(i, 1);
}
