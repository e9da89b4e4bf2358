// A compiler: @babel/core with preset-env (over 5 MB of JS), transform a modern snippet for old targets.
const babel = require("@babel/core");
const out = babel.transformSync("const f = async (a = 1, ...rest) => a ?? rest?.[0]; class A { #x = 1; get x() { return this.#x; } }",
  { presets: [[require("@babel/preset-env"), { targets: { ie: "11" } }]], configFile: false, babelrc: false, compact: false });
console.log(out.code.split("\n").length > 5 ? "transformed" : "short");
console.log(out.code.includes("_classPrivateFieldGet") || out.code.includes("_classPrivateField") ? "private fields lowered" : "private fields kept");
console.log(out.code.includes("regeneratorRuntime") || out.code.includes("_regenerator") ? "async lowered" : "async kept");
