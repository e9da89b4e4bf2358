// @ts-check
'use strict';
// The named exports node's ESM loader gives a CommonJS module imported from ESM (helper of js/esm/convert.js):
// cjs-module-lexer's exports, plus those of its re-exports (`module.exports = require('./x')`), resolved as
// require() would, recursively. Modules are files on disk (an app's) or texts in memory (the embedding
// API's modules, named by absolute posix filenames; a re-export resolves among them as the embedding's
// require does: embed/runtime/modules.js).
const path = require('path');
const fs = require('fs');
const { createRequire } = require('module');

/** @typedef {{read: (filename: string) => string, resolve: (spec: string, from: string) => string | null}} Host */

/** @type {Host} */
const onDisk = {
  read: (filename) => fs.readFileSync(filename, 'utf8'),
  resolve(spec, from) {
    let target;
    try {
      target = createRequire(from).resolve(spec);
    } catch {
      return null;
    }
    return path.isAbsolute(target) && /\.(c?js)$/.test(target) ? target : null;
  },
};

/** @param {Record<string, string>} texts filename -> source @returns {Host} */
function memoryHost(texts) {
  return {
    read(filename) {
      if (!Object.prototype.hasOwnProperty.call(texts, filename)) throw new Error('not in memory');
      return texts[filename];
    },
    resolve(spec, from) {
      if (!/^\.{0,2}\//.test(spec)) return null;
      const joined = spec.startsWith('/') ? path.posix.normalize(spec) : path.posix.join(path.posix.dirname(from), spec);
      const hit = [joined, joined + '.js', joined + '.cjs', joined + '/index.js'].find((f) => f in texts);
      return hit === undefined ? null : hit;
    },
  };
}

/**
 * @param {any} lexer cjs-module-lexer
 * @param {string} filename
 * @param {Set<string>} seen
 * @param {Host} host
 * @returns {string[]}
 */
function cjsNames(lexer, filename, seen, host) {
  if (seen.has(filename)) return [];
  seen.add(filename);
  let result;
  try {
    result = lexer.parse(host.read(filename));
  } catch {
    return [];
  }
  const names = new Set(result.exports);
  for (const spec of result.reexports) {
    const target = host.resolve(spec, filename);
    if (target !== null) for (const n of cjsNames(lexer, target, seen, host)) names.add(n);
  }
  return [...names];
}

module.exports = { cjsNames, onDisk, memoryHost };
