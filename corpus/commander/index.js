// A CLI parser: commander with options and a subcommand, parses process.argv.
const { Command } = require("commander");
const program = new Command();
program.name("corpus-cli").version("1.0.0").option("-d, --debug", "debug output").option("-p, --port <n>", "port", "8080")
  .allowUnknownOption(true).argument("[files...]");
program.action((files, opts) => { console.log(JSON.stringify({ files, opts })); });
program.parse(process.argv);
console.log(program.helpInformation().split("\n")[0]);
