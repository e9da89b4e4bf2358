// A compiler (over 5 MB of JS): transpile and type-check a small program in memory.
const ts = require("typescript");
const out = ts.transpileModule("enum Color { Red, Green } export const c: Color = Color.Green; export class A<T> { constructor(public v: T) {} }",
  { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2017 } });
console.log(out.outputText);
const src = ts.createSourceFile("x.ts", "let n: number = 'str';", ts.ScriptTarget.Latest);
let count = 0; ts.forEachChild(src, () => { count++; });
console.log("statements", count, "version major", ts.versionMajorMinor.split(".")[0]);
