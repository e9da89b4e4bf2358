// @ts-check
// Modules of an embedded runtime: CommonJS sources evaluated under their name, a `require` that serves
// them (relative names too), then node's built-ins (network ones only with allowNet), then the npm
// packages of the snapshot (globalThis.__v8snap_require).
/* global NET_BUILTINS */
/* exported embedModules */

/** @param {V8snapEmbed} e */
function embedModules(e) {
  const { fs, pathPosix, modules } = e;
  // process.getBuiltinModule works while building a snapshot (require('module') does not fully) and
  // returns undefined for anything that is not a built-in, so it is both the test and the loader.
  const getBuiltin = process.getBuiltinModule.bind(process);
  /** @param {string} request */
  const bareName = (request) => (request.startsWith('node:') ? request.slice(5) : request);

  /** @param {string} name */
  function deniedNet(name) {
    const err = /** @type {NodeJS.ErrnoException} */ (new Error(`v8snap sandbox: built-in "${name}" needs allow_net=True`));
    err.code = 'ERR_ACCESS_DENIED';
    return err;
  }

  e.makeRequire = function makeRequire(fromName) {
    return function require(request) {
      if (request.startsWith('./') || request.startsWith('../') || request.startsWith('/')) {
        // '/x.js' is module 'x.js' (an ES module's imports name their targets so: embed/esm.py esm_filename)
        const joined = request.startsWith('/') ? pathPosix.normalize(request)
          : pathPosix.normalize(pathPosix.join(pathPosix.dirname(fromName), request));
        for (const cand of [joined, joined + '.js', joined + '.cjs', joined + '.mjs', joined + '/index.js']) {
          const hit = modules.get(cand) || modules.get(cand.replace(/^\.?\//, ''));
          if (hit) return hit.exports;
        }
      } else if (modules.has(request)) {
        return modules.get(request).exports;
      } else {
        const bare = bareName(request);
        if (!e.allowNet && NET_BUILTINS.has(bare)) throw deniedNet(bare);
        const builtin = getBuiltin(request);
        if (builtin !== undefined) {
          if (e.building) fs.writeSync(2, `V8SNAP_REQUIRE ${JSON.stringify({ module: fromName, builtin: bare })}\n`);
          return builtin;
        }
      }
      if (typeof globalThis.__v8snap_require === 'function') return globalThis.__v8snap_require(request);
      const err = /** @type {NodeJS.ErrnoException} */ (
        new Error(`Cannot find module '${request}' (required from embedded module ${fromName})`));
      err.code = 'MODULE_NOT_FOUND';
      throw err;
    };
  };

  // Evaluate `source` (CommonJS) as module `name`; its exports are registered under `name`.
  e.defineModule = function defineModule(name, source) {
    const wrapper = '(function (exports, require, module, __filename, __dirname) {' + source +
      '\n})\n//# sourceURL=' + name;
    const fn = (0, eval)(wrapper);
    /** @type {{exports: any, id: string, filename: string, loaded: boolean}} */
    const mod = { exports: {}, id: name, filename: name, loaded: false };
    modules.set(name, mod);
    try {
      fn.call(mod.exports, mod.exports, e.makeRequire(name), mod, name, pathPosix.dirname(name));
    } catch (err) {
      modules.delete(name);
      throw err;
    }
    mod.loaded = true;
    const dflt = mod.exports && mod.exports.__esModule ? mod.exports.default : undefined;
    if (typeof dflt === 'function' && e.entrypoint === null) e.entrypoint = dflt;
    return mod.exports;
  };
}
