"""Issue 14 item 2: the demo app installed with npm, pnpm and yarn classic builds and runs identically.

One build per layout (a module-scoped fixture). The pnpm and yarn installs are made once from the demo's
``package-lock.json`` (``pnpm import`` / ``yarn import``: the same versions in every layout) and cached in
``REPO/.cache/layouts/demo-<manager>`` until the demo's lockfile or package.json changes; each build runs in
a private copy.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock
from tests.conftest import REPO, app_source_dir
from tests.e2e.helpers import Outcome, launcher, run_launcher, run_plain

from v8snap.bake.app import build_app
from v8snap.config import SnapshotConfig
from v8snap.errors import UnsupportedLayoutError
from v8snap.graph.layout import detect_layout
from v8snap.node.npm import convert_lockfile, ensure_installed
from v8snap.util import sha256_file

pytestmark = pytest.mark.real

LOCKFILE = {"npm": "package-lock.json", "pnpm": "pnpm-lock.yaml", "yarn": "yarn.lock"}

# What the demo prints about its own module system: a TypeScript snippet that the demo transpiles and runs
# with cli.js's `require` (require.resolve, require.cache filenames, Module paths and children).
PATHS_SNIPPET = (
    "const r = require; const ex = r.cache[r.resolve('express')];"
    "export const message = JSON.stringify([r.resolve('express'), r.resolve('yargs/helpers'), ex.filename,"
    " ex.paths, ex.children.map((c: any) => c.filename), r.resolve.paths('debug'), r.main.filename]);"
)
CASES = [[], ["--routes", "--target", "es5"], ["--help"], ["--nope"], [PATHS_SNIPPET]]


def _layout_source(manager: str, node: Path) -> Path:
    """The demo app installed by ``manager`` (cached; see the module docstring). Do not write into it."""
    demo = app_source_dir("demo")
    if manager == "npm":
        ensure_installed(demo, node=node)
        return demo
    dest = REPO / ".cache" / "layouts" / f"demo-{manager}"
    dest.parent.mkdir(parents=True, exist_ok=True)
    key = sha256_file(demo / "package-lock.json") + sha256_file(demo / "package.json")
    marker = dest.parent / f"demo-{manager}.key"
    with FileLock(str(dest.parent / f"demo-{manager}.lock")):
        if not marker.is_file() or marker.read_text() != key or not (dest / LOCKFILE[manager]).is_file():
            shutil.rmtree(dest, ignore_errors=True)
            dest.mkdir()
            for name in ("package.json", "package-lock.json"):
                shutil.copy2(demo / name, dest / name)
            convert_lockfile(dest, manager, node=node)
            (dest / "package-lock.json").unlink()
            shutil.rmtree(dest / "node_modules", ignore_errors=True)
            marker.write_text(key)
        shutil.copy2(demo / "cli.js", dest / "cli.js")
        ensure_installed(dest, node=node)
    return dest


@pytest.fixture(scope="module", params=sorted(LOCKFILE))
def built(request: pytest.FixtureRequest, node: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    manager = request.param
    src = _layout_source(manager, node)
    app = tmp_path_factory.mktemp(f"layout-{manager}") / "demo-app"
    subprocess.run(["cp", "-a", str(src), str(app)], check=True)
    shutil.rmtree(app / ".v8snap", ignore_errors=True)
    report = build_app(SnapshotConfig(app))
    return manager, app, report


def test_layout_builds_and_runs_identically(built, node: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    manager, app, report = built
    layout = detect_layout(app)
    assert layout.manager == manager and layout.lockfile == app / LOCKFILE[manager]
    assert layout.symlinked == (manager == "pnpm")
    if manager == "pnpm":
        assert (app / "node_modules" / "express").is_symlink() and not (
            app / "node_modules" / "debug"
        ).exists()
    # The lockfile of the manager is the dependency hash; registry keys are real paths.
    meta = report.meta
    assert meta.deferred_hash_file == LOCKFILE[manager]
    assert meta.deferred_hash == sha256_file(app / LOCKFILE[manager])
    assert len(meta.healthy) > 50
    express = [k for k in meta.modules if k.endswith("/express/index.js")]
    assert express == [
        "./node_modules/.pnpm/express@4.22.3/node_modules/express/index.js"
        if manager == "pnpm"
        else "./node_modules/express/index.js"
    ]
    for args in CASES:
        assert run_launcher(app, args) == run_plain(node, app, args), f"{manager} {args[:3]}"
    paths = run_plain(node, app, [PATHS_SNIPPET]).stdout
    if manager == "pnpm":  # node's paths are the real ones, inside the .pnpm store
        assert f'"{app}/node_modules/.pnpm/express@4.22.3/node_modules/express/index.js"' in paths
    stats_file = tmp_path / "stats.json"
    run_launcher(app, [], {"V8SNAP_STATS": str(stats_file)})
    stats = json.loads(stats_file.read_text())
    assert stats["stale"] is None and stats["served"] >= len(meta.healthy) // 2, stats


def _run(argv: list[str], cwd: Path, env: dict[str, str]) -> Outcome:
    proc = subprocess.run(
        argv, cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True, timeout=120
    )
    return Outcome(proc.stdout, proc.stderr, proc.returncode)


@pytest.mark.parametrize("flag", [{"NODE_OPTIONS": "--preserve-symlinks"}, {"NODE_PRESERVE_SYMLINKS": "1"}])
def test_preserve_symlinks_as_plain_node(built, node: Path, flag: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    """Under --preserve-symlinks node keeps symlinked paths: a pnpm app then resolves from
    node_modules/<name> (and fails as a plain run fails); the launcher gives exactly what node gives."""
    manager, app, _ = built
    entry = str(app / "cli.js")
    for args in ([], [PATHS_SNIPPET]):
        plain = _run([str(node), entry, *args], app, flag)
        assert _run([str(launcher(app)), *args], app, flag) == plain, f"{manager} {flag} {args[:1]}"
        if manager == "pnpm":
            assert plain.returncode != 0 and "Cannot find module" in plain.stderr
        else:
            assert plain.returncode == 0


def test_yarn_pnp_is_refused_in_one_line(tmp_path: Path) -> None:
    app = tmp_path / "pnp-app"
    app.mkdir()
    (app / "package.json").write_text('{"name": "pnp-app", "main": "index.js"}')
    (app / "index.js").write_text("console.log(1)\n")
    (app / ".pnp.cjs").write_text("// Yarn Plug'n'Play loader\n")
    with pytest.raises(UnsupportedLayoutError, match="Plug'n'Play"):
        build_app(SnapshotConfig(app))
    exe = Path(sys.executable).parent / "v8snap"
    cmd = [str(exe)] if exe.is_file() else [sys.executable, "-m", "v8snap.cli"]
    res = _run([*cmd, "build", str(app)], app, {})
    assert res.returncode == 1
    lines = res.stderr.strip().splitlines()
    assert lines[0].startswith("error [LAYOUT_UNSUPPORTED]: ") and ".pnp.cjs" in lines[0], res.stderr
    assert len(lines) == 2 and lines[1].startswith("hint: ") and "Traceback" not in res.stderr


def test_install_bin_in_a_pnpm_project(built, node: Path) -> None:  # type: ignore[no-untyped-def]
    """pnpm's .bin entries are shell scripts: the launcher shadows one and uninstall puts its bytes back."""
    manager, app, _ = built
    if manager != "pnpm":
        pytest.skip("npm's symlinked .bin entries: tests/e2e/test_bins.py")
    shim = app / "node_modules" / ".bin" / "tsc"
    before = (shim.read_bytes(), shim.stat().st_mode)
    bad = app / "bad.ts"
    bad.write_text('const n: number = "x";\n')
    env = {"PATH": f"{node.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    refs = [_run([str(shim), *args], app, env) for args in (["--version"], ["--noEmit", "bad.ts"])]
    exe = Path(sys.executable).parent / "v8snap"
    cmd = [str(exe)] if exe.is_file() else [sys.executable, "-m", "v8snap.cli"]
    res = _run([*cmd, "install", "--bin", "tsc"], app, {})
    assert res.returncode == 0, res.stderr
    assert shim.is_symlink() and ".pnpm" in str(
        json.loads((app / ".v8snap/bins/tsc/snapshot-meta.json").read_text())["entry"]
    )
    for args, ref in zip((["--version"], ["--noEmit", "bad.ts"]), refs, strict=True):
        assert _run([str(shim), *args], app, env) == ref, args
    assert _run([*cmd, "uninstall", "--bin", "tsc"], app, {}).returncode == 0
    assert not shim.is_symlink() and (shim.read_bytes(), shim.stat().st_mode) == before
