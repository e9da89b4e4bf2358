'use strict';
// Entry point of a v8snap.embed.Runtime started WITHOUT a snapshot: the same protocol server as in a
// snapshot (runtime.js), started at once. Modules are then sent by Python as "load" requests.
const createEmbed = require('./runtime.js');

createEmbed(require).start();
