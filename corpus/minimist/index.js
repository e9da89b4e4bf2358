// A CLI parser: minimist over process.argv.
const minimist = require("minimist");
const argv = minimist(process.argv.slice(2), { boolean: ["v"], string: ["o"], default: { o: "out" } });
console.log(JSON.stringify(argv));
console.log(JSON.stringify(minimist(["-abc", "--x=1", "--no-y", "rest"])));
