// Utilities: lodash's common functions.
const _ = require("lodash");
console.log(JSON.stringify(_.groupBy([6.1, 4.2, 6.3], Math.floor)), _.kebabCase("Foo Bar"), JSON.stringify(_.chunk([1, 2, 3, 4, 5], 2)));
console.log(_.template("hello <%= user %>!")({ user: "fred" }), JSON.stringify(_.merge({ a: [{ b: 2 }] }, { a: [{ c: 3 }] })));
