'use strict';
// Counts its own evaluations: deleting it from require.cache and requiring again runs it again.
globalThis.__count = (globalThis.__count || 0) + 1;
module.exports = { count: globalThis.__count };
