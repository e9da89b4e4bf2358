// Terminal: an ora spinner; not a TTY, it prints only the final symbol lines (on stderr).
const ora = require("ora");
const s = ora({ text: "working", isEnabled: undefined }).start();
s.succeed("done");
ora("second").fail("failed");
console.log("isEnabled", s.isEnabled);
