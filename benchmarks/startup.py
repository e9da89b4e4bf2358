"""Startup benchmark of the pinned apps: plain node vs NODE_COMPILE_CACHE vs v8snap (the launcher).

Usage: python benchmarks/startup.py [--rounds 21] [--apps demo,typescript-app,express-app] [--json out.json]

Each app is copied to a temp dir, installed (npm ci from its lockfile), built with `v8snap build`, its
output from the snapshot checked against a plain run, then timed: every round runs each variant once in
turn (alternating, so noise hits all alike); medians and ratios are printed as a Markdown table.
Targets (issue #2): typescript-app <= 0.45x plain; express-app <= 0.8x plain; demo <= 0.5x plain and
<= 0.8x NODE_COMPILE_CACHE; prettier-app (issue 11) <= 0.5x plain and <= 0.7x NODE_COMPILE_CACHE.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from v8snap.bench.startup import Variant, bench_startup, compile_cache_dir, default_variants
from v8snap.bake.app import build_app
from v8snap.config import SnapshotConfig
from v8snap.graph import find_entry
from v8snap.node import find_node
from v8snap.node.npm import ensure_installed

ROOT = Path(__file__).resolve().parents[1]
APPS = {
    "demo": (ROOT / "examples" / "demo-app", ["--routes", "--target", "es2022"]),
    "typescript-app": (ROOT / "benchmarks" / "apps" / "typescript-app", []),
    "express-app": (ROOT / "benchmarks" / "apps" / "express-app", []),
    "prettier-app": (ROOT / "benchmarks" / "apps" / "prettier-app", []),
}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=21)
    ap.add_argument("--apps", default=",".join(APPS))
    ap.add_argument("--json", type=Path)
    ap.add_argument("--no-rewrite", action="store_true", help="first-version classification (no printer)")
    opts = ap.parse_args()
    node = find_node()
    rows = []
    with tempfile.TemporaryDirectory(prefix="v8snap-bench-") as tmp:
        for name in opts.apps.split(","):
            src, args = APPS[name]
            ensure_installed(src, node=node)
            app = Path(tmp) / name
            shutil.copytree(src, app, symlinks=True, ignore=shutil.ignore_patterns(".v8snap"))
            # The snapshot strategy: this benchmark is about the blob (auto would time it anyway).
            report = build_app(SnapshotConfig(app, rewrite=not opts.no_rewrite, strategy="snapshot"))
            entry = find_entry(app)
            plain = subprocess.run([str(node), str(entry), *args], cwd=app, capture_output=True)
            snap = subprocess.run([str(report.launcher), *args], cwd=app, capture_output=True)
            if (plain.stdout, plain.returncode) != (snap.stdout, snap.returncode):
                print(f"{name}: output from the snapshot differs from the plain run", file=sys.stderr)
                return 1
            variants = default_variants(node, entry, report.launcher, args, compile_cache_dir())
            # What the launcher's huge pages are worth: the same blob started without them.
            blob = app / ".v8snap" / "snapshot.blob"
            variants.append(Variant("v8snap 4k", [str(node), "--snapshot-blob", str(blob), "--", *args]))
            res = bench_startup(variants, cwd=app, rounds=opts.rounds)
            m = report.meta
            rows.append(
                {
                    "app": name,
                    "modules": len(m.modules),
                    "healthy": len(m.healthy),
                    "blob_mb": round(m.blob_size / 1e6, 1),
                    **{r.name: round(r.median_ms, 1) for r in res},
                }
            )
    print(
        "| app | healthy / modules | blob | plain node | NODE_COMPILE_CACHE | v8snap | v8snap/plain"
        " | v8snap/cache | v8snap, 4 KiB pages |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        p, c, s, k = r["plain node"], r["NODE_COMPILE_CACHE"], r["v8snap"], r["v8snap 4k"]
        print(
            f"| {r['app']} | {r['healthy']} / {r['modules']} | {r['blob_mb']} MB | {p} ms | {c} ms | {s} ms"
            f" | {s / p:.2f}x | {s / c:.2f}x | {k} ms |"
        )
    if opts.json:
        opts.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
