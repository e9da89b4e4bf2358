// YAML: load a document with anchors, dump it back.
const yaml = require("js-yaml");
const doc = yaml.load("base: &b {host: localhost, port: 8080}\nprod:\n  <<: *b\n  host: example.com\nlist: [1, two, 3.5, null, true]\n");
console.log(JSON.stringify(doc));
console.log(yaml.dump({ a: [1, 2], b: { c: "multi\nline" } }));
