// YAML: the yaml package's document API (comments preserved).
const YAML = require("yaml");
const doc = YAML.parseDocument("# config\nname: app # inline\nitems:\n  - 1\n  - 2\n");
doc.set("version", 3);
console.log(String(doc));
console.log(JSON.stringify(YAML.parse("a: [x, y]\nb: {c: 1}")));
