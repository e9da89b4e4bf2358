// @ts-check
// A module definition from a printed source file (blueprint `sources_dir`), compiled as Node's CommonJS
// loader compiles a module: a function of (exports, module, require, __filename, __dirname) whose script is
// the original file. Stack frames then read as in a plain run (`Object.<anonymous> (/app/x.js:4:15)`, not
// `eval`), columns on line 1 are exact, and Node's "is the caller inside node_modules" checks (which
// silence DEP0169 and other deprecations for dependencies) see the real path. Its text is held once in
// the heap. Runs at build time only (node warns once that `vm` is unverified in builder scripts; the
// compiled functions serialize, observed on node 24.19).
/* exported __v8snap_source, __v8snap_json */

/**
 * @param {string} file printed source file to read
 * @param {string} filename the module's real filename (what stack frames show)
 * @param {BufferEncoding} [encoding] default latin1
 * @returns {Function}
 */
function __v8snap_source(file, filename, encoding) {
  'use strict';
  const nodeRequire = require; // (not `require(...)`: see js/README.md, "snapshot script parts")
  const text = nodeRequire('fs').readFileSync(file, encoding || 'latin1');
  return nodeRequire('vm').compileFunction(text, ['exports', 'module', 'require', '__filename', '__dirname'], {
    filename,
  });
}

/**
 * A JSON module's definition: its text is read here at build time and parsed by `JSON.parse` when the
 * definition runs, as node's loader does (an own `__proto__` key stays a key; an object literal in the
 * script would set the prototype instead). The text is dropped after that first run, so a healthy JSON
 * module holds only its value in the heap, and the snapshot script stays one-byte whatever the file holds
 * (one character above U+00FF in a script makes V8 store the whole script text two bytes a character).
 * A second run (never for a module served from the registry's cache) reads the file again, as node would.
 * @param {string} file the JSON file to read (the module's own file)
 * @param {string} filename the module's filename (named in a parse error, as node names it)
 * @returns {(exports: unknown, module: {exports: unknown}) => void}
 */
function __v8snap_json(file, filename) {
  'use strict';
  const nodeRequire = require;
  const fs = nodeRequire('fs');
  /** @type {string | undefined} */
  let text = fs.readFileSync(file, 'utf8');
  return function json(_exports, module) {
    const t = text === undefined ? fs.readFileSync(filename, 'utf8') : text;
    text = undefined;
    try {
      module.exports = JSON.parse(t.charCodeAt(0) === 0xfeff ? t.slice(1) : t);
    } catch (err) {
      /** @type {any} */ (err).message = `${filename}: ${/** @type {any} */ (err).message}`;
      throw err;
    }
  };
}
