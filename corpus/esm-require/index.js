// ESM inside: a CJS app require()s an ESM-only package (node 24's require(esm)).
const { nanoid, customAlphabet, urlAlphabet } = require("nanoid");
console.log(nanoid().length, urlAlphabet.length, customAlphabet("ab", 5)().replace(/[ab]/g, "").length);
