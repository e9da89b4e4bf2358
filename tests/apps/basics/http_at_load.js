'use strict';
// Requires `http` at load time (node's snapshot builder crashes on this at build time).
const http = require('http');
module.exports = { kind: typeof http.createServer };
