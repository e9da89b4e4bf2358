"""Library snapshots check their load-time assumptions when a runtime boots (env read by typescript)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from v8snap import BuilderOptions, Runtime, RuntimeOptions, SnapshotBuilder

pytestmark = pytest.mark.real

TRANSPILE = "__v8snap_require('typescript').transpileModule('let x: number = 1', {}).outputText"


def test_typescript_env_assumption(installed_app: Callable[[str], Path]) -> None:
    root = installed_app("typescript5")
    snap = SnapshotBuilder(BuilderOptions(node_modules_root=root)).with_npm_package("typescript").finish()
    with Runtime(RuntimeOptions(startup_snapshot=snap)) as rt:
        assert rt.eval("__v8snap_require.failedAssumptions") == []  # served as initialized at build time
        assert rt.eval(TRANSPILE) == "var x = 1;\n"
        assert rt.eval("__v8snap_require('typescript').Debug.getAssertionLevel()") == 0
    with Runtime(RuntimeOptions(startup_snapshot=snap, env={"NODE_ENV": "development"})) as rt:
        failed = rt.eval("__v8snap_require.failedAssumptions")
        assert ["./node_modules/typescript/lib/typescript.js", "env", "NODE_ENV"] in failed
        assert rt.eval(TRANSPILE) == "var x = 1;\n"  # re-run from its definition, under the new value
        assert rt.eval("__v8snap_require('typescript').Debug.getAssertionLevel()") == 1


def test_sloppy_mode_package_keeps_its_mode(tmp_path: Path) -> None:
    """npm modules are not made strict by the embedding script around them."""
    pkg = tmp_path / "node_modules" / "sloppy"
    pkg.mkdir(parents=True)
    (pkg / "package.json").write_text('{"name": "sloppy", "main": "index.js"}')
    sloppy = "leaked = 1; module.exports = function () { return this === undefined; };\n"
    (pkg / "index.js").write_text(sloppy)
    (tmp_path / "package.json").write_text('{"name": "host"}')
    snap = SnapshotBuilder(BuilderOptions(node_modules_root=tmp_path)).with_npm_package("sloppy").finish()
    with Runtime(RuntimeOptions(startup_snapshot=snap)) as rt:
        assert rt.eval("__v8snap_require('sloppy')()") is False  # sloppy: `this` is the global object
