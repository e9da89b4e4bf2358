// Colour: chalk 4 decides its colour level from the terminal and env (supports-color) at load.
const chalk = require("chalk");
console.log(chalk.red("red"), chalk.bold.blue("bold blue"), chalk.hex("#ff8800")("orange"));
console.log("level", chalk.level, "stderr level", chalk.stderr ? chalk.stderr.level : "n/a");
