"""A test runner started from the blob (what mocha, tape and proxyquire do, in a few lines): test files found
from process.argv and required after startup, a module loaded again with stubs through a swapped
require.cache and a `require.extensions` handler (proxyquire's way, in strict code), `delete require.cache`
and re-require, failures printed with their stacks, `process.exitCode`. Runs as plainly, also after a test
file is changed or added once the blob is built: an edited module that was not initialized at build time is
loaded from disk, the rest still from the blob (js/loader/freshness.js)."""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterator
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
const { load } = require('./lib/load'); // as tape's import-or-require.js: a module in the blob requires them
for (const f of fs.readdirSync(dir).sort()) load(path.join(dir, f));
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
    "lib/load.js": "exports.load = (file) => require(file);\n",
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
    "test/c.js": """it('sees a file edited during the run', () => {
  if (!process.env.EDIT_DURING_RUN) return;
  const f = require.resolve('../lib/dep');
  require('fs').writeFileSync(f, "module.exports = { name: 'edited during the run' };\\n");
  delete require.cache[f]; // what a watcher does (mocha --watch) before it runs the tests again
  console.log('dep is', require('../lib/dep').name);
});
""",
}


@contextlib.contextmanager
def _restored(*paths: Path) -> Iterator[None]:
    """Put back the content and the mtime of ``paths`` (the stale check stats them: size, mtime, inode)."""
    saved = [(p, p.read_bytes(), p.stat()) for p in paths]
    try:
        yield
    finally:
        for p, data, st in saved:
            p.write_bytes(data)
            os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))


def _package(app: Path, name: str) -> None:
    (app / "package.json").write_text(json.dumps({"name": name, "version": "1.0.0", "main": "runner.js"}))
    (app / "package-lock.json").write_text(json.dumps({"name": name, "lockfileVersion": 3, "packages": {}}))


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    app = tmp_path_factory.mktemp("runners") / "suite"
    for name, text in FILES.items():
        (app / name).parent.mkdir(parents=True, exist_ok=True)
        (app / name).write_text(text)
    _package(app, "suite")
    build_app(SnapshotConfig(app, trace_args=(("test",),)))
    return app


def _both(node: Path, app: Path, stats: Path | None = None) -> tuple[tuple[int, str, str], ...]:
    plain = run([str(node), "runner.js", "test"], app)
    env = {"V8SNAP_STATS": str(stats)} if stats else None
    got = run([str(app / ".v8snap" / "bin" / "suite"), "test"], app, env)
    return (plain.returncode, plain.stdout, plain.stderr), (got.returncode, got.stdout, got.stderr)


def test_runner_idioms_run_from_the_blob_as_plainly(suite: Path, node: Path) -> None:
    modules = SnapshotMeta.read(suite / ".v8snap" / "snapshot-meta.json").modules
    # mock.js assigns require.cache in strict code: it stays in the blob (it was an OUTPUT_MISMATCH heal)
    assert str(modules["./mock.js"].verdict) == "healthy", modules["./mock.js"].reason
    assert str(modules["./test/a.js"].verdict) == "deferred"  # calls the runner's global `it` at load
    plain, got = _both(node, suite)
    assert plain[0] == 0 and plain[1].count("ok ") == 4, plain
    assert got == plain


def test_changed_and_added_test_files_load_from_disk_the_rest_from_the_blob(
    suite: Path, node: Path, tmp_path: Path
) -> None:
    a, lib = suite / "test" / "a.js", suite / "lib" / "dep.js"
    stats = tmp_path / "stats.json"
    with _restored(a, lib):
        # a deferred module edited (nothing of it is in the heap): node loads it from disk, no warning
        a.write_text(a.read_text().replace("counter.next(), 1)", "counter.next(), 7)"))
        (suite / "test" / "b.js").write_text("it('throws', () => { throw new TypeError('planted'); });\n")
        try:
            plain, got = _both(node, suite, stats)
        finally:
            (suite / "test" / "b.js").unlink()
        assert plain[0] == 2 and "TypeError: planted" in plain[1] and "b.js:1:" in plain[1], plain
        assert got == plain
        served = json.loads(stats.read_text())
        assert served["stale"] is None and served["onDisk"] == ["./test/a.js"], served
        # a healthy module edited (its build-time state is in the heap): a plain run, with a warning
        lib.write_text(lib.read_text().replace("real", "edited"))
        plain, got = _both(node, suite)
        assert plain[0] == 2 and got[:2] == plain[:2], (plain, got)
        assert "dep.js changed" in got[2]


def test_a_module_edited_during_the_run_and_required_again_is_read_from_disk(suite: Path, node: Path) -> None:
    lib, env = suite / "lib" / "dep.js", {"EDIT_DURING_RUN": "1"}
    with _restored(lib):
        plain = run([str(node), "runner.js", "test"], suite, env)
    with _restored(lib):
        got = run([str(suite / ".v8snap" / "bin" / "suite"), "test"], suite, env)
    assert "dep is edited during the run" in plain.stdout, plain.stdout
    assert (got.returncode, got.stdout, got.stderr) == (plain.returncode, plain.stdout, plain.stderr)


NODE_TEST_RUNNER = """const { run } = require('node:test');
const path = require('path');
const files = process.argv.slice(2).map((f) => path.resolve(f));
run({ files })
  .on('test:pass', (t) => console.log('pass', t.name))
  .on('test:fail', (t) => {
    process.exitCode = 1;
    console.log('fail', t.name, t.details.error.cause.message);
  });
"""


def test_node_test_run_starts_test_files_as_plain_node_would(tmp_path: Path, node: Path) -> None:
    # run() gives each test file's process the parent's own node options (--snapshot-blob included): that
    # child booted from the blob and ran runner.js again ("run() is being called recursively"), exit code 0
    app = tmp_path / "nodetest"
    (app / "test").mkdir(parents=True)
    (app / "runner.js").write_text(NODE_TEST_RUNNER)
    (app / "lib.js").write_text("exports.add = (a, b) => a + b;\n")
    (app / "test" / "a.test.js").write_text(
        "const test = require('node:test');\nconst assert = require('node:assert');\n"
        "test('adds', () => assert.strictEqual(require('../lib').add(1, 2), 3));\n"
        "test('fails', () => assert.strictEqual(require('../lib').add(1, 2), 4));\n"
    )
    _package(app, "nodetest")
    build_app(SnapshotConfig(app, trace_args=(("test/a.test.js",),)))
    plain = run([str(node), "runner.js", "test/a.test.js"], app)
    got = run([str(app / ".v8snap" / "bin" / "nodetest"), "test/a.test.js"], app)
    assert plain.returncode == 1 and "pass adds" in plain.stdout and "fail fails" in plain.stdout, plain
    assert (got.returncode, got.stdout, got.stderr) == (plain.returncode, plain.stdout, plain.stderr)


def test_an_error_thrown_while_a_new_test_file_loads_has_the_apps_frames(suite: Path, node: Path) -> None:
    # A file node loads from disk, required by a module in the blob: one frame more than a plain run (the
    # require hook), not two (a run-time helper of the lazy require stood between): node's 10 frames keep
    # one more of the app's.
    new = suite / "test" / "e.js"
    new.write_text("Error.stackTraceLimit = 50;\nthrow new Error('thrown at load');\n")
    try:
        plain = run([str(node), "runner.js", "test"], suite)
        got = run([str(suite / ".v8snap" / "bin" / "suite"), "test"], suite)
    finally:
        new.unlink()
    assert plain.returncode == got.returncode == 1 and "Error: thrown at load" in plain.stderr

    def depth(stderr: str) -> int:  # frames above the app's lib/load.js
        frames = re.findall(r"^    at (.*)$", stderr, re.M)
        return next(i for i, f in enumerate(frames) if "lib/load.js" in f)

    assert depth(got.stderr) == depth(plain.stderr) + 1, (plain.stderr, got.stderr)
