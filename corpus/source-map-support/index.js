require('source-map-support').install();
const lib = require('./out/lib.js');
try { lib.fail(); } catch (e) { console.log(e.stack.split('\n').slice(0, 3).join('\n')); }
