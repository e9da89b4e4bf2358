"""Embedded ES modules (issue 11 item 5) take the conversion apps take (v8snap.esm): the same results as
plain node running the same files, from a snapshot and in a runtime without one; an ESM-only npm package
(chalk 5) imported by an embedded ES module, from the snapshot."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from v8snap.embed import BuilderOptions, Module, Runtime, RuntimeOptions, SnapshotBuilder
from v8snap.node.npm import npm_tool

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "embed-esm"
# main.mjs: live binding (counter.mjs), default + named interop with CommonJS (cjs.js, with __esModule),
# export * conflict (stars.mjs), an ESM cycle (a.mjs <-> b.mjs, a.mjs given first), node:path, import.meta;
# req.js: require(esm) of counter.mjs and main.mjs.
PLAIN = (
    "const m = await import('./main.mjs');"
    "console.log(JSON.stringify(m.default()));"
    "const { createRequire } = await import('node:module');"
    "console.log(JSON.stringify(createRequire(import.meta.url + '/../x.js')('./req.js').viaRequire()));"
)


def _plain(node: Path, cwd: Path, script: str) -> list[Any]:
    out = subprocess.run(
        [str(node), "--input-type=module", "-e", script], cwd=cwd, capture_output=True, text=True, check=True
    )
    return [json.loads(line) for line in out.stdout.splitlines()]


@pytest.fixture(scope="module")
def esm_modules() -> list[Module]:
    return Module.load_dir(FIXTURE)  # sorted: a.mjs (imports the later b.mjs) first


@pytest.fixture(scope="module")
def esm_blob(esm_modules: list[Module]) -> bytes:
    builder = SnapshotBuilder()
    for m in esm_modules:
        builder.with_module(m)
    return builder.finish()


@pytest.mark.parametrize("mode", ["snapshot", "plain"])
def test_embedded_esm_is_node_exact(
    node: Path, mode: str, esm_blob: bytes, esm_modules: list[Module]
) -> None:
    expected = _plain(node, FIXTURE, PLAIN)
    rt = (
        Runtime(RuntimeOptions(startup_snapshot=esm_blob, timeout=20))
        if mode == "snapshot"
        else Runtime(RuntimeOptions(timeout=20), modules=esm_modules)
    )
    with rt:
        report = rt.call_function("main.mjs", "default")
        assert [report, rt.call_function("req.js", "viaRequire")] == expected
        assert report["live"] == [0, 1]  # the importer saw bump()'s assignment
        assert report["cjsDefault"]["default"] == "D"  # default import = module.exports, __esModule or not
        assert report["stars"] == ["y", "z"]  # x is ambiguous
        assert rt.get_value("url", "main.mjs") == "file:///main.mjs"
        rt.call_function("counter.mjs", "bump")  # a call from Python: importers see it too
        assert rt.call_function("main.mjs", "default")["live"] == [2, 3]


def test_load_module_esm_into_a_snapshot_runtime(esm_blob: bytes) -> None:
    # Imports of modules already in the runtime: what require gives at run time (the registry's namespace).
    late = Module("late.mjs", "import { count } from './counter.mjs';\nexport const seen = () => count;\n")
    with Runtime(RuntimeOptions(startup_snapshot=esm_blob, timeout=20)) as rt:
        rt.load_module(late)
        rt.call_function("counter.mjs", "bump")
        assert rt.call_function("late.mjs", "seen") == 1


@pytest.mark.real
def test_esm_only_npm_package_imported_by_an_embedded_module(node: Path, tmp_path: Path) -> None:
    root = npm_tool("chalk", "5.6.2", node=node)  # ESM-only; its entry is deferred (supports-color)
    use = (
        "import chalk, { Chalk, supportsColor } from 'chalk';\n"
        "export const paint = (s) =>\n"
        "  [new Chalk({ level: 1 }).red.bold(s), typeof chalk.blue, supportsColor];\n"
    )
    (tmp_path / "use.mjs").write_text(use)
    os.symlink(root / "node_modules", tmp_path / "node_modules")
    script = "const { paint } = await import('./use.mjs'); console.log(JSON.stringify(paint('hi')));"
    [expected] = _plain(node, tmp_path, script)
    blob = (
        SnapshotBuilder(BuilderOptions(node_modules_root=root))
        .with_npm_package("chalk")
        .with_module(Module("use.mjs", use))
        .finish()
    )
    # No file read allowed: everything comes from the snapshot.
    with Runtime(RuntimeOptions(startup_snapshot=blob, timeout=30)) as rt:
        assert rt.call_function("use.mjs", "paint", "hi") == expected
        assert expected[0] == "\x1b[31m\x1b[1mhi\x1b[22m\x1b[39m"
