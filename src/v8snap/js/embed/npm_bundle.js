'use strict';
// Interim bundler for SnapshotBuilder.with_npm_package (until v8snap.pipeline.library_fragment exists).
// stdin: {root, requests}; stdout: {fragment, files}. Loads each request from `root` with Node's own
// resolver, records every (directory, request) -> file resolution and every file loaded, and prints a JS
// fragment that holds those files as CommonJS definitions plus the resolution map and defines
// globalThis.__v8snap_require(request). The fragment initializes each request at build time when that
// works (healthy); a request whose initialization throws is left to initialize on first call (deferred).
const Module = require('module');
const path = require('path');
const fs = require('fs');

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', () => {
  const { root, requests } = JSON.parse(input);
  const map = Object.create(null);
  const origResolve = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, isMain, options) {
    const file = origResolve.call(this, request, parent, isMain, options);
    if (!Module.isBuiltin(request)) {
      const from = parent && parent.filename ? path.dirname(parent.filename) : root;
      map[from + '\0' + request] = file;
    }
    return file;
  };
  const rootRequire = Module.createRequire(path.join(root, '__v8snap_embed__.js'));
  for (const request of requests) {
    const file = rootRequire.resolve(request);
    map[root + '\0' + request] = file;
    rootRequire(request);
  }
  Module._resolveFilename = origResolve;
  const files = Object.keys(require.cache).filter((f) => Object.values(map).includes(f));
  const defs = [];
  for (const file of files) {
    if (file.endsWith('.node')) throw new Error(`native addon ${file} cannot go in a snapshot`);
    let src = fs.readFileSync(file, 'utf8');
    if (file.endsWith('.json')) {
      defs.push(`${JSON.stringify(file)}: function (exports, require, module) { module.exports = ${src.trim() || 'null'}; }`);
      continue;
    }
    if (src.startsWith('#!')) src = '//' + src;
    defs.push(`${JSON.stringify(file)}: function (exports, require, module, __filename, __dirname) {${src}\n}`);
  }
  const fragment = [
    '(function () {',
    `const ROOT = ${JSON.stringify(root)};`,
    `const requests = ${JSON.stringify(requests)};`,
    `const map = ${JSON.stringify(map)};`,
    `const defs = {\n${defs.join(',\n')}\n};`,
    fs.readFileSync(path.join(__dirname, 'npm_loader.js'), 'utf8'),
    '})();',
  ].join('\n');
  process.stdout.write(JSON.stringify({ fragment, files }));
});
