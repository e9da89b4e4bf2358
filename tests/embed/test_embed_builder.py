"""SnapshotBuilder: modules, expressions, ESM/TypeScript, save(), build errors, fingerprint mismatch."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from v8snap.embed import (
    BuilderOptions,
    Module,
    Runtime,
    RuntimeOptions,
    SnapshotBuilder,
    SnapshotBuildError,
    SnapshotMismatchError,
)
from v8snap.embed import builder as builder_mod


def test_expressions_run_in_order_and_state_is_baked(tmp_path: Path) -> None:
    path = (
        SnapshotBuilder()
        .with_expression("globalThis.log = ['a']")
        .with_module(Module("m.js", "log.push('m'); exports.n = log.length"))
        .with_expression("log.push('b'); globalThis.frozenAt = 7")
        .save(tmp_path / "x.blob")
    )
    assert path.is_file() and not list(tmp_path.glob(".tmp-*"))
    with Runtime(RuntimeOptions(startup_snapshot=path)) as rt:
        assert rt.eval("log") == ["a", "m", "b"]
        assert rt.get_value("n", module="m.js") == 2
        assert rt.get_value("frozenAt") == 7


def test_module_load_and_load_dir_with_esm_and_typescript(tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "util.ts").write_text("export function twice(n: number): number { return n * 2; }\n")
    (src / "main.js").write_text("import { twice } from './sub/util.ts';\nexport const four = twice(2);\n")
    (src / "plain.cjs").write_text("module.exports = { kind: typeof require };\n")
    mods = Module.load_dir(src)
    assert [m.name for m in mods] == ["main.js", "plain.cjs", "sub/util.ts"]
    one = Module.load(src / "plain.cjs")
    assert one.name.endswith("plain.cjs") and not one.needs_conversion()
    ordered = [mods[2], mods[0], mods[1]]
    blob = SnapshotBuilder().with_module(ordered[0]).with_module(ordered[1]).with_module(ordered[2]).finish()
    with Runtime(RuntimeOptions(startup_snapshot=blob)) as rt:
        assert rt.get_value("four", module="main.js") == 4
        assert rt.call_function("sub/util.ts", "twice", 21) == 42
        assert rt.get_value("kind", module="plain.cjs") == "function"


def test_js_throw_at_build_time() -> None:
    bad = Module("bad.js", "function init() { throw new RangeError('no way') }\ninit();")
    with pytest.raises(SnapshotBuildError) as info:
        SnapshotBuilder().with_module(Module("ok.js", "exports.x = 1")).with_module(bad).finish()
    err = info.value
    assert (err.module, err.violation) == ("bad.js", "UNKNOWN_ERROR")
    assert "RangeError: no way" in err.js_stack and "bad.js" in err.js_stack


def test_exit_called_at_build_time() -> None:
    with pytest.raises(SnapshotBuildError) as info:
        SnapshotBuilder().with_module(Module("quits.js", "process.exit(3)")).finish()
    assert (info.value.module, info.value.violation) == ("quits.js", "EXIT_CALLED")


def test_expression_error_names_the_expression() -> None:
    with pytest.raises(SnapshotBuildError) as info:
        SnapshotBuilder().with_expression("1").with_expression("WebAssembly.Memory").finish()
    assert (info.value.module, info.value.violation) == ("<expression #2>", "GLOBAL_MISSING")


def test_builder_crash_blames_the_module() -> None:
    crash = Module("server.js", "const http = require('http'); globalThis.s = http.createServer();")
    with pytest.raises(SnapshotBuildError) as info:
        SnapshotBuilder().with_module(Module("fine.js", "exports.a = 1")).with_module(crash).finish()
    assert info.value.violation == "BUILTIN_CRASHES"
    assert info.value.module == "server.js"


def test_fingerprint_mismatch(monkeypatch: pytest.MonkeyPatch) -> None:
    real = builder_mod.node_fingerprint

    def fake(node: Path, flags: tuple[str, ...] = ()) -> object:
        return msgspec.structs.replace(real(node, flags), node="v99.0.0", cached_data_tag=12345)

    monkeypatch.setattr(builder_mod, "node_fingerprint", fake)
    blob = SnapshotBuilder().with_module(Module("m.js", "exports.x = 1")).finish()
    with pytest.raises(SnapshotMismatchError) as info:
        Runtime(RuntimeOptions(startup_snapshot=blob))
    msg = str(info.value)
    assert "v99.0.0" in msg and "snapshots must be used on the system that built them" in msg
    assert info.value.expected.node == "v99.0.0"
    assert info.value.actual.node.startswith("v24")


def test_builder_flags_that_change_the_cache_tag_run_with_the_same_flags() -> None:
    # --no-opt changes v8.cachedDataVersionTag(): the baked tag must be the flagged builder's, or a runtime
    # started with the same flags was refused as a mismatch (found measuring V8 flags for issue 5).
    blob = (
        SnapshotBuilder(BuilderOptions(flags=("--no-opt",)))
        .with_module(Module("m.js", "globalThis.f = () => 42;"))
        .finish()
    )
    with Runtime(RuntimeOptions(startup_snapshot=blob, node_flags=("--no-opt",))) as rt:
        assert rt.eval("f()") == 42
    with pytest.raises(SnapshotMismatchError, match="snapshots must be used on the system that built them"):
        Runtime(RuntimeOptions(startup_snapshot=blob))


def test_blob_node_refuses_is_a_mismatch(tmp_path: Path, blob: bytes) -> None:
    # Corrupt the version string in the blob header: node itself refuses it.
    data = bytearray(blob)
    idx = data.find(b"24.19.0")
    assert idx > 0
    data[idx : idx + 7] = b"23.99.9"
    with pytest.raises(SnapshotMismatchError):
        Runtime(RuntimeOptions(startup_snapshot=bytes(data), start_timeout=20))
