"""Embedded ES modules (issue 11 item 5) take the conversion apps take (v8snap.esm): the same results as
plain node running the same files, from a snapshot and in a runtime without one; an ESM-only npm package
(chalk 5) imported by an embedded ES module, from the snapshot."""

from __future__ import annotations

import json
import os
import posixpath
import re
import shutil
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


# Issue 11's case table (tests/fixtures/esm-cases, tests/esm/test_esm_cases.py), the cases an embedded module
# can hold: not top-level await (refused), not npm packages, `#imports`, self-reference or JSON (modules
# come from Python, not a package directory; create-require.js requires a package), not import.meta
# (filenames are /<name>), not nexttick-order (node runs an ES module in a promise job; an embedded one
# runs in the call that loads it).
TABLE = FIXTURE.parent / "esm-cases"
TABLE_CASES = [
    "builtin-interop.js",
    "cjs-esmodule-interop.js",
    "cjs-function-default.js",
    "cjs-reexport-names.js",
    "cjs-unlexed-name.js",
    "cjs-values-snapshot.js",
    "cycle-esm-cjs.js",
    "cycle-esm.js",
    "default-class.js",
    "default-from-cjs.js",
    "destructured-exports.js",
    "esm-globals.js",
    "export-star-conflict.js",
    "hoisted-order.js",
    "live-binding.js",
    "mjs-in-package.js",
    "namespace-of-cjs.js",
    "namespace-shape.js",
    "reexport-from-cjs.js",
    "require-esm-nodefault.cjs",
    "require-esm.cjs",
    "same-instance.js",
    "string-export-names.js",
]
_REL = re.compile(r"""(?:from|import|require\()\s*['"](\.[^'"]+)['"]""")


def _with_imports(case: str) -> list[Module]:
    """The case module first, then every module it reaches by a relative import/require (run on first use)."""
    names = [f"cases/{case}"]
    for name in names:
        for spec in _REL.findall((TABLE / name).read_text()):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), spec))
            if target not in names:
                names.append(target)
    # The app's package.json has "type": "module": .js files are ES modules there.
    return [Module(n, (TABLE / n).read_text(), "cjs" if n.endswith(".cjs") else "esm") for n in names]


@pytest.fixture(scope="module")
def table_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    app = tmp_path_factory.mktemp("table") / "esm-cases"
    shutil.copytree(TABLE, app)
    return app


@pytest.mark.parametrize("case", TABLE_CASES)
def test_case_table_embedded_as_plain_node(node: Path, table_app: Path, case: str) -> None:
    plain = subprocess.run([str(node), "main.js", case], cwd=table_app, capture_output=True, text=True)
    assert plain.returncode == 0, plain.stderr
    with Runtime(RuntimeOptions(timeout=20), modules=_with_imports(case)) as rt:
        rt.eval("new Promise((resolve) => setTimeout(resolve, 100))")  # its timers print (5 + 5 ms)
        assert "".join(m.text + "\n" for m in rt.drain_console()) == plain.stdout


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
