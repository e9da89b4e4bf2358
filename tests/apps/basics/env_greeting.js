'use strict';
// Reads the environment at load time: a snapshot must not bake this value in.
module.exports = { greeting: process.env.BASICS_GREETING === undefined ? '(unset)' : process.env.BASICS_GREETING };
