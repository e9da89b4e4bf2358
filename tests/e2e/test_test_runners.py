"""A test runner started from the blob (what mocha, tape and proxyquire do, in a few lines): test files found
from process.argv and required after startup, a module loaded again with stubs through a swapped
require.cache and a `require.extensions` handler (proxyquire's way, in strict code), `delete require.cache`
and re-require, failures printed with their stacks, `process.exitCode`. Runs as plainly, also after a test
file is changed or added once the blob is built."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.e2e.tiny import run

from v8snap.bake.app import build_app
from v8snap.bake.meta import SnapshotMeta
from v8snap.config import SnapshotConfig

RUNNER = """'use strict';
const fs = require('fs');
const path = require('path');
const tests = [];
global.it = (name, fn) => tests.push({ name, fn });
const dir = path.resolve(process.argv[2] || 'test');
for (const f of fs.readdirSync(dir).sort()) require(path.join(dir, f));
let failed = 0;
for (const t of tests) {
  try { t.fn(); console.log('ok', t.name); }
  catch (e) {
    failed++;
    console.log('not ok', t.name);
    console.log(e.stack.split('\\n').slice(0, 3).join('\\n'));
  }
}
process.exitCode = failed;
"""

# proxyquire's idiom: swap the whole module cache and hook the .js handler while loading a module with stubs
MOCK = """'use strict';
const Module = require('module');
exports.fresh = function (parent, request, stubs) {
  const saved = require.cache;
  require.cache = Module._cache = {};
  const js = require.extensions['.js'];
  require.extensions['.js'] = function (mod, filename) {
    const own = mod.require;
    mod.require = (r) => (Object.prototype.hasOwnProperty.call(stubs, r) ? stubs[r] : own.call(mod, r));
    return js(mod, filename);
  };
  try { return parent.require(request); }
  finally { require.cache = Module._cache = saved; require.extensions['.js'] = js; }
};
"""

FILES = {
    "runner.js": RUNNER,
    "mock.js": MOCK,
    "lib/counter.js": "let n = 0;\nexports.next = () => ++n;\nexports.dep = require('./dep');\n",
    "lib/dep.js": "module.exports = { name: 'real' };\n",
    "test/a.js": """const assert = require('assert');
const counter = require('../lib/counter');
const mock = require('../mock');
it('counts', () => assert.strictEqual(counter.next(), 1));
it('stubs a dependency', () => {
  const fresh = mock.fresh(module, '../lib/counter', { './dep': { name: 'stub' } });
  assert.notStrictEqual(fresh, counter);
  assert.deepStrictEqual([fresh.dep.name, fresh.next(), counter.dep.name], ['stub', 1, 'real']);
  assert.strictEqual(require('../lib/counter'), counter);
});
it('re-requires after delete', () => {
  delete require.cache[require.resolve('../lib/counter')];
  const again = require('../lib/counter');
  assert.notStrictEqual(again, counter);
  assert.strictEqual(again.next(), 1);
});
""",
}


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    app = tmp_path_factory.mktemp("runners") / "suite"
    for name, text in FILES.items():
        (app / name).parent.mkdir(parents=True, exist_ok=True)
        (app / name).write_text(text)
    (app / "package.json").write_text(json.dumps({"name": "suite", "version": "1.0.0", "main": "runner.js"}))
    lock = {"name": "suite", "lockfileVersion": 3, "packages": {}}
    (app / "package-lock.json").write_text(json.dumps(lock))
    build_app(SnapshotConfig(app, trace_args=(("test",),)))
    return app


def _both(node: Path, app: Path) -> tuple[tuple[int, str, str], tuple[int, str, str]]:
    plain = run([str(node), "runner.js", "test"], app)
    got = run([str(app / ".v8snap" / "bin" / "suite"), "test"], app)
    return (plain.returncode, plain.stdout, plain.stderr), (got.returncode, got.stdout, got.stderr)


def test_runner_idioms_run_from_the_blob_as_plainly(suite: Path, node: Path) -> None:
    modules = SnapshotMeta.read(suite / ".v8snap" / "snapshot-meta.json").modules
    # mock.js assigns require.cache in strict code: it stays in the blob (it was an OUTPUT_MISMATCH heal)
    assert str(modules["./mock.js"].verdict) == "healthy", modules["./mock.js"].reason
    plain, got = _both(node, suite)
    assert plain[0] == 0 and plain[1].count("ok ") == 3, plain
    assert got == plain


def test_a_changed_and_an_added_failing_test_file_are_seen(suite: Path, node: Path) -> None:
    a = suite / "test" / "a.js"
    original = a.read_text()
    try:
        a.write_text(original.replace("counter.next(), 1)", "counter.next(), 7)"))
        (suite / "test" / "b.js").write_text("it('throws', () => { throw new TypeError('planted'); });\n")
        plain, got = _both(node, suite)
        assert plain[0] == 2 and "TypeError: planted" in plain[1] and "b.js:1:" in plain[1], plain
        assert got[:2] == plain[:2]
    finally:
        a.write_text(original)
        (suite / "test" / "b.js").unlink(missing_ok=True)
