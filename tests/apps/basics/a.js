'use strict';
// Circular pair a <-> b: b sees a partially initialised `a`.
exports.name = 'a';
exports.done = false;
const b = require('./b');
exports.sawB = { name: b.name, done: b.done };
exports.done = true;
