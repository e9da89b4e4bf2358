"""Snapshot script assembly when a transform refuses a module the verdicts call rewritable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from v8snap.blueprint import Blueprint, assemble_script
from v8snap.blueprint.assemble import NorewriteSignal
from v8snap.errors import SnapshotBuildError
from v8snap.graph import discover_graph


def _refuse(key: str, source: str) -> str:
    if key == "./lib.js":
        raise NorewriteSignal("unsupported write to lazy binding dep at line 2")
    return source


def test_unexpected_norewrite_is_a_build_error_naming_the_module(tmp_path: Path, node: Path) -> None:
    (tmp_path / "package.json").write_text(json.dumps({"name": "nrw", "main": "index.js"}))
    (tmp_path / "lib.js").write_text("exports.x = 1;\n")
    (tmp_path / "index.js").write_text("console.log(require('./lib').x);\n")
    graph = discover_graph(tmp_path, node=node)
    bp = Blueprint(graph=graph, healthy=frozenset(graph.modules), transform=_refuse)
    with pytest.raises(SnapshotBuildError) as info:
        assemble_script(bp)
    assert info.value.module == "./lib.js" and info.value.violation == "REWRITE_INVALID"
    assert "unsupported write to lazy binding" in str(info.value) and info.value.hint
    # Listed as norewrite, the module is kept verbatim and the script assembles.
    script = assemble_script(
        Blueprint(
            graph=graph,
            healthy=frozenset({"./index.js"}),
            norewrite=frozenset({"./lib.js"}),
            transform=_refuse,
        )
    )
    assert "./lib.js" in script
