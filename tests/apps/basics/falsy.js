'use strict';
// Exports a falsy value: a lazy require must not re-run this module (counted in a global).
globalThis.__falsyLoads = (globalThis.__falsyLoads || 0) + 1;
module.exports = 0;
