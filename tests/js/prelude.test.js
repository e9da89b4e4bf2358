// Unit tests of the snapshot prelude (src/v8snap/js/prelude/), run with node's test runner (`node --test tests/js`).
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

// The part's files joined as the Python side joins them (v8snap.node.helpers.js_part).
const PRELUDE = path.join(__dirname, '../../src/v8snap/js/prelude');
const src = fs.readdirSync(PRELUDE).filter((f) => f.endsWith('.js')).sort()
  .map((f) => fs.readFileSync(path.join(PRELUDE, f), 'utf8')).join('\n');
const makeState = vm.runInThisContext(`(function (require) { ${src}\n return __v8snap_makeState; })`)(require);

const ROOT = '/app';
function state(defs, { order = Object.keys(defs), map = {}, verdicts = { fs: 'ok', path: 'ok', http: 'crashes', tty: 'warns' }, allow = [], assume = false } = {}) {
  const s = makeState({ root: ROOT, entry: './index.js', order, deferred: [], map, builtinVerdicts: verdicts, allow, assume }, defs);
  s.installGuards();
  return s;
}
function run(s) {
  try {
    s.initAll(null);
  } finally {
    for (const r of s.restore.reverse()) r();
  }
  return s.violations.map((v) => `${v.key} ${v.code} ${v.detail}`);
}

test('a clean module initializes and records no violation', () => {
  const s = state({ './a.js': function (exports) { exports.x = 1; } });
  assert.deepStrictEqual(run(s), []);
  assert.strictEqual(s.records['./a.js'].exports.x, 1);
});

test('env, argv, cwd, clock, random and timers at load are violations', () => {
  const cases = {
    './env.js': [function () { return process.env.HOME; }, 'ENV_READ HOME'],
    './argv.js': [function () { return process.argv; }, 'ARGV_READ process.argv'],
    './cwd.js': [function () { return process.cwd(); }, 'CWD_READ process.cwd()'],
    './now.js': [function () { return Date.now(); }, 'TIME_READ Date.now()'],
    './date.js': [function () { return new Date(); }, 'TIME_READ new Date()'],
    './rnd.js': [function () { return Math.random(); }, 'RANDOM_READ Math.random()'],
    './tmr.js': [function () { setTimeout(() => {}, 1); }, 'TIMER_AT_INIT setTimeout()'],
    './log.js': [function () { console.log('hi'); }, 'STDIO_WRITE console.log()'],
    './exit.js': [function () { process.exit(0); }, 'EXIT_CALLED process.exit()'],
    './fsout.js': [function (e, m, r) { r('fs').readFileSync('/etc/hostname'); }, 'FS_OUTSIDE_APP fs.readFileSync(/etc/hostname)'],
  };
  for (const [key, [fn, expected]] of Object.entries(cases)) {
    const s = state({ [key]: fn }, { map: { '.\u0000fs': 'node:fs' } });
    assert.deepStrictEqual(run(s), [`${key} ${expected}`], key);
  }
});

test('a file inside the app read through its descriptor is fine; another descriptor is not', () => {
  // readFileSync without an encoding reads through fs.openSync, fs.readSync and fs.closeSync
  const root = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'v8snap-fd-'));
  const file = path.join(root, 'data.json');
  fs.writeFileSync(file, '{"a":1}');
  const defs = {
    './buf.js': function (e, m, r) { e.v = JSON.parse(r('fs').readFileSync(file)).a; },
    './fd.js': function (e, m, r) {
      const f = r('fs'); const fd = f.openSync(file); const b = Buffer.alloc(2); f.readSync(fd, b); f.closeSync(fd); e.v = String(b);
    },
    './stdin.js': function (e, m, r) { r('fs').fstatSync(0); },
  };
  const config = { root, entry: './index.js', order: Object.keys(defs), deferred: [], map: { '.\u0000fs': 'node:fs' },
    builtinVerdicts: { fs: 'ok', path: 'ok' }, allow: [], assume: false };
  const s = makeState(config, defs);
  s.installGuards();
  assert.deepStrictEqual(run(s), ['./stdin.js FS_OUTSIDE_APP fs.fstatSync() at load time']);
  assert.deepStrictEqual([s.records['./buf.js'].exports.v, s.records['./fd.js'].exports.v], [1, '{"']);
  fs.rmSync(root, { recursive: true });
});

test('a fixed date and a captured reference are fine', () => {
  const s = state({ './ok.js': function (exports) { exports.d = new Date(0).getTime(); exports.now = Date.now; } });
  assert.deepStrictEqual(run(s), []);
  assert.strictEqual(typeof s.records['./ok.js'].exports.now(), 'number'); // transparent once built
});

test('a violation caught by the module is still recorded', () => {
  const s = state({ './c.js': function (exports) { try { exports.home = process.env.HOME; } catch { exports.home = null; } } });
  assert.deepStrictEqual(run(s), ['./c.js ENV_READ HOME']);
});

test('parents on the init stack depend on the deferred module', () => {
  const defs = {
    './leaf.js': function (exports) { exports.v = process.env.X; },
    './mid.js': function (exports, module, require) { exports.leaf = require('./leaf'); },
    './top.js': function (exports, module, require) { exports.mid = require('./mid'); },
  };
  const map = { '.\u0000./leaf': './leaf.js', '.\u0000./mid': './mid.js' };
  const s = state(defs, { order: ['./top.js', './mid.js', './leaf.js'], map });
  assert.deepStrictEqual(run(s), [
    './leaf.js ENV_READ X',
    './mid.js DEPENDS_ON_DEFERRED ./leaf.js',
    './top.js DEPENDS_ON_DEFERRED ./leaf.js',
  ]);
});

test('unsupported and crashing built-ins are violations; supported ones load', () => {
  const map = { '.\u0000http': 'node:http', '.\u0000repl': 'node:repl', '.\u0000path': 'node:path' };
  const verdicts = { path: 'ok', http: 'crashes', repl: 'warns' };
  const s = state({
    './h.js': function (e, m, r) { r('http'); },
    './r.js': function (e, m, r) { r('repl'); },
    './p.js': function (e, m, r) { e.sep = r('path').sep; },
  }, { map, verdicts });
  assert.deepStrictEqual(run(s), ['./h.js BUILTIN_CRASHES http', './r.js BUILTIN_UNSUPPORTED repl']);
});

test('scoped allowances accept a hazard only where they apply', () => {
  const defs = {
    './node_modules/lodash/lodash.js': function (exports) { exports.t = Date.now(); },
    './other.js': function (exports) { exports.t = Date.now(); },
  };
  const s = state(defs, { allow: ['TIME_READ:Date.now()@/node_modules/lodash/'] });
  assert.deepStrictEqual(run(s), ['./other.js TIME_READ Date.now()']);
});

test('circular requires see partial exports as in node', () => {
  const defs = {
    './a.js': function (exports, module, require) { exports.name = 'a'; exports.b = require('./b'); exports.done = true; },
    './b.js': function (exports, module, require) { const a = require('./a'); exports.sawADone = a.done === true; },
  };
  const map = { '.\u0000./a': './a.js', '.\u0000./b': './b.js' };
  const s = state(defs, { map });
  assert.deepStrictEqual(run(s), []);
  assert.strictEqual(s.records['./b.js'].exports.sawADone, false);
  assert.deepStrictEqual(s.childKeys['./a.js'], ['./b.js']);
});

test('guards are removed after the build and monkey patches survive', () => {
  const realRead = fs.readFileSync;
  const s = state({ './patch.js': function (e, m, r) { const f = r('fs'); const orig = f.readFileSync; f.readFileSync = function (...a) { return orig.apply(this, a); }; f.readFileSync.__patched = true; } },
    { map: { '.\u0000fs': 'node:fs' } });
  assert.deepStrictEqual(run(s), []);
  assert.strictEqual(fs.readFileSync.__patched, true);
  fs.readFileSync = realRead;
  assert.strictEqual(typeof process.env.PATH, 'string');
});

test('with assumptions, env/argv/cwd reads are recorded instead of violating', () => {
  process.env.V8SNAP_TEST_VAR = 'one';
  const defs = {
    './e.js': function (exports) { exports.v = process.env.V8SNAP_TEST_VAR; exports.missing = 'NOPE_X' in process.env; },
    './a.js': function (exports) { exports.args = process.argv.slice(2); exports.cwd = process.cwd(); },
    './k.js': function (exports) { exports.keys = Object.keys(process.env).length; },
  };
  const s = state(defs, { assume: true });
  assert.deepStrictEqual(run(s), []); // listing the environment's names is an assumption on the set
  assert.deepStrictEqual(s.assumptions['./k.js'].map((a) => a[0]), ['envNames']);
  assert.deepStrictEqual(s.assumptions['./e.js'], [['env', 'V8SNAP_TEST_VAR', 'one'], ['env', 'NOPE_X', null]]);
  assert.deepStrictEqual(s.records['./a.js'].exports.args, []); // what a plain run without arguments sees
  assert.deepStrictEqual(s.assumptions['./a.js'].map((a) => a[0]), ['argv', 'cwd']);
  assert.deepStrictEqual(s.assumptions['./a.js'][0][2], [process.execPath, '/app/index.js']);
  delete process.env.V8SNAP_TEST_VAR;
});

test('reading the terminal and console.createTask at load are violations', () => {
  const cases = {
    './tty.js': [function () { return process.stdout.isTTY; }, 'TTY_READ process.stdout'],
    './cols.js': [function () { return process.stderr.columns; }, 'TTY_READ process.stderr'],
    './stdin.js': [function () { return process.stdin.isTTY; }, 'TTY_READ process.stdin'],
    './task.js': [function () { return console.createTask('ui'); }, 'BUILTIN_CRASHES console.createTask()'],
  };
  for (const [key, [fn, expected]] of Object.entries(cases)) {
    assert.deepStrictEqual(run(state({ [key]: fn })), [`${key} ${expected}`], key);
  }
  // transparent once built: the real stream, the real createTask
  assert.strictEqual(typeof process.stdout.write, 'function');
  assert.strictEqual(typeof console.createTask, 'function');
});

test('with assumptions, terminal facts are recorded; using a stream or making a tty stream is not', () => {
  const realTty = require('node:tty');
  const realIsatty = realTty.isatty;
  const map = { '.\u0000tty': 'node:tty' };
  const defs = {
    './t.js': function (e, m, r) {
      const tty = r('tty');
      e.v = [process.stdout.isTTY, process.stderr.columns, tty.isatty(1), tty.isatty('1'), 'isTTY' in process.stdout];
      e.kept = process.stdout;
      e.tty = tty;
      e.isatty = tty.isatty;
    },
    './w.js': function () { process.stdout.write(''); },
    './on.js': function () { process.stderr.on('resize', () => {}); },
    './keys.js': function () { return Object.keys(process.stdout); },
    './in.js': function () { return process.stdin.isTTY; },
    './ws.js': function (e, m, r) { return new (r('tty').WriteStream)(1); },
    './gb.js': function (e) { e.t = process.getBuiltinModule('node:tty').isatty(2); },
    './gh.js': function () { return process.getBuiltinModule('http'); },
  };
  const s = state(defs, { assume: true, map });
  assert.deepStrictEqual(run(s), ['./w.js TTY_READ process.stdout.write', './on.js TTY_READ process.stderr.on',
    './keys.js TTY_READ process.stdout (keys)', './in.js TTY_READ process.stdin', './ws.js TTY_READ new tty.WriteStream()',
    './gh.js BUILTIN_CRASHES http']);
  assert.deepStrictEqual(s.assumptions['./gb.js'], [['tty', 'isatty:2', realTty.isatty(2)]]);
  const term = (fd) => (realTty.isatty(fd) ? true : null);
  assert.deepStrictEqual(s.assumptions['./t.js'], [['tty', 'stdout.isTTY', term(1)],
    ['tty', 'stderr.columns', realTty.isatty(2) ? process.stderr.columns : null], ['tty', 'isatty:1', realTty.isatty(1)]]);
  // after the build: node's own tty module and isatty; a kept stream forwards to node's live stream
  const { kept, tty, isatty } = s.records['./t.js'].exports;
  assert.strictEqual(tty, realTty);
  assert.strictEqual(tty.isatty, realIsatty);
  assert.strictEqual(isatty(1), realTty.isatty(1));
  assert.strictEqual(kept.fd, 1);
  assert.strictEqual(kept.write, kept.write);
  assert.strictEqual(Object.getPrototypeOf(kept), Object.getPrototypeOf(process.stdout));
  assert.strictEqual(kept.isTTY, process.stdout.isTTY);
  assert.strictEqual(kept.writableLength, process.stdout.writableLength);
  // with assumptions off, each fact is a violation
  const off = state({ './t.js': defs['./t.js'] }, { map });
  assert.deepStrictEqual(run(off), ['./t.js TTY_READ process.stdout']);
});

test("what node's builder lacks or cannot survive is a violation where the verifier's realm has it", () => {
  const builderGlobals = { missing: ['WebAssembly', 'SharedArrayBuffer', 'Promise.try'], lazy: { Response: 'touch', Blob: 'use' } };
  const cases = {
    './wasm.js': [function () { return typeof WebAssembly; }, 'GLOBAL_MISSING WebAssembly'],
    './sab.js': [function () { return SharedArrayBuffer.prototype; }, 'GLOBAL_MISSING SharedArrayBuffer.prototype'],
    './try.js': [function () { return Promise.try; }, 'GLOBAL_MISSING Promise.try'],
    './resp.js': [function () { return typeof Response; }, 'BUILTIN_CRASHES globalThis.Response'],
    './blob.js': [function () { return new Blob(['x']); }, 'BUILTIN_CRASHES new Blob()'],
    './blobref.js': [function (exports) { exports.B = Blob; }, ''],
  };
  for (const [key, [fn, expected]] of Object.entries(cases)) {
    const s = makeState({ root: ROOT, entry: './index.js', order: [key], deferred: [], map: {}, builtinVerdicts: {}, allow: [], builderGlobals }, { [key]: fn });
    s.installGuards();
    assert.deepStrictEqual(run(s), expected ? [`${key} ${expected}`] : [], key);
  }
  // restored: this realm's own values again
  assert.strictEqual(typeof WebAssembly.compile, 'function');
  assert.strictEqual(typeof Promise.try, 'function');
  assert.ok(new Blob(['x']) instanceof Blob);
});
