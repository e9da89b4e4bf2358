// TOML: parse and stringify.
const TOML = require("@iarna/toml");
const data = TOML.parse('title = "Example"\n[owner]\nname = "Tom"\n[database]\nports = [ 8000, 8001 ]\nenabled = true\n');
console.log(JSON.stringify(data));
console.log(TOML.stringify({ server: { host: "localhost", port: 80 }, tags: ["a", "b"] }));
