// Part of the fragment printed by npm_bundle.js (runs inside the snapshot script, in a function scope
// where ROOT, requests, map and defs are defined and `require` loads built-ins).
const pathMod = require('path');
const cache = Object.create(null);

function load(file) {
  const hit = cache[file];
  if (hit) return hit.exports;
  const mod = { id: file, filename: file, exports: {}, loaded: false, children: [], paths: [] };
  cache[file] = mod;
  try {
    defs[file].call(mod.exports, mod.exports, makeRequire(file), mod, file, pathMod.dirname(file));
  } catch (err) {
    delete cache[file];
    throw err;
  }
  mod.loaded = true;
  return mod.exports;
}

function resolveFrom(dir, request) {
  const file = map[dir + '\0' + request];
  if (file === undefined) {
    const e = new Error(`Cannot find module '${request}' from ${dir} (not in the snapshot's npm bundle)`);
    e.code = 'MODULE_NOT_FOUND';
    throw e;
  }
  return file;
}

function makeRequire(file) {
  const dir = pathMod.dirname(file);
  const req = function require(request) {
    const builtin = process.getBuiltinModule(request);
    if (builtin !== undefined) return builtin;
    return load(resolveFrom(dir, request));
  };
  req.resolve = (request) => (process.getBuiltinModule(request) !== undefined ? request : resolveFrom(dir, request));
  req.cache = cache;
  return req;
}

globalThis.__v8snap_require = function __v8snap_require(request) {
  return load(resolveFrom(ROOT, request));
};

for (const request of requests) {
  try {
    globalThis.__v8snap_require(request);
  } catch (err) {
    // Left for the first call at run time (deferred).
  }
}
