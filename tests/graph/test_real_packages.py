from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from v8snap.graph import discover_graph
from v8snap.node import npm_command


@pytest.fixture(scope="module")
def lodash_app(tmp_path_factory: pytest.TempPathFactory, node: Path) -> Path:
    root = tmp_path_factory.mktemp("lodash-app")
    (root / "package.json").write_text('{"name": "lodash-app", "version": "1.0.0", "private": true}')
    subprocess.run(
        [*npm_command(node), "install", "--no-audit", "--no-fund", "ms@2.1.3", "lodash@4.17.21"],
        cwd=root,
        check=True,
        capture_output=True,
        timeout=300,
    )
    (root / "index.js").write_text(
        "const _ = require('lodash');\nconst ms = require('ms');\n"
        "console.log(_.chunk([1, 2, 3], 2), ms('2h'));\n"
    )
    return root


@pytest.mark.real
def test_lodash_and_ms(lodash_app: Path, node: Path) -> None:
    start = time.perf_counter()
    graph = discover_graph(lodash_app, node=node)
    elapsed = time.perf_counter() - start
    print(f"discover_graph(lodash + ms): {elapsed * 1000:.0f} ms")
    assert list(graph.modules) == [
        "./index.js",
        "./node_modules/lodash/lodash.js",
        "./node_modules/ms/index.js",
    ]
    got = {(r.parent_dir, r.request, r.target) for r in graph.resolutions}
    assert got == {
        (".", "lodash", "./node_modules/lodash/lodash.js"),
        (".", "ms", "./node_modules/ms/index.js"),
        # lodash probes `freeModule.require('util')` at load time: only the trace sees it
        ("./node_modules/lodash", "util", "node:util"),
    }
    lodash = graph.modules["./node_modules/lodash/lodash.js"]
    assert lodash.kind == "cjs"
    assert lodash.size > 500_000


@pytest.mark.real
def test_lodash_modular_files_via_include(lodash_app: Path, node: Path) -> None:
    (lodash_app / "modular.js").write_text("module.exports = require('lodash/chunk');\n")
    graph = discover_graph(
        lodash_app, node=node, entry="modular.js", include=["node_modules/lodash/_baseSlice.js"]
    )
    keys = list(graph.modules)
    assert keys[:2] == ["./modular.js", "./node_modules/lodash/chunk.js"]
    assert "./node_modules/lodash/_isIterateeCall.js" in keys
    assert graph.modules["./node_modules/lodash/_baseSlice.js"].load_order >= 0  # traced, not only included
    # every static import of a traced lodash file is resolved inside the graph
    for key in keys:
        for spec, target in graph.modules[key].resolved.items():
            assert target in graph.modules, (key, spec, target)
    got = {(r.parent_dir, r.request, r.target) for r in graph.resolutions}
    assert (".", "lodash/chunk", "./node_modules/lodash/chunk.js") in got
    assert ("./node_modules/lodash", "./_baseSlice", "./node_modules/lodash/_baseSlice.js") in got
