// Logging that reads the environment: debug enables namespaces from DEBUG at load.
// NONDETERMINISTIC under DEBUG=*: not a TTY, debug prefixes each line with an ISO timestamp.
const debug = require("debug");
const log = debug("corpus:main");
const other = debug("corpus:other");
log("hello %o", { a: 1 });
other("second %d", 42);
console.log("enabled:", debug.enabled("corpus:main"), debug.enabled("other:x"));
