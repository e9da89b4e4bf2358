'use strict';
exports.twice = (n) => n * 2;
