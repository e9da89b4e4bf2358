// Colour: picocolors checks argv/env/tty at load.
const pc = require("picocolors");
console.log(pc.red("red"), pc.bold(pc.cyan("bold cyan")), "supported", pc.isColorSupported);
