'use strict';
// v8snap benchmark app: startup is dominated by loading typescript (one large module);
// the work after loading is small on purpose (transpile + parse a snippet, optional type check).
//   node index.js            transpile and parse the built-in snippet
//   node index.js --check    also type-check it with an in-memory compiler host (noLib)
const ts = require('typescript');

const FILE = 'bench.ts';
const SOURCE = `
enum Kind { A = 1, B, C }
interface Item<T> { id: number; value: T; kind: Kind }
export class Store<T> {
  private items: { [id: number]: Item<T> } = {};
  private count = 0;
  put(item: Item<T>): this { this.items[item.id] = item; this.count += 1; return this; }
  get(id: number): T | undefined { return this.items[id]?.value; }
  get size(): number { return this.count; }
}
export const store = new Store<string>().put({ id: 1, value: 'one', kind: Kind.B });
export const bad: number = 'not a number';
`;

const out = ts.transpileModule(SOURCE, {
  compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 },
  fileName: FILE,
});
console.log(`typescript ${ts.version}: emitted ${out.outputText.split('\n').length} lines`);

const sf = ts.createSourceFile(FILE, SOURCE, ts.ScriptTarget.ES2020, true);
const counts = new Map();
(function walk(node) {
  const kind = ts.SyntaxKind[node.kind];
  counts.set(kind, (counts.get(kind) || 0) + 1);
  ts.forEachChild(node, walk);
})(sf);
const top = [...counts.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).slice(0, 5);
console.log('top node kinds:', top.map(([k, n]) => `${k}=${n}`).join(' '));

if (process.argv.includes('--check')) {
  const options = { noLib: true, target: ts.ScriptTarget.ES2020, strict: true, types: [] };
  const host = ts.createCompilerHost(options);
  const readReal = host.getSourceFile;
  host.getSourceFile = (name, lang) => (name === FILE ? sf : readReal.call(host, name, lang));
  host.fileExists = (name) => name === FILE;
  host.readFile = (name) => (name === FILE ? SOURCE : undefined);
  const program = ts.createProgram([FILE], options, host);
  const diags = program.getSemanticDiagnostics(sf);
  for (const d of diags) {
    console.log(`TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
  }
  console.log(`semantic diagnostics: ${diags.length}`);
}
