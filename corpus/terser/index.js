// A minifier: terser's async minify with compression and mangling.
const { minify } = require("terser");
minify("function add(first, second) { var result = first + second; return result; }\nconsole.log(add(1, 2));",
  { compress: { passes: 2 }, mangle: true, toplevel: true }).then((r) => console.log(r.code));
