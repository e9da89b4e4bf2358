// @ts-check
'use strict';
// Convert ES modules to registry definitions (v8snap.esm.convert), and list the named exports node gives a
// CommonJS module imported from ESM.
// stdin:  {esbuild: dir, lexer: dir, items: [{filename, source}], cjs: [filename], cjsSources?: {filename: text}}
//         (cjsSources: CommonJS modules held in memory, the embedding API's; lexed as they are)
// stdout: {results: [{code, specs, locals, stars, reexports} | {refuse: {code, detail}}],
//          cjsNames: {filename: [name]}, builtinNames: {'node:x': keys of each built-in the modules import}
//          (prelude/esm-interop.js: builtinNamespace, builtinModule)
//
// Syntax is esbuild's (format "cjs"); the semantics come from js/prelude/esm-registry.js, which the output calls:
//   - esbuild's interop helpers __toESM / __toCommonJS / __reExport are bound to the registry's, so an
//     import yields node's namespace (a CommonJS module: default = module.exports plus the lexer's names);
//   - free `require`, `module`, `exports`, `__filename`, `__dirname` (not defined in an ES module) stay
//     unbound; `import.meta` is the registry's per-module object;
//   - `specs` are the static import specifiers in evaluation order (esbuild hoists them as node does);
//     `locals` the names the module exports itself, `stars` the specifiers of its `export * from`,
//     `reexports` name -> [spec, imported name] for `export { x } from`; `bound` the specifiers imported
//     only for bindings the module reads or re-exports (every `require(spec)` is `var v = require(spec)`
//     with v referenced, or `export * from`): an importer may get a lazy namespace of such a module
//     (prelude/esm-lazy.js); a bare `import 'x'` (or an import whose bindings are never read) is imported
//     for its effects and stays eager.
const path = require('path');
const { layout } = require('./layout.js');
const { cjsNames, onDisk, memoryHost } = require('./cjs-names.js');

const UNBOUND = ['require', 'module', 'exports', '__filename', '__dirname'];
/** @type {Record<string, string>} */
const define = { 'import.meta': '__v8snap_m.meta' };
for (const name of UNBOUND) define[name] = '__v8snap_unbound_' + name;
const HELPERS = ['__toESM', '__toCommonJS', '__reExport'];
// esbuild's output is whitespace-minified (js/esm/layout.js lays it out again), so these match its
// compact forms: `var __toESM=`, `__export(m_exports,{a:()=>a,"b-c":()=>import_x.y})`, ...
const STR = '"(?:[^"\\\\\\n]|\\\\.)*"';
// not a method call (lodash-es's `freeModule.require('util')` is no import)
const REQUIRE_CALL = new RegExp(`(?<![.\\w$])require\\((${STR})\\)`, 'g');
const EXPORT_BLOCK = /(?:^|[;\n])__export\([\w$]+,\{([^]*?)\}\);/;
const EXPORT_ENTRY = new RegExp(`(?:^|,)(${STR}|[\\w$]+):\\(\\)=>([\\w$]+)(?:\\.([\\w$]+)|\\[(${STR})\\])?(?=,|$)`, 'g');
const IMPORT_VAR = new RegExp(`(?:^|[;\\n])var ([\\w$]+)=(?:__toESM\\()?require\\((${STR})\\)`, 'g');
const STAR = new RegExp(`__reExport\\([\\w$]+,require\\((${STR})\\)`, 'g');

/**
 * @param {any} esbuild
 * @param {{filename: string, source: string}} item
 * @returns {{code: string, specs: string[], locals: string[], stars: string[], reexports: Record<string, [string, string]>, bound: string[]}
 *   | {refuse: {code: string, detail: string}}}
 */
function convert(esbuild, item) {
  let out;
  try {
    out = esbuild.transformSync(item.source, {
      format: 'cjs', loader: 'js', sourcefile: item.filename, target: 'node22', platform: 'node', define,
      logLevel: 'silent', charset: 'utf8', legalComments: 'none', minifyWhitespace: true, sourcemap: 'external',
      keepNames: true, // `export default function () {}` is named 'default', as node names it
    });
  } catch (err) {
    const first = (err.errors && err.errors[0]) || {};
    const text = String(first.text || err.message);
    const loc = first.location ? ` (line ${first.location.line})` : '';
    const code = /top-level await/i.test(text) ? 'TOP_LEVEL_AWAIT' : 'ESM_UNCONVERTIBLE';
    return { refuse: { code, detail: text + loc } };
  }
  const min = out.code; // parsed below (esbuild's compact forms); `code` is laid out on the original lines
  let code = layout(min, JSON.parse(out.map).mappings);
  // A hashbang (kept by esbuild on line 1) becomes a comment: the definition's head shares line 1.
  if (code.startsWith('#!')) code = '//' + code.slice(2);
  for (const name of HELPERS) {
    if (!code.includes(name)) continue;
    const decl = new RegExp(`(^|[;\\n])var ${name}=`);
    if (!decl.test(code)) return { refuse: { code: 'ESM_UNCONVERTIBLE', detail: `esbuild helper ${name} not found` } };
    // Keep esbuild's definition (other helpers may read it) under another name; ours is used.
    code = code.replace(decl, `$1var ${name}=__v8snap_m.${name.slice(2)},__v8snap_esbuild${name}=`);
  }
  /** @type {string[]} */
  const specs = [];
  for (const m of min.matchAll(REQUIRE_CALL)) {
    const spec = JSON.parse(m[1]);
    if (!specs.includes(spec)) specs.push(spec);
  }
  /** @type {Record<string, string>} */
  const importVars = {};
  for (const m of min.matchAll(IMPORT_VAR)) importVars[m[1]] = JSON.parse(m[2]);
  const bound = boundSpecs(min, specs, importVars);
  const locals = [];
  /** @type {Record<string, [string, string]>} */
  const reexports = {};
  const block = min.match(EXPORT_BLOCK);
  if (block) {
    let seen = 0;
    for (const m of block[1].matchAll(EXPORT_ENTRY)) {
      const name = m[1].startsWith('"') ? JSON.parse(m[1]) : m[1];
      locals.push(name);
      seen += m[0].length;
      // `export { x as y } from './m.js'`: y is m's binding x (the same binding for export * conflicts).
      if ((m[3] || m[4]) && importVars[m[2]] !== undefined) reexports[name] = [importVars[m[2]], m[3] || JSON.parse(m[4])];
    }
    if (seen !== block[1].length) return { refuse: { code: 'ESM_UNCONVERTIBLE', detail: 'export list not understood' } };
  }
  const stars = [...min.matchAll(STAR)].map((m) => JSON.parse(m[1]));
  return { code, specs, locals, stars, reexports, bound };
}

/**
 * Specifiers whose every `require(spec)` in esbuild's output is an import variable that the code reads, or
 * an `export *`.
 * @param {string} min esbuild's output @param {string[]} specs @param {Record<string, string>} importVars
 */
function boundSpecs(min, specs, importVars) {
  /** @type {Record<string, number>} */
  const calls = {};
  for (const m of min.matchAll(REQUIRE_CALL)) calls[JSON.parse(m[1])] = (calls[JSON.parse(m[1])] || 0) + 1;
  /** @type {Map<string, number>} identifier -> occurrences, not as a property name (one pass) */
  const refs = new Map();
  // string literals out first: `import * as ns from './ns.js'` names its variable after the path
  for (const m of min.replace(new RegExp(STR, 'g'), '""').matchAll(/(?<![\w$.])[A-Za-z_$][\w$]*/g)) {
    if (Object.prototype.hasOwnProperty.call(importVars, m[0])) refs.set(m[0], (refs.get(m[0]) || 0) + 1);
  }
  /** @type {Record<string, number>} */
  const used = {};
  for (const [name, spec] of Object.entries(importVars)) {
    if ((refs.get(name) || 0) > 1) used[spec] = (used[spec] || 0) + 1;
  }
  for (const m of min.matchAll(STAR)) used[JSON.parse(m[1])] = (used[JSON.parse(m[1])] || 0) + 1;
  return specs.filter((s) => used[s] !== undefined && used[s] === calls[s]);
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', () => {
  const req = JSON.parse(input);
  const esbuild = require(path.join(req.esbuild, 'node_modules', 'esbuild'));
  const lexer = require(path.join(req.lexer, 'node_modules', 'cjs-module-lexer', 'lexer.js'));
  const results = req.items.map((/** @type {{filename: string, source: string}} */ item) => convert(esbuild, item));
  /** @type {Record<string, string[]>} */
  const names = {};
  for (const f of req.cjs) names[f] = cjsNames(lexer, f, new Set(), onDisk);
  const inMemory = memoryHost(req.cjsSources || {});
  for (const f of Object.keys(req.cjsSources || {})) names[f] = cjsNames(lexer, f, new Set(), inMemory);
  const { isBuiltin } = require('module');
  /** @type {Record<string, string[]>} */
  const builtinNames = {};
  for (const spec of results.flatMap((/** @type {any} */ r) => r.specs || [])) {
    const id = 'node:' + spec.replace(/^node:/, '');
    if (isBuiltin(spec) && !(id in builtinNames)) builtinNames[id] = Object.keys(require(id));
  }
  process.stdout.write(JSON.stringify({ results, cjsNames: names, builtinNames }));
});
