'use strict';
// Throws while loading: the entry requires it inside try/catch.
exports.before = true;
throw new Error('boom at load time');
