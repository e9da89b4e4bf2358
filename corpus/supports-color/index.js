// Terminal: supports-color reads the environment and tty at load.
const supportsColor = require("supports-color");
console.log(JSON.stringify({ stdout: supportsColor.stdout, stderr: supportsColor.stderr }));
