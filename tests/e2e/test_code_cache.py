"""Issue #12 item 2: in snapshot mode, what loads from disk gets node's compile cache under .v8snap/."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from tests.e2e.helpers import run_launcher, run_plain

from v8snap.bake.app import build_app
from v8snap.config import SnapshotConfig

pytestmark = pytest.mark.real

# An ES module with top-level await stays on disk (TOP_LEVEL_AWAIT): node's loader compiles it, at run time.
_INDEX = (
    "import('./esm.mjs').then((m) => {\n"
    "  console.log(m.where());\n"
    "  console.log(JSON.stringify(Object.keys(require.cache).map((f) => require('path').basename(f))));\n"
    "  console.log(Object.keys(process.env).filter((k) => /COMPILE_CACHE|V8SNAP/.test(k)).join());\n"
    "});\n"
)
_ESM = (
    "export function where() {\n  return new Error('here').stack.split('\\n').slice(0, 3).join('|');\n}\n"
    "await Promise.resolve();\n"
)
_DEBUG = {"NODE_DEBUG_NATIVE": "COMPILE_CACHE"}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cc") / "code-cache-app"
    root.mkdir()
    (root / "package.json").write_text(json.dumps({"name": "code-cache-app", "main": "index.js"}))
    (root / "index.js").write_text(_INDEX)
    (root / "esm.mjs").write_text(_ESM)
    build_app(SnapshotConfig(root, strategy="snapshot"))
    return root


def _entries(d: Path) -> list[Path]:
    return sorted(p for p in d.rglob("*") if p.is_file()) if d.is_dir() else []


def test_disk_modules_use_the_code_cache_and_behave_as_plain(app: Path, node: Path) -> None:
    cache = app / ".v8snap" / "compile-cache"
    assert cache.stat().st_mode & 0o777 == 0o700
    first = run_launcher(app, [], _DEBUG)
    assert _entries(cache), "the first run filled the cache"
    second = run_launcher(app, [], _DEBUG)
    assert "esm.mjs was accepted" in second.stderr, second.stderr[-2000:]
    plain = run_plain(node, app, [])
    # Stack traces, require.cache and the environment are those of a plain run.
    assert first.stdout == second.stdout == plain.stdout and plain.returncode == 0
    assert "file://" in plain.stdout and "esm.mjs:2:" in plain.stdout


def test_the_apps_own_compile_cache_wins(app: Path, tmp_path: Path) -> None:
    ours = app / ".v8snap" / "compile-cache"
    before = {p: p.stat().st_mtime_ns for p in _entries(ours)}
    own = tmp_path / "own"
    out = run_launcher(app, [], {**_DEBUG, "NODE_COMPILE_CACHE": str(own)})
    assert out.returncode == 0 and _entries(own), "the app's NODE_COMPILE_CACHE was used"
    assert str(ours) not in out.stderr
    assert {p: p.stat().st_mtime_ns for p in _entries(ours)} == before


def test_a_cache_dir_others_can_write_is_not_used(app: Path) -> None:
    cache = app / ".v8snap" / "compile-cache"
    os.chmod(cache, 0o777)
    try:
        out = run_launcher(app, [], _DEBUG)
        assert out.returncode == 0 and "[compile cache]" not in out.stderr
    finally:
        os.chmod(cache, 0o700)


def test_compile_cache_strategy_refuses_a_cache_dir_others_can_write(tmp_path: Path) -> None:
    root = tmp_path / "cc-strategy"
    root.mkdir()
    (root / "package.json").write_text(json.dumps({"name": "cc-strategy", "main": "index.js"}))
    (root / "index.js").write_text("console.log(require('./lib').x);\n")
    (root / "lib.js").write_text("exports.x = 42;\n")
    build_app(SnapshotConfig(root, strategy="compile-cache"))
    cache = root / ".v8snap" / "compile-cache"
    assert cache.stat().st_mode & 0o777 == 0o700
    assert "[compile cache]" in run_launcher(root, [], _DEBUG).stderr
    os.chmod(cache, 0o777)
    out = run_launcher(root, [], _DEBUG)
    assert out.stdout == "42\n" and "[compile cache]" not in out.stderr
