"""Embedding (issue 11): with_npm_package of an ESM-only package goes through the same ES module conversion
as apps (v8snap.esm), initialized at build time, with node's require(esm) view of its namespace."""

from __future__ import annotations

import shutil
from pathlib import Path

from v8snap import BuilderOptions, Runtime, RuntimeOptions, SnapshotBuilder

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "esm-cases"


def test_esm_only_npm_package_in_a_library_snapshot(tmp_path: Path) -> None:
    shutil.copytree(FIXTURE / "packages", tmp_path / "node_modules")
    (tmp_path / "package.json").write_text('{"name": "host"}')
    snap = SnapshotBuilder(BuilderOptions(node_modules_root=tmp_path)).with_npm_package("esm-only").finish()
    with Runtime(RuntimeOptions(startup_snapshot=snap)) as rt:
        assert rt.eval("__v8snap_require('esm-only').pkg") == "esm-only inner"
        assert rt.eval("Object.keys(__v8snap_require('esm-only'))") == ["__esModule", "default", "pkg"]
        assert rt.eval("__v8snap_require('esm-only').default") == {"pkg": True}
        assert rt.eval("Object.prototype.toString.call(__v8snap_require('esm-only'))") == "[object Module]"
