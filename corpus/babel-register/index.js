require('@babel/register')({ presets: [['@babel/preset-env', { targets: { node: '6' } }]], extensions: ['.js'], cache: false, only: [/lib/] });
const m = require('./lib/mod.js');
console.log(m.f.toString());
console.log(m.f({ a: { b: 2 } }));
