"""Doctor benchmark (not a timed test): from scratch, nothing changed, one package changed.

Usage: python benchmarks/doctor_bench.py [--rewrite] [APP ...]
(default apps: big-app, express-app, typescript-app).
Runs on a private copy of each app (benchmarks/apps/<name>, installed with the wheel's npm). "Bumping"
a package is simulated by editing every .js file of one dependency (a content change is what a version
bump is to the doctor); the count of re-verified modules is reported.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from v8snap.bake.app import diagnose_app
from v8snap.config import SnapshotConfig
from v8snap.node.npm import ensure_installed

APPS = Path(__file__).resolve().parent / "apps"
BUMP = {"big-app": "depd", "express-app": "depd", "typescript-app": "typescript"}


def run(name: str, jobs: int, rewrite: bool = False) -> None:
    src = APPS / name
    ensure_installed(src)
    with tempfile.TemporaryDirectory(prefix="v8snap-doctor-bench-") as tmp:
        root = Path(tmp) / name
        subprocess.run(["cp", "-a", str(src), str(root)], check=True)
        shutil.rmtree(root / ".v8snap", ignore_errors=True)
        os.environ["V8_SNAPSHOT_FROM_SCRATCH"] = "1"
        t = time.perf_counter()
        cold = diagnose_app(SnapshotConfig(app_root=root), jobs=jobs, rewrite=rewrite)
        cold_s = time.perf_counter() - t
        os.environ.pop("V8_SNAPSHOT_FROM_SCRATCH")
        t = time.perf_counter()
        warm = diagnose_app(SnapshotConfig(app_root=root), jobs=jobs, rewrite=rewrite)
        warm_s = time.perf_counter() - t
        pkg = root / "node_modules" / BUMP.get(name, "depd")
        for f in pkg.rglob("*.js"):
            f.write_text(f.read_text(errors="surrogateescape") + "\n// bumped\n", errors="surrogateescape")
        t = time.perf_counter()
        bumped = diagnose_app(SnapshotConfig(app_root=root), jobs=jobs, rewrite=rewrite)
        bump_s = time.perf_counter() - t
        st, n = cold.result.state, cold.result.stats.total
        print(
            f"{name}{' (rewrite)' if rewrite else ''}: {n} modules, "
            f"{len(st.healthy)} healthy ({len(st.healthy) / n:.0%}), "
            f"{len(st.deferred)} deferred, {len(st.norewrite)} norewrite\n"
            f"  from scratch: doctor {cold.result.stats.seconds:.1f} s (graph {cold.graph_seconds:.1f} s, "
            f"total {cold_s:.1f} s, {cold.result.stats.verified} verifications, jobs={jobs})\n"
            f"  nothing changed: doctor {warm.result.stats.seconds:.2f} s (total {warm_s:.1f} s), "
            f"{warm.result.stats.verified} verifications, {warm.result.stats.cached} cached\n"
            f"  '{pkg.name}' changed: doctor {bumped.result.stats.seconds:.2f} s (total {bump_s:.1f} s), "
            f"{len(bumped.result.stats.reverified)} modules re-verified"
        )


if __name__ == "__main__":
    rewrite = "--rewrite" in sys.argv
    for app_name in [a for a in sys.argv[1:] if a != "--rewrite"] or [
        "big-app",
        "express-app",
        "typescript-app",
    ]:
        run(app_name, jobs=2, rewrite=rewrite)
