// CommonJS that require()s an ES module (node 24's require(esm)).
const { format, unit } = require("./format.js");
exports.summary = (items) => `${items.length} items, ${format(items.length * 1000)} (${unit})`;
