'use strict';
// v8snap test app: transpiles a TypeScript snippet (class, enum, generic) with typescript 5.
const ts = require('typescript');

const source = `
enum Color { Red, Green = 4, Blue }

interface Shape { area(): number }

class Box<T> implements Shape {
  private readonly items: T[] = [];
  constructor(public width: number, public height: number) {}
  add(item: T): this { this.items.push(item); return this; }
  area(): number { return this.width * this.height; }
  get count(): number { return this.items.length; }
}

function first<T extends { id: number }>(xs: readonly T[]): T | undefined {
  return xs.length ? xs[0] : undefined;
}

export const box = new Box<string>(2, 3).add('a').add('b');
export const color: Color = Color.Blue;
export const found = first([{ id: 7 }, { id: 8 }])?.id ?? -1;
`;

const targets = [ts.ScriptTarget.ES2015, ts.ScriptTarget.ES2022];
for (const target of targets) {
  const out = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target, strict: true },
    fileName: 'snippet.ts',
    reportDiagnostics: true,
  });
  console.log(`--- target ${ts.ScriptTarget[target]} ---`);
  console.log(out.outputText.trimEnd());
  console.log(`diagnostics: ${out.diagnostics.length}`);

  // Run the transpiled output to show it is real JS.
  const mod = { exports: {} };
  new Function('exports', 'module', 'require', out.outputText)(mod.exports, mod, require);
  console.log(`run: area=${mod.exports.box.area()} count=${mod.exports.box.count} color=${mod.exports.color} found=${mod.exports.found}`);
}

const bad = ts.transpileModule('let x: = 1;', { reportDiagnostics: true, fileName: 'bad.ts' });
for (const d of bad.diagnostics) {
  console.log(`diagnostic TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}
console.log('ts.version:', ts.version);
