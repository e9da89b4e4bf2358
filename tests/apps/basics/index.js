'use strict';
// v8snap test app "basics": plain CommonJS loader behaviour, no npm dependencies.
// Every line printed is deterministic and free of machine paths.
const path = require('path');

function rel(p) {
  return path.isAbsolute(p) ? path.relative(__dirname, p).split(path.sep).join('/') : p;
}

console.log('http_at_load:', JSON.stringify(require('./http_at_load')));

try {
  require('./throws_at_load');
  console.log('throws_at_load: no error?!');
} catch (err) {
  console.log('throws_at_load:', err.message);
}
console.log('throws_at_load cached after throw:', require.resolve('./throws_at_load') in require.cache);

const data = require('./data.json');
console.log('json:', JSON.stringify(data), 'same object:', data === require('./data.json'));

const a = require('./a');
const b = require('./b');
console.log('circular a:', JSON.stringify({ name: a.name, done: a.done, sawB: a.sawB }));
console.log('circular b (partial view of a):', JSON.stringify(b.sawA), 'b.done:', b.done);

console.log('env greeting:', require('./env_greeting').greeting);

const falsy1 = require('./falsy');
const falsy2 = require('./falsy');
console.log('falsy:', JSON.stringify(falsy1), typeof falsy1, 'same:', falsy1 === falsy2, 'loads:', globalThis.__falsyLoads);

console.log('dir module:', JSON.stringify(require('./lib')));
console.log('package main:', JSON.stringify(require('./pkgdir')));
console.log('whoami:', JSON.stringify(require('./whoami')));

for (const request of ['./data.json', './lib', './pkgdir', 'http']) {
  console.log(`resolve ${request}:`, rel(require.resolve(request)));
}
try {
  require.resolve('./does-not-exist');
} catch (err) {
  console.log('resolve missing:', err.code);
}

console.log('require.main === module:', require.main === module);
console.log('module.parent:', String(module.parent));
console.log('module.id:', module.id);
console.log('argv:', JSON.stringify(process.argv.slice(2)));

const c1 = require('./counter');
console.log('counter same within cache life:', require('./counter') === require('./counter'), c1 === require('./counter'));
delete require.cache[require.resolve('./counter')];
const c2 = require('./counter');
console.log('counter after cache delete:', c2.count, 'global:', globalThis.__count, 'new object:', c1 !== c2);

try {
  require('./addon.node');
  console.log('addon: loaded?!');
} catch (err) {
  console.log('addon error code:', err.code);
}

console.log('broken.js loaded:', Object.keys(require.cache).some((k) => k.endsWith('broken.js')));
console.log('cached modules:', Object.keys(require.cache).map(rel).sort().join(','));
