// A formatter: prettier 3's CJS entry (index.cjs) reaches the ESM implementation through import().
const prettier = require("prettier");
(async () => {
  const out = await prettier.format("const x = {a:1,b:[1,2,3],  c: function(){return 'x'}}", { parser: "babel" });
  process.stdout.write(out);
  const css = await prettier.format("a{color:red;background:blue}", { parser: "css" });
  process.stdout.write(css);
  console.log(prettier.version.split(".")[0]);
})();
