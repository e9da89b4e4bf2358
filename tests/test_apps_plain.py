"""The pinned real apps run plainly (no snapshot) with the wheel's node: exit codes, expected output,
determinism across runs and working directories, no machine paths in stdout; and the npm install helper
(stamp, reinstall on lockfile change, errors, two processes at once, cold/warm timings)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from v8snap.errors import V8SnapError
from v8snap.node.npm import ensure_installed, is_installed, stamp_path
from v8snap.util import sha256_file

REPO = Path(__file__).resolve().parent.parent
NPM_APPS = ["express4", "typescript5", "yargs17", "lodash4", "moment2", "ajv8", "rxjs7"]
ALL_APPS = ["basics", *NPM_APPS, "demo", "bench/typescript-app", "bench/express-app"]

# (app, argv, expected exit code, substring expected on stdout — or on stderr when the exit code != 0)
CASES: list[tuple[str, list[str], int, str]] = [
    ("basics", [], 0, "counter after cache delete: 2 global: 2 new object: true"),
    ("basics", ["x", "--y"], 0, 'argv: ["x","--y"]'),
    ("express4", [], 0, 'match /items/42: get {"id":"42"}; delete {"id":"42"}'),
    ("typescript5", [], 0, "run: area=6 count=2 color=5 found=7"),
    ("yargs17", [], 0, '"format": "text"'),
    ("yargs17", ["greet", "bob", "-v", "--tag", "a"], 0, "command: greet:bob"),
    ("yargs17", ["--fail"], 3, "failing on purpose"),
    ("lodash4", [], 0, "Hello ada! Teams: [core][&lt;web&gt;]"),
    ("moment2", [], 0, "epoch ISO: 1970-01-01T00:00:00.000Z"),
    ("ajv8", [], 0, "/kind enum: must be equal to one of the allowed values"),
    ("rxjs7", [], 0, "reduce: 55 |"),
    ("demo", [], 0, "// message: hello snapshot x10"),
    ("demo", ["let x: = 1"], 1, ""),
    ("bench/typescript-app", ["--check"], 0, "TS2322: Type 'string' is not assignable to type 'number'."),
    ("bench/express-app", [], 0, "15 layers, 41 routes"),
]


def _main_file(app_dir: Path) -> Path:
    return app_dir / json.loads((app_dir / "package.json").read_text())["main"]


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NODE_", "V8SNAP_", "BASICS_"))}
    return env


def _run(node: Path, app_dir: Path, args: list[str], cwd: Path, env: dict[str, str] | None = None):
    main = _main_file(app_dir)
    target = main.relative_to(cwd) if main.is_relative_to(cwd) else main
    return subprocess.run(
        [str(node), str(target), *args],
        cwd=cwd,
        env=env or _clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _machine_paths(*extra: Path) -> list[str]:
    paths = {str(REPO), str(Path.home()), tempfile.gettempdir(), sys.prefix, *map(str, extra)}
    return sorted(p for p in paths if len(p) > 3)


@pytest.mark.real
@pytest.mark.parametrize(("name", "args", "code", "expect"), CASES, ids=lambda v: str(v) if v else "-")
def test_app_runs_plainly_and_deterministically(
    name: str,
    args: list[str],
    code: int,
    expect: str,
    node: Path,
    installed_app: Callable[[str], Path],
    tmp_path: Path,
) -> None:
    app = installed_app(name)
    first = _run(node, app, args, cwd=app)
    second = _run(node, app, args, cwd=tmp_path)  # another cwd: output must not depend on it
    for proc in (first, second):
        assert proc.returncode == code, proc.stderr[-2000:]
        assert proc.stdout.strip(), "empty stdout"
    assert first.stdout == second.stdout
    assert first.stderr == second.stderr
    if code == 0:
        assert first.stderr == ""
        assert expect in first.stdout
    else:
        assert expect in first.stderr or expect in first.stdout
    for path in _machine_paths(app, tmp_path, node.parent):
        assert path not in first.stdout, f"machine path {path} in stdout"


@pytest.mark.real
def test_basics_reads_env_at_run_time(node: Path, installed_app: Callable[[str], Path]) -> None:
    app = installed_app("basics")
    env = {**_clean_env(), "BASICS_GREETING": "hola"}
    with_env = _run(node, app, [], cwd=app, env=env)
    without = _run(node, app, [], cwd=app)
    assert "env greeting: hola" in with_env.stdout
    assert "env greeting: (unset)" in without.stdout
    assert "addon error code: ERR_DLOPEN_FAILED" in without.stdout
    assert "broken.js loaded: false" in without.stdout


@pytest.mark.parametrize("name", [a for a in ALL_APPS if a != "basics"])
def test_app_is_pinned(name: str, app_source: Callable[[str], Path]) -> None:
    app = app_source(name)
    pkg = json.loads((app / "package.json").read_text())
    lock = json.loads((app / "package-lock.json").read_text())
    assert pkg["private"] is True
    assert _main_file(app).is_file()
    assert lock["lockfileVersion"] == 3
    assert pkg["dependencies"], "a real app has npm dependencies"
    for dep, version in pkg["dependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{dep}@{version} is not an exact version"
        assert lock["packages"][f"node_modules/{dep}"]["version"] == version
    assert lock["packages"][""]["dependencies"] == pkg["dependencies"]


def _copy_without_modules(app_source: Callable[[str], Path], name: str, dest_parent: Path) -> Path:
    src = app_source(name)
    dest = dest_parent / name.replace("/", "-")
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("node_modules", ".v8snap"))
    return dest


@pytest.mark.real
def test_ensure_installed_cold_then_warm(
    node: Path, tmp_path: Path, app_source: Callable[[str], Path]
) -> None:
    rows = []
    for name in [a for a in ALL_APPS if a != "basics"]:
        app = _copy_without_modules(app_source, name, tmp_path)
        t0 = time.perf_counter()
        assert ensure_installed(app, node=node) is True
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        assert ensure_installed(app, node=node) is False
        warm = time.perf_counter() - t0
        assert stamp_path(app).read_text().strip() == sha256_file(app / "package-lock.json")
        rows.append((name, cold, warm))
    basics = _copy_without_modules(app_source, "basics", tmp_path)
    assert ensure_installed(basics, node=node) is False  # no lockfile: nothing to install
    assert not (basics / "node_modules").exists()
    print("\nensure_installed (npm cache warm, node_modules absent):")
    for name, cold, warm in rows:
        print(f"  {name:24s} cold {cold:6.2f} s   warm {warm * 1000:6.2f} ms")
    print(f"  {'total':24s} cold {sum(r[1] for r in rows):6.2f} s")


@pytest.mark.real
def test_lockfile_change_reinstalls_and_npm_errors_are_reported(
    node: Path, tmp_path: Path, app_source: Callable[[str], Path]
) -> None:
    app = _copy_without_modules(app_source, "lodash4", tmp_path)
    assert ensure_installed(app, node=node) is True
    lock = app / "package-lock.json"
    lock.write_text(lock.read_text() + "\n")  # same content for npm, new sha256
    assert not is_installed(app)
    assert ensure_installed(app, node=node) is True
    assert ensure_installed(app, node=node) is False

    pkg = json.loads((app / "package.json").read_text())
    pkg["dependencies"]["ms"] = "2.1.3"  # not in the lockfile: npm ci refuses
    (app / "package.json").write_text(json.dumps(pkg))
    lock.write_text(lock.read_text() + " ")
    with pytest.raises(V8SnapError) as info:
        ensure_installed(app, node=node)
    message = str(info.value)
    assert "npm ci failed" in message
    assert "sync" in message  # npm's own words, from its stderr tail


@pytest.mark.real
def test_two_processes_install_once(node: Path, tmp_path: Path, app_source: Callable[[str], Path]) -> None:
    app = _copy_without_modules(app_source, "lodash4", tmp_path)
    code = (
        "import sys; from pathlib import Path; from v8snap.node.npm import ensure_installed;"
        "print(ensure_installed(Path(sys.argv[1])))"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(app)], stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=600)[0].strip() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert sorted(outs) == ["False", "True"]
    assert is_installed(app)
    run = subprocess.run([str(node), "index.js"], cwd=app, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and "lodash version: 4." in run.stdout
