// @ts-check
'use strict';
// Entry point of a v8snap.embed.Runtime started WITHOUT a snapshot: the same protocol server as in a
// snapshot (the embed/runtime/ part), started at once. Modules are then sent by Python as "load" requests.
// The part is joined and wrapped exactly as embed/builder.py does for a snapshot script.
const fs = require('fs');
const path = require('path');
const vm = require('vm');

const dir = path.join(__dirname, 'runtime');
// The ES module registry first (embed/options.py ESM_PARTS): embedded ES modules run on it.
const esm = ['esm-registry.js', 'esm-origins.js', 'esm-interop.js', 'esm-builtins.js'].map((f) => path.join(__dirname, '..', 'prelude', f));
const files = [...esm, ...fs.readdirSync(dir).filter((f) => f.endsWith('.js')).sort().map((f) => path.join(dir, f))];
const source = files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
const wrapper = vm.runInThisContext(`(function (module, require) {\n'use strict';\n${source}\nreturn module.exports;\n})`, {
  filename: path.join(dir, 'v8snap-embed-runtime.js'),
});
const createEmbed = wrapper({ exports: {} }, require);

createEmbed(require).start();
