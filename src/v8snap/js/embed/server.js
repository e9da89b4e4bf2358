// @ts-check
'use strict';
// Entry point of a v8snap.embed.Runtime started WITHOUT a snapshot: the same protocol server as in a
// snapshot (the embed/runtime/ part), started at once. Modules are then sent by Python as "load" requests.
// The part is joined and wrapped exactly as embed/builder.py does for a snapshot script.
const fs = require('fs');
const path = require('path');
const vm = require('vm');

const dir = path.join(__dirname, 'runtime');
const source = fs.readdirSync(dir).filter((f) => f.endsWith('.js')).sort()
  .map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
const wrapper = vm.runInThisContext(`(function (module) {\n'use strict';\n${source}\nreturn module.exports;\n})`, {
  filename: path.join(dir, 'v8snap-embed-runtime.js'),
});
const createEmbed = wrapper({ exports: {} });

createEmbed(require).start();
