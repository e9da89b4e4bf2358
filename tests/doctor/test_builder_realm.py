"""Issue 9 (items 6 and 8): the verifier sees what node's snapshot builder sees.

Each module below passed the verifier and then failed or misbehaved inside ``node --build-snapshot``
(or baked the build's terminal into the blob). The doctor must defer each with a tagged reason.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import v8snap.doctor.globals as builder_globals
from v8snap.bake.app import DiagnoseReport, diagnose_app
from v8snap.config import SnapshotConfig
from v8snap.doctor.globals import probe_builder_globals

WASM = "new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])"  # the smallest valid module: magic + version
MODULES: dict[str, str] = {
    # undici's llhttp: an async function started at load; in the builder its ReferenceError is a
    # rejected promise that fails the build
    "wasm_async.js": "async function lazyllhttp() {\n  let mod;\n"
    f"  try {{ mod = await WebAssembly.compile({WASM}); }}\n"
    f"  catch (e) {{ mod = await WebAssembly.compile({WASM}); }}\n  return mod;\n}}\n"
    "const p = lazyllhttp();\np.catch();\nmodule.exports = () => p;\n",
    "sab_proto.js": "module.exports = Object.getOwnPropertyNames(SharedArrayBuffer.prototype).length;\n",
    "promise_try.js": "module.exports = typeof Promise.try === 'function';\n",
    "response.js": "let ok = true;\ntry { new Response(''); } catch { ok = false; }\nmodule.exports = ok;\n",
    "blob.js": "module.exports = new Blob(['x']).size;\n",
    "create_task.js": "const task = console.createTask('ui');\nmodule.exports = (f) => task.run(f);\n",
    "term.js": "module.exports = { tty: !!process.stdout.isTTY, cols: process.stdout.columns };\n",
    "colors.js": "const s = process.stderr;\nmodule.exports = s.isTTY ? s.getColorDepth() : 1;\n",
    "pure.js": "module.exports = { add: (a, b) => a + b, blob: () => new Blob(['x']) };\n",
    "resize.js": "process.stdout.on('resize', () => {});\n",
    "stdin.js": "module.exports = !!process.stdin.isTTY;\n",
    # string-width: an Intl object held from load aborts the builder; one made later is fine
    "intl.js": "const seg = new Intl.Segmenter();\nmodule.exports = (s) => [...seg.segment(s)].length;\n",
    "intl_later.js": "module.exports = (n) => new Intl.NumberFormat('en').format(n);\n",
}
EXPECTED: dict[str, tuple[str, str | None, str | None]] = {
    "wasm_async.js": ("deferred", "GLOBAL_MISSING", "WebAssembly"),
    "sab_proto.js": ("deferred", "GLOBAL_MISSING", "SharedArrayBuffer.prototype"),
    "promise_try.js": ("deferred", "GLOBAL_MISSING", "Promise.try"),
    "response.js": ("deferred", "BUILTIN_CRASHES", "globalThis.Response"),
    "blob.js": ("deferred", "BUILTIN_CRASHES", "new Blob()"),
    "create_task.js": ("deferred", "BUILTIN_CRASHES", "console.createTask()"),
    # terminal facts are assumptions (checked at startup); using a stream at load is not
    "term.js": ("healthy", None, None),
    "colors.js": ("healthy", None, None),
    "resize.js": ("deferred", "TTY_READ", "process.stdout.on"),
    "stdin.js": ("deferred", "TTY_READ", "process.stdin"),
    "pure.js": ("healthy", None, None),
    "intl.js": ("deferred", "BUILTIN_CRASHES", "new Intl.Segmenter()"),
    "intl_later.js": ("healthy", None, None),
}


def _app(root: Path, modules: dict[str, str]) -> Path:
    root.mkdir(parents=True)
    (root / "package.json").write_text(
        json.dumps({"name": root.name, "version": "1.0.0", "main": "index.js"})
    )
    for name, text in modules.items():
        (root / name).write_text(text)
    requires = "".join(f"require('./{n}');\n" for n in sorted(modules))
    (root / "index.js").write_text(requires)
    return root


def _diagnose(root: Path, *, rewrite: bool = False) -> DiagnoseReport:
    return diagnose_app(SnapshotConfig(app_root=root, timeout=10.0), jobs=2, rewrite=rewrite)


def test_probe_finds_what_the_builder_lacks(node: Path) -> None:
    found = probe_builder_globals(node)
    assert {"WebAssembly", "SharedArrayBuffer"} <= set(found["missing"])
    assert "Promise.try" in found["missing"]
    assert found["lazy"].get("Response") == "touch"
    assert found["lazy"].get("Blob") == "use"
    assert "URL" not in found["lazy"] and "TextEncoder" not in found["lazy"]
    assert found["lazy"].get("Intl.Segmenter") == "use" and "Intl.getCanonicalLocales" not in found["lazy"]
    assert probe_builder_globals(node) == found  # cached


@pytest.fixture(scope="module")
def realm_run(tmp_path_factory: pytest.TempPathFactory) -> DiagnoseReport:
    return _diagnose(_app(tmp_path_factory.mktemp("realm") / "app", MODULES))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_deferred_with_the_builders_reason(realm_run: DiagnoseReport, name: str) -> None:
    st = realm_run.result.state
    key = f"./{name}"
    verdict, code, detail = EXPECTED[name]
    got = "healthy" if key in st.healthy else "deferred" if key in st.deferred else "norewrite"
    reason = st.reasons.get(key)
    assert got == verdict, f"{key}: {got} ({reason})"
    if code is not None:
        assert reason is not None and (reason.code, reason.detail) == (code, detail), f"{key}: {reason}"


def test_node_internals_scheduling_on_the_real_global_are_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without the probe's answer, `new Response('')` is still caught: node's fetch code calls
    # queueMicrotask on node's own global, not on the verifier's vm context.
    monkeypatch.setattr(
        builder_globals, "probe_builder_globals", lambda node, **kw: {"missing": [], "lazy": {}}
    )
    root = _app(tmp_path / "app", {"response.js": MODULES["response.js"]})
    reason = _diagnose(root).result.state.reasons.get("./response.js")
    assert reason is not None and (reason.code, reason.detail) == ("TIMER_AT_INIT", "queueMicrotask()")


def test_a_module_is_never_its_own_cause(tmp_path: Path) -> None:
    # polyfills.js cannot be rewritten (assignment to process.* at load). The second doctor run (verdicts
    # of its dependency from the cache) queued it before the bundle refused its rewrite; the worker then
    # reported it as depending on itself, and that replaced the root cause.
    root = _app(
        tmp_path / "app",
        {
            "dep.js": "module.exports = Date.now();\n",
            "polyfills.js": "const d = require('./dep');\nprocess.foo = function () { return d; };\n",
        },
    )
    for _ in range(3):
        st = _diagnose(root, rewrite=True).result.state
        reason = st.reasons["./polyfills.js"]
        assert (reason.code, "./polyfills.js" in st.norewrite) == ("REWRITE_INVALID", True), reason
