"""``v8snap demo``: install the demo app, build its snapshot, check the output, time startup."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from v8snap.bake.app import BuildReport, build_app
from v8snap.bake.timing import StartupResult, bench_startup, compile_cache_dir, default_variants
from v8snap.config import SnapshotConfig
from v8snap.doctor.builtins import default_cache_dir
from v8snap.errors import V8SnapError
from v8snap.graph import find_entry
from v8snap.node import find_node
from v8snap.node.npm import ensure_installed

DEMO_ARGS = ["--routes", "--target", "es2022"]


def demo_source() -> Path:
    """The demo app shipped with the package (``examples/demo-app`` in the repo)."""
    shipped = Path(str(resources.files("v8snap") / "_demo_app"))
    if shipped.is_dir():
        return shipped
    repo = Path(__file__).resolve().parents[3] / "examples" / "demo-app"
    if repo.is_dir():
        return repo
    raise V8SnapError("the demo app is not installed with this copy of v8snap")


@dataclass(frozen=True)
class DemoResult:
    app: Path
    report: BuildReport
    same_output: bool
    results: list[StartupResult]


def run_demo(
    *, rounds: int = 15, progress: Callable[[str], None] | None = None, workdir: Path | None = None
) -> DemoResult:
    """Copy the demo app to ``workdir`` (default: the v8snap cache dir), ``npm ci``, build, compare, time.

    Raises:
        V8SnapError: install, build or the output comparison failed.
    """
    say = progress or (lambda _m: None)
    node = find_node()
    app = (workdir or default_cache_dir()) / "demo-app"
    src = demo_source()
    if (
        not (app / "package-lock.json").is_file()
        or (app / "package-lock.json").read_bytes() != (src / "package-lock.json").read_bytes()
    ):
        shutil.rmtree(app, ignore_errors=True)
        shutil.copytree(src, app, ignore=shutil.ignore_patterns("node_modules", ".v8snap"))
    else:
        for f in src.rglob("*"):
            if f.is_file() and "node_modules" not in f.parts:
                dst = app / f.relative_to(src)
                if not dst.exists() or dst.read_bytes() != f.read_bytes():
                    dst.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(f, dst)
    say(f"installing the demo app's packages in {app}")
    ensure_installed(app, node=node)
    report = build_app(SnapshotConfig(app), say)
    entry = find_entry(app)
    plain = subprocess.run([str(node), str(entry), *DEMO_ARGS], cwd=app, capture_output=True)
    snap = subprocess.run([str(report.launcher), *DEMO_ARGS], cwd=app, capture_output=True)
    same = (plain.stdout, plain.stderr, plain.returncode) == (snap.stdout, snap.stderr, snap.returncode)
    if not same:
        raise V8SnapError(
            "the demo app's output from the snapshot differs from the plain run",
            hint=f"compare: {report.launcher} {' '.join(DEMO_ARGS)}",
        )
    say(f"timing startup ({rounds} alternating rounds)")
    variants = default_variants(node, entry, report.launcher, DEMO_ARGS, compile_cache_dir())
    return DemoResult(app, report, same, bench_startup(variants, cwd=app, rounds=rounds))
