// A bundler's JS API: esbuild transforms TypeScript through its native binary (stays on disk).
const esbuild = require("esbuild");
const r = esbuild.transformSync("const x: number = 1; export const f = (a: string) => a + x;",
  { loader: "ts", format: "cjs", target: "es2019" });
console.log(r.code.trim());
console.log(esbuild.version.split(".")[0]);
