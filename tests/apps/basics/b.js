'use strict';
// Circular pair a <-> b: loaded from a.js while a.js is still running.
exports.name = 'b';
exports.done = false;
const a = require('./a');
exports.sawA = { name: a.name, done: a.done, keys: Object.keys(a).sort() };
exports.done = true;
