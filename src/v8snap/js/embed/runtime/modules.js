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

  /** @param {any} exports */
  const isEsm = (exports) => /** @type {any} */ (globalThis).__v8snap_esm.namespaces.has(exports);
  e.makeRequire = function makeRequire(fromName) {
    // An ES module still evaluating, required by CommonJS: node refuses (require(esm) in a cycle); an
    // import of it (the registry's require) is a cycle between ES modules, which is fine.
    const loaded = (/** @type {string} */ name) => {
      const mod = modules.get(name);
      const from = modules.get(fromName);
      if (!mod.loaded && isEsm(mod.exports) && from && !isEsm(from.exports)) {
        const err = /** @type {NodeJS.ErrnoException} */ (
          new Error(`Cannot require() ES Module ${name} in a cycle. (from ${fromName})`));
        err.code = 'ERR_REQUIRE_CYCLE_MODULE';
        throw err;
      }
      return mod.exports;
    };
    return function require(request) {
      if (request.startsWith('./') || request.startsWith('../') || request.startsWith('/')) {
        // '/x.js' is module 'x.js' (an ES module's imports name their targets so: embed/esm.py esm_filename)
        const joined = request.startsWith('/') ? pathPosix.normalize(request)
          : pathPosix.normalize(pathPosix.join(pathPosix.dirname(fromName), request));
        for (const cand of [joined, joined + '.js', joined + '.cjs', joined + '.mjs', joined + '/index.js']) {
          const name = [cand, cand.replace(/^\.?\//, '')].find((n) => modules.has(n) || e.declared.has(n));
          if (name !== undefined) return modules.has(name) ? loaded(name) : e.runDeclared(name);
        }
      } else if (modules.has(request)) {
        return loaded(request);
      } else if (e.declared.has(request)) {
        return e.runDeclared(request);
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

  // Modules given together (SnapshotBuilder's, Runtime(modules=...)) are declared first and run in their
  // order, each when its turn comes or when another requires/imports it first, whichever is earlier (as
  // node runs a module on its first import): modules may refer to later ones, and cycles work.
  // An ES module that imports an npm package the snapshot initializes only at run time (the npm fragment's
  // DEPENDS_ON_DEFERRED) cannot run while building: it stays declared and runs on first use, after
  // deserialization (its imports come first, so none of its own code ran). A CommonJS module may have run
  // part of its code before such a require: that stays a build error (build.js).
  e.declared = new Map();
  e.runDeclared = function runDeclared(name) {
    const decl = e.declared.get(name);
    if (decl === undefined) return modules.get(name).exports; // already run (imported earlier)
    e.declared.delete(name);
    try {
      return e.defineModule(name, decl.source);
    } catch (err) {
      if (e.building && decl.esm && e.isDeferral(err)) e.declared.set(name, decl);
      throw err;
    }
  };
  e.isDeferral = (err) => !!err && err.name === 'SnapshotViolation' && err.code === 'DEPENDS_ON_DEFERRED';
  /** The exports of module `name`, running it first if it is declared; undefined for an unknown name. */
  e.exportsOf = function exportsOf(name) {
    if (modules.has(name)) return modules.get(name).exports;
    return e.declared.has(name) ? e.runDeclared(name) : undefined;
  };

  // createRequire(import.meta.url) in an embedded ES module (prelude/esm-interop.js builtinModule): its require.
  /** @param {string} filename */
  const embedRequire = (filename) => {
    const name = [filename, filename.slice(1)].find((n) => modules.has(n) || e.declared.has(n));
    return name === undefined ? null : e.makeRequire(name);
  };

  // Evaluate `source` (CommonJS, or an ES module's registry definition: embed/esm.py) as module `name`;
  // its exports are registered under `name`.
  e.defineModule = function defineModule(name, source) {
    const registry = /** @type {any} */ (globalThis).__v8snap_esm; // the npm fragment's, when there is one
    if (!registry.embedRequire) registry.embedRequire = embedRequire;
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
