"""Issue #9, the build contract: a blob that behaves like the plain run, or one clear reason.

Each test builds a tiny app without dependencies that reproduces one class of failure seen on real apps.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.e2e.helpers import run_launcher, run_plain

from v8snap.bake.app import build_app
from v8snap.bake.meta import SnapshotMeta
from v8snap.config import SnapshotConfig
from v8snap.errors import SnapshotBuildError

pytestmark = pytest.mark.real


def _app(root: Path, files: dict[str, str], **pkg: object) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "package.json").write_text(json.dumps({"name": root.name, "main": "index.js", **pkg}))
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def _same(node: Path, app: Path, args: list[str]) -> None:
    plain, snap = run_plain(node, app, args), run_launcher(app, args)
    assert (snap.stdout, snap.stderr, snap.returncode) == (plain.stdout, plain.stderr, plain.returncode)


def _verdict(app: Path, key: str) -> tuple[str, str]:
    m = SnapshotMeta.read(app / ".v8snap" / "snapshot-meta.json").modules[key]
    return str(m.verdict), m.reason.code if m.reason else ""


def test_trace_args_starting_with_dashes_reach_the_app(tmp_path: Path, node: Path) -> None:
    app = _app(tmp_path / "dashes", {"index.js": "console.log(JSON.stringify(process.argv.slice(2)));\n"})
    build_app(SnapshotConfig(app, trace_args=(("--reporter", "dot", "test/"),)))
    _same(node, app, ["--reporter", "dot", "test/"])


def test_output_that_varies_between_runs_is_masked_not_a_mismatch(tmp_path: Path, node: Path) -> None:
    app = _app(
        tmp_path / "varies",
        {
            "lib.js": "exports.n = 2;\n",
            "index.js": "const t = process.hrtime.bigint();\n"
            "const ms = Number(process.hrtime.bigint() - t) % 97;\n"
            "console.log(`  ${require('./lib').n} passing in ${ms}ms`);\n"
            "console.log('id', Math.random().toString(36).slice(2, 8));\nconsole.log('done');\n",
        },
    )
    report = build_app(SnapshotConfig(app))
    assert report.acceptance.healed == []
    masked = " ".join(report.acceptance.masked)
    assert "passing in …ms" in masked, report.acceptance.masked
    assert _verdict(app, "./lib.js")[0] == "healthy"


def test_builder_exception_defers_the_module_named_in_the_stack(tmp_path: Path, node: Path) -> None:
    # Passes the verifier, throws only inside node's builder (as prettier's import() and undici's
    # WebAssembly did): the builder's stack names the file; acceptance defers it and says why.
    app = _app(
        tmp_path / "throws",
        {
            "picky.js": "if (require('v8').startupSnapshot.isBuildingSnapshot()) "
            "throw new Error('Not supported here');\nexports.ok = 'picky ok';\n",
            "async.js": "async function init() { if (require('v8').startupSnapshot.isBuildingSnapshot()) "
            "throw new ReferenceError('Wasm is not defined'); }\ninit();\nexports.ok = 'async ok';\n",
            "fine.js": "exports.ok = 'fine';\n",
            "index.js": "console.log(require('./picky').ok, require('./async').ok, require('./fine').ok);\n",
        },
    )
    report = build_app(SnapshotConfig(app))
    assert _verdict(app, "./picky.js") == ("deferred", "BUILDER_ERROR")
    assert _verdict(app, "./async.js") == ("deferred", "BUILDER_ERROR")
    assert _verdict(app, "./fine.js") == ("healthy", "")
    assert any("Not supported here" in h for h in report.acceptance.healed), report.acceptance.healed
    _same(node, app, [])


def test_dynamic_import_from_blob_code_works_at_run_time(tmp_path: Path, node: Path) -> None:
    app = _app(
        tmp_path / "dynimport",
        {
            "esm/x.mjs": "export const v = 42; export const where = import.meta.url.slice(-10);\n",
            "lazy.js": "exports.load = () => import('./esm/x.mjs');\n",
            "eager.js": "exports.p = import('./esm/x.mjs');\n",
            "index.js": "require('./lazy').load().then((m) => console.log('lazy', m.v, m.where))\n"
            "  .then(() => require('./eager').p).then((m) => console.log('eager', m.v));\n",
        },
    )
    build_app(SnapshotConfig(app))
    assert _verdict(app, "./lazy.js") == ("healthy", "")
    # import() at load of an ES module of the registry is served from it (issue 11)
    assert _verdict(app, "./eager.js") == ("healthy", "")
    _same(node, app, [])
    assert run_launcher(app, []).stdout == "lazy 42 /esm/x.mjs\neager 42\n"


def test_failed_build_leaves_the_previous_blob_and_meta_in_use(tmp_path: Path, node: Path) -> None:
    app = _app(
        tmp_path / "keep", {"lib.js": "exports.x = 1;\n", "index.js": "console.log(require('./lib').x);\n"}
    )
    build_app(SnapshotConfig(app))
    out = app / ".v8snap"
    before = {p.name: p.read_bytes() for p in (out / "snapshot.blob", out / "snapshot-meta.json")}
    # Output that only the blob's process can differ in, whatever is healthy: the tool's own fault class.
    (app / "index.js").write_text("console.log(require('./lib').x, typeof globalThis.__v8snap_import);\n")
    with pytest.raises(SnapshotBuildError) as info:
        build_app(SnapshotConfig(app))
    assert "please report" in info.value.hint and "repro.sh" in info.value.hint
    assert {p.name: p.read_bytes() for p in (out / "snapshot.blob", out / "snapshot-meta.json")} == before


def test_endless_startup_is_ended_and_the_skipped_check_reported(tmp_path: Path, node: Path) -> None:
    app = _app(tmp_path / "endless", {"index.js": "console.log('up');\nsetInterval(() => {}, 1000);\n"})
    report = build_app(SnapshotConfig(app, timeout=4))
    assert report.acceptance.skipped and "did not finish in 4 s" in report.acceptance.skipped[0]


@pytest.mark.parametrize("rewrite", [True, False])
def test_where_code_lives_reads_as_in_a_plain_run(tmp_path: Path, node: Path, rewrite: bool) -> None:
    # Node silences DEP0169 (url.parse) for callers inside node_modules, and names anonymous frames by
    # their receiver: both depend on the script a function was compiled in, which must be the file.
    fw = (
        "exports.host = (u) => require('url').parse(u).host;\n"
        "exports.frames = () => { const o = {}; [1].forEach(function () { o.s = new Error('x').stack; });"
        " return o.s.split('\\n').slice(1, 3).map((l) => l.trim()).join(' | '); };\n"
        "exports.top = new Error('t').stack.split('\\n')[1].trim(); exports.name = 'fw — ünïcode';\n"
    )
    app = _app(
        tmp_path / f"where-{rewrite}",
        {
            "node_modules/fw/package.json": json.dumps({"name": "fw", "main": "index.js"}),
            "node_modules/fw/index.js": fw,
            "index.js": "const fw = require('fw');\n"
            "console.log(fw.host('http://a.example/x'), fw.name);\nconsole.log(fw.frames());\n"
            "console.log(fw.top);\n",
        },
    )
    build_app(SnapshotConfig(app, rewrite=rewrite))
    assert _verdict(app, "./node_modules/fw/index.js")[0] == "healthy"
    _same(node, app, [])
    assert "DEP0169" not in run_launcher(app, []).stderr


def test_require_of_an_es_module_that_imports_a_blob_module(tmp_path: Path, node: Path) -> None:
    # node 24's require() takes the `module-sync` condition: an ES module wrapping the package's CJS file
    # (generator-function@2, pulled in by koa). Node's ESM loader puts an unloaded Module in the cache for
    # the CJS file and has Module._load fill it; the loader must fill that object, not answer `{}`.
    app = _app(
        tmp_path / "modsync",
        {
            "node_modules/gf/package.json": json.dumps(
                {"name": "gf", "exports": {".": [{"module-sync": "./require.mjs", "default": "./index.js"}]}}
            ),
            "node_modules/gf/index.js": "module.exports = function gf() { return 'gf!'; };\n",
            "node_modules/gf/require.mjs": "import g from './index.js';\nexport default g;\n"
            "export { g as 'module.exports' };\n",
            "node_modules/user/index.js": "const g = require('gf');\nexports.call = () => g();\n",
            "index.js": "console.log(require('user').call(), typeof require('gf'));\n",
        },
    )
    report = build_app(SnapshotConfig(app))
    # the ES module is converted into the blob (issue 11); require() gets its 'module.exports' export
    assert report.on_disk == {}
    assert "./node_modules/gf/require.mjs" in report.meta.healthy
    _same(node, app, [])
    assert run_launcher(app, []).stdout == "gf! function\n"


def test_process_looks_as_in_a_plain_run_after_the_guards(tmp_path: Path, node: Path) -> None:
    # The build-time guards wrap inherited methods (process.on is EventEmitter's); restored, they must
    # not stay behind as own properties (debug's DEBUG=* output inspects `process`).
    app = _app(
        tmp_path / "procshape",
        {
            "lib.js": "exports.x = 1;\n",
            "index.js": "require('./lib');\nconsole.log(Object.getOwnPropertyNames(process).sort().join());\n"
            "console.log(Object.keys(globalThis).sort().join());\n",
        },
    )
    build_app(SnapshotConfig(app))
    _same(node, app, [])


_WORKER_APP = {
    "index.js": "const { Worker } = require('worker_threads');\n"
    'const w = new Worker(\'require("net"); require("worker_threads").parentPort.postMessage(1)\', '
    "{ eval: true });\nw.on('message', (m) => { console.log('worker said', m); w.terminate(); });\n"
}


def test_a_node_limit_makes_the_measured_strategy_start_the_app_without_the_blob(
    tmp_path: Path, node: Path
) -> None:
    app = _app(tmp_path / "worker-auto", dict(_WORKER_APP))
    meta = build_app(SnapshotConfig(app, strategy="auto")).meta
    assert meta.strategy.chosen == "compile-cache" and "worker thread" in meta.strategy.reason
    _same(node, app, [])


def test_worker_threads_that_load_net_are_a_named_node_limit(tmp_path: Path) -> None:
    # node 24 aborts in a worker started from any user-land blob that loads `net` (docs/limits.md): no
    # module is to blame, and the user gets the reason, not "please report".
    app = _app(
        tmp_path / "worker",
        {
            "index.js": "const { Worker } = require('worker_threads');\n"
            'const w = new Worker(\'require("net"); require("worker_threads").parentPort.postMessage(1)\', '
            "{ eval: true });\nw.on('message', (m) => { console.log('worker said', m); w.terminate(); });\n"
        },
    )
    with pytest.raises(SnapshotBuildError) as info:
        build_app(SnapshotConfig(app, strategy="snapshot"))  # forced: nothing else may start it
    assert info.value.violation == "NODE_LIMIT", info.value
    assert "worker thread" in str(info.value) and "please report" not in info.value.hint
    assert not (app / ".v8snap" / "snapshot.blob").exists()


def test_typed_arrays_from_node_apis_are_the_modules_own(tmp_path: Path, node: Path) -> None:
    # In the builder (one realm) node's APIs return instances of the Uint8Array module code sees; the
    # verifier's per-module contexts must agree, or such a module is deferred for nothing (esbuild checks
    # `new TextEncoder().encode("") instanceof Uint8Array` at load).
    app = _app(
        tmp_path / "typed",
        {
            "node_modules/inv/package.json": json.dumps({"name": "inv", "main": "i.js"}),
            "node_modules/inv/i.js": "const bytes = new TextEncoder().encode('');\n"
            "if (!(bytes instanceof Uint8Array)) throw new Error('inv');\n"
            "if (!(Buffer.from('x') instanceof Uint8Array)) throw new Error('buf');\n"
            "exports.ok = new Uint8Array(2).length;\n",
            "index.js": "console.log(require('inv').ok);\n",
        },
    )
    build_app(SnapshotConfig(app))
    assert _verdict(app, "./node_modules/inv/i.js") == ("healthy", "")
    _same(node, app, [])
