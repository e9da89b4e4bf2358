"""Run an app plainly and from its snapshot and compare what a user sees."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from v8snap.bake.launcher import launcher_name
from v8snap.graph import find_entry


@dataclass(frozen=True)
class Outcome:
    stdout: str
    stderr: str
    returncode: int


def _run(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> Outcome:
    full_env = {**os.environ, **(env or {})}
    full_env.pop("NODE_OPTIONS", None)
    proc = subprocess.run(argv, cwd=cwd, env=full_env, capture_output=True, text=True, timeout=120)
    return Outcome(proc.stdout, proc.stderr, proc.returncode)


def run_plain(node: Path, app: Path, args: list[str], env: dict[str, str] | None = None) -> Outcome:
    return _run([str(node), str(find_entry(app)), *args], app, env)


def launcher(app: Path) -> Path:
    return app / ".v8snap" / "bin" / launcher_name(app)


def run_launcher(app: Path, args: list[str], env: dict[str, str] | None = None) -> Outcome:
    return _run([str(launcher(app)), *args], app, env)


def run_cli(app: Path, args: list[str], env: dict[str, str] | None = None) -> Outcome:
    # The console script of the interpreter running the tests (CI does not activate the venv).
    exe = Path(sys.executable).parent / "v8snap"
    cmd = [str(exe)] if exe.is_file() else [sys.executable, "-m", "v8snap.cli"]
    return _run([*cmd, "run", str(app), "--", *args], app, env)


def snapshot_stats(app: Path, args: list[str], tmp: Path) -> dict[str, object]:
    """Run the launcher with V8SNAP_STATS and return what the blob reports it served."""
    stats = tmp / "stats.json"
    stats.unlink(missing_ok=True)
    run_launcher(app, args, {"V8SNAP_STATS": str(stats)})
    import json

    return dict(json.loads(stats.read_text())) if stats.exists() else {}


def small_app(parent: Path, name: str, files: dict[str, str]) -> Path:
    """Write an app ``parent/app`` with a package.json named ``name`` (main ``index.js``) and ``files``
    (relative path -> text); returns its directory."""
    app = parent / "app"
    app.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        (app / rel).parent.mkdir(parents=True, exist_ok=True)
        (app / rel).write_text(text)
    (app / "package.json").write_text(json.dumps({"name": name, "main": "index.js"}))
    return app
