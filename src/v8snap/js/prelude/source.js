// @ts-check
// A module definition from a printed source file (blueprint `sources_dir`), compiled as Node's CommonJS
// loader compiles a module: a function of (exports, module, require, __filename, __dirname) whose script is
// the original file. Stack frames then read as in a plain run (`Object.<anonymous> (/app/x.js:4:15)`, not
// `eval`), columns on line 1 are exact, and Node's "is the caller inside node_modules" checks (which
// silence DEP0169 and other deprecations for dependencies) see the real path. Its text is held once in
// the heap. Runs at build time only (node warns once that `vm` is unverified in builder scripts; the
// compiled functions serialize, observed on node 24.19).
/* exported __v8snap_source */

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
