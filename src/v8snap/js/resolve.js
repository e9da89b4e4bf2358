// @ts-check
'use strict';
// v8snap batched resolver: stdin = JSON [{from, request}], stdout = JSON [{resolved, code}].
//
// Resolution is Node's own (Module._resolveFilename on a module object for `from`), so exports maps,
// conditions, symlinks, NODE_PATH and extensions behave exactly as in the app. `resolved` is an absolute
// filename, "node:<name>" for a built-in, or "" with the error code (e.g. MODULE_NOT_FOUND) in `code`.

const Module = require('module');
const path = require('path');

function readStdin() {
  // stdin is a pipe from run_helper: a synchronous read to EOF is enough.
  return require('fs').readFileSync(0, 'utf8');
}

// One Module object per requiring file, as Node builds for `require` inside that file.
/** @type {Map<string, NodeJS.Module>} */
const parents = new Map();
/** @param {string} from absolute filename of the requiring file */
function parentFor(from) {
  let m = parents.get(from);
  if (!m) {
    m = new Module(from, null);
    m.filename = from;
    m.paths = Module._nodeModulePaths(path.dirname(from));
    parents.set(from, m);
  }
  return m;
}

/**
 * @param {string} from @param {string} request
 * @returns {{resolved: string, code: string}}
 */
function resolveOne(from, request) {
  if (Module.isBuiltin(request)) {
    return { resolved: request.startsWith('node:') ? request : 'node:' + request, code: '' };
  }
  try {
    return { resolved: Module._resolveFilename(request, parentFor(from), false), code: '' };
  } catch (err) {
    return { resolved: '', code: (err && err.code) || 'UNKNOWN' };
  }
}

const items = JSON.parse(readStdin() || '[]');
const out = items.map((/** @type {{from: string, request: string}} */ it) => resolveOne(String(it.from), String(it.request)));
process.stdout.write(JSON.stringify(out));
