require('ts-node').register({ transpileOnly: true, compilerOptions: { module: 'commonjs' } });
const { greet } = require('./greet.ts');
console.log(greet('world'));
try { require('./boom.ts'); } catch (e) { console.log(e.stack.split('\n').slice(0, 2).join('\n')); }
