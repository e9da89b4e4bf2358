// @ts-check
'use strict';
// The syntax step for TypeScript / JSX modules of v8snap.embed (embed/esm.py): esbuild's transform to
// JavaScript that keeps its import/export statements (format "esm"). An ES module among the results then
// takes the same conversion as every other ES module (v8snap.esm, js/esm/convert.js).
// stdin: {esbuild: "<dir holding node_modules/esbuild>", items: [{name, source, loader}]}
// stdout: {results: [{code} | {error: {message, line, column}}]}
const path = require('path');

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', () => {
  const req = JSON.parse(input);
  const esbuild = require(path.join(req.esbuild, 'node_modules', 'esbuild'));
  const results = req.items.map((/** @type {{source: string, name: string, loader: any}} */ item) => {
    try {
      const out = esbuild.transformSync(item.source, {
        format: 'esm', loader: item.loader, sourcefile: item.name, target: 'node22', platform: 'node',
      });
      return { code: out.code };
    } catch (err) {
      const first = (err.errors && err.errors[0]) || {};
      const loc = first.location || {};
      return { error: { message: first.text || String(err.message), line: loc.line || 0, column: loc.column || 0 } };
    }
  });
  process.stdout.write(JSON.stringify({ results }));
});
