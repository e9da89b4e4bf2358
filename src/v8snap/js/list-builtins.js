// @ts-check
// Prints the public built-in module names of this node as a JSON array.
'use strict';
const { builtinModules } = require('module');
process.stdout.write(JSON.stringify(builtinModules.filter((n) => !n.startsWith('_'))));
