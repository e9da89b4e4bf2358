'use strict';
const chalk = require('chalk');
const log = require('debug')('bench:app');

log('starting with %o', process.argv.slice(2));
console.log(chalk.green('ok'), chalk.bold.red('chalk + debug'), chalk.level >= 0);
