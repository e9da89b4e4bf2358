'use strict';
// Directory module: required as './lib'.
const helper = require('./helper');
module.exports = { fromLib: helper.twice(21) };
