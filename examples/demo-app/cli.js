#!/usr/bin/env node
'use strict';
// v8snap demo CLI: loads typescript, yargs and express (a real startup cost: ~10 MB of JS),
// then transpiles a TypeScript snippet and describes an express router without listening.
//
//   v8snap-demo                         transpile the default snippet
//   v8snap-demo "let x: number = 1"     transpile the given snippet
//   v8snap-demo --target es5 --routes   pick a target; also print the router
//   v8snap-demo --time                  print the time spent since the process started (not deterministic)
const yargs = require('yargs/yargs');
const { hideBin } = require('yargs/helpers');
const ts = require('typescript');
const express = require('express');

const DEFAULT_SNIPPET = [
  'enum Level { Low = 1, High = 10 }',
  'class Greeter<T> {',
  '  constructor(private readonly who: T) {}',
  '  greet(level: Level = Level.Low): string { return `hello ${String(this.who)} x${level}`; }',
  '}',
  'export const message: string = new Greeter<string>("snapshot").greet(Level.High);',
].join('\n');

const TARGETS = { es5: ts.ScriptTarget.ES5, es2015: ts.ScriptTarget.ES2015, es2022: ts.ScriptTarget.ES2022 };

function buildRouter() {
  const router = express.Router();
  router.get('/transpile', (req, res) => res.json({}));
  router.post('/transpile', (req, res) => res.status(201).end());
  router.get('/version', (req, res) => res.json({ typescript: ts.version }));
  const app = express();
  app.use(express.json());
  app.use('/api', router);
  return { app, router };
}

function main(argv) {
  const args = yargs(argv)
    .scriptName('v8snap-demo')
    .locale('en')
    .usage('$0 [snippet]', 'transpile a TypeScript snippet', (y) =>
      y.positional('snippet', { type: 'string', describe: 'TypeScript source (default: a built-in example)' }))
    .option('target', { choices: Object.keys(TARGETS), default: 'es2015', describe: 'output language level' })
    .option('routes', { type: 'boolean', default: false, describe: 'print the express routes' })
    .option('run', { type: 'boolean', default: true, describe: 'evaluate the output and print `message`' })
    .option('time', { type: 'boolean', default: false, describe: 'print ms since process start' })
    .strict()
    .parseSync();

  const source = args.snippet === undefined ? DEFAULT_SNIPPET : String(args.snippet);
  const out = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: TARGETS[args.target] },
    fileName: 'snippet.ts',
    reportDiagnostics: true,
  });
  console.log(`// typescript ${ts.version}, target ${args.target}`);
  console.log(out.outputText.trimEnd());
  for (const d of out.diagnostics) {
    console.log(`// TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
  }
  if (args.run && out.diagnostics.length === 0) {
    const mod = { exports: {} };
    new Function('exports', 'module', 'require', out.outputText)(mod.exports, mod, require);
    if ('message' in mod.exports) console.log(`// message: ${mod.exports.message}`);
  }
  const { router } = buildRouter();
  if (args.routes) {
    for (const layer of router.stack) {
      const methods = Object.keys(layer.route.methods).map((m) => m.toUpperCase()).sort();
      console.log(`// route ${methods.join(',')} /api${layer.route.path}`);
    }
  } else {
    console.log(`// routes: ${router.stack.length}`);
  }
  if (args.time) {
    console.log(`// ready after ${Math.round(performance.now())} ms`);
  }
  return out.diagnostics.length === 0 ? 0 : 1;
}

if (require.main === module) {
  process.exitCode = main(hideBin(process.argv));
}

module.exports = { main, DEFAULT_SNIPPET };
