// A CLI parser: yargs with commands and options, parses process.argv.
const yargs = require("yargs/yargs");
const { hideBin } = require("yargs/helpers");
const argv = yargs(hideBin(process.argv)).scriptName("corpus").option("n", { type: "number", default: 1 })
  .option("verbose", { type: "boolean" }).strict(false).parse();
console.log(JSON.stringify({ n: argv.n, verbose: argv.verbose, _: argv._ }));
