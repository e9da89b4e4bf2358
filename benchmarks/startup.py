"""Startup benchmark of the pinned apps: plain node, NODE_COMPILE_CACHE, an esbuild bundle with the compile
cache (the strongest peer on many-small-module apps), and v8snap (the launcher), against the floor.

Usage: python benchmarks/startup.py [--rounds 21] [--apps hello-world,chalk-debug,express-app,...]
                                    [--strategy auto|snapshot] [--json out.json]

Each app is copied to a temp dir, installed (npm ci from its lockfile), built with `v8snap build` (default:
the measured strategy, as a user gets it; `--strategy snapshot` times the blob whatever it costs), its
output from the launcher and from the bundle checked against a plain run, then timed: every round runs
each variant once in turn (alternating, so noise hits all alike); medians are printed as a Markdown table.

- bundle + compile cache: `esbuild --bundle --platform=node --format=cjs` of the entry (esbuild from npm,
  as v8snap.embed.esm installs it) written next to the entry, run with NODE_COMPILE_CACHE (warmed by the
  warm-up rounds); "n/a" when the bundle's output differs from the plain run's;
- floor: `node -e 0`;
- v8snap ÷ best peer: v8snap over the fastest of the three peers;
- share removed: (plain − v8snap) ÷ (plain − floor), the part of the app's own start-up v8snap removes.

Targets (issue 12): hello-world and chalk-debug ≤ 1.05× plain; express-app ≤ 0.8× the bundle peer;
typescript-app and demo ≤ 0.5× the best peer and share removed ≥ 75%. prettier-app (issue 11): ≤ 0.5× plain,
≤ 0.7× NODE_COMPILE_CACHE.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from v8snap.bake.app import build_app
from v8snap.bake.timing import Variant, bench_startup, compile_cache_dir
from v8snap.config import SnapshotConfig
from v8snap.graph import find_entry
from v8snap.node import find_node
from v8snap.node.npm import ensure_installed
from v8snap.node.tools import ensure_esbuild

ROOT = Path(__file__).resolve().parents[1]
APPS = {
    "hello-world": (ROOT / "benchmarks" / "apps" / "hello-world", []),
    "chalk-debug": (ROOT / "benchmarks" / "apps" / "chalk-debug", []),
    "express-app": (ROOT / "benchmarks" / "apps" / "express-app", []),
    "typescript-app": (ROOT / "benchmarks" / "apps" / "typescript-app", []),
    "demo": (ROOT / "examples" / "demo-app", ["--routes", "--target", "es2022"]),
    "prettier-app": (ROOT / "benchmarks" / "apps" / "prettier-app", []),
}
# An ES module entry (top-level await, import.meta) is bundled as an ES module, with a `require` for the
# CommonJS it holds (esbuild's own shim throws on a dynamic require of a built-in).
_BUNDLE = """const [esbuild, entry, out, format] = process.argv.slice(1);
const shim = "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";
const banner = format === 'esm' ? { js: shim } : {};
require(esbuild).buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format, banner,
  outfile: out, logLevel: 'error', target: 'node' + process.versions.node.split('.')[0] });
"""


def bundle(node: Path, entry: Path, is_esm: bool) -> Path | None:
    """esbuild bundle of ``entry``, written next to it (``__dirname`` stays the entry's directory); None
    when esbuild cannot bundle it (the table then says n/a)."""
    fmt = "esm" if is_esm else "cjs"
    out = entry.with_name(entry.stem + f".bench-bundle.{'mjs' if is_esm else 'cjs'}")
    esbuild = ensure_esbuild(node) / "node_modules" / "esbuild"
    run = subprocess.run([str(node), "-e", _BUNDLE, str(esbuild), str(entry), str(out), fmt], check=False)
    return out if run.returncode == 0 else None


def _output(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[bytes, int]:
    import os

    p = subprocess.run(argv, cwd=cwd, capture_output=True, env={**os.environ, **(env or {})}, timeout=120)
    return p.stdout, p.returncode


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=21)
    ap.add_argument("--apps", default=",".join(APPS))
    ap.add_argument("--strategy", default="auto", choices=["auto", "snapshot"])
    ap.add_argument("--json", type=Path)
    opts = ap.parse_args()
    node = find_node()
    rows = []
    with tempfile.TemporaryDirectory(prefix="v8snap-bench-") as tmp:
        for name in opts.apps.split(","):
            src, args = APPS[name]
            ensure_installed(src, node=node)
            app = Path(tmp) / name
            shutil.copytree(src, app, symlinks=True, ignore=shutil.ignore_patterns(".v8snap"))
            report = build_app(SnapshotConfig(app, strategy=opts.strategy, trace_args=(tuple(args),)))
            entry = find_entry(app)
            plain = _output([str(node), str(entry), *args], app)
            if _output([str(report.launcher), *args], app) != plain:
                print(f"{name}: output from the launcher differs from the plain run", file=sys.stderr)
                return 1
            pkg_type = json.loads((app / "package.json").read_text()).get("type")
            is_esm = entry.suffix == ".mjs" or (entry.suffix == ".js" and pkg_type == "module")
            bundled = bundle(node, entry, is_esm)
            cache, bcache = compile_cache_dir(), compile_cache_dir()
            variants = [
                Variant("plain", [str(node), str(entry), *args]),
                Variant("compile cache", [str(node), str(entry), *args], {"NODE_COMPILE_CACHE": str(cache)}),
                Variant("v8snap", [str(report.launcher), *args]),
                Variant("floor", [str(node), "-e", "0"]),
            ]
            if bundled is not None and (
                _output([str(node), str(bundled), *args], app, {"NODE_COMPILE_CACHE": str(bcache)}) == plain
            ):
                variants.insert(
                    2,
                    Variant(
                        "bundle + cache",
                        [str(node), str(bundled), *args],
                        {"NODE_COMPILE_CACHE": str(bcache)},
                    ),
                )
            else:
                print(
                    f"{name}: no esbuild bundle, or its output differs from the plain run: left out",
                    file=sys.stderr,
                )
            results = bench_startup(variants, cwd=app, rounds=opts.rounds)
            res = {r.name: round(r.median_ms, 1) for r in results}
            cpu = {r.name: round(r.median_cpu_ms, 1) for r in results}
            m = report.meta
            rows.append(
                {
                    "app": name,
                    "modules": len(m.modules),
                    "healthy": len(m.healthy),
                    "strategy": str(m.strategy.chosen),
                    **res,
                    "cpu": cpu,
                }
            )
    print(
        "| app | strategy | plain | NODE_COMPILE_CACHE | esbuild bundle + compile cache | v8snap"
        " | v8snap ÷ plain | v8snap ÷ best peer | share removed |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        p, c, b, s, f = r["plain"], r["compile cache"], r.get("bundle + cache"), r["v8snap"], r["floor"]
        best = min(x for x in (p, c, b) if x is not None)
        share = (p - s) / (p - f) if p > f else float("nan")
        print(
            f"| {r['app']} ({r['healthy']} / {r['modules']}) | {r['strategy']} | {p} ms | {c} | "
            f"{b if b is not None else 'n/a'} | {s} | {s / p:.2f}× | **{s / best:.2f}×** | {share:.0%} |"
        )
    print("\nCPU time (user + system of the process, ms; far less sensitive to other load than wall time):\n")
    print(
        "| app | plain | NODE_COMPILE_CACHE | bundle + cache | v8snap | floor | v8snap ÷ plain | ÷ best peer"
        " | share removed |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        c = r["cpu"]
        p, s, f = c["plain"], c["v8snap"], c["floor"]
        best = min(v for k, v in c.items() if k in ("plain", "compile cache", "bundle + cache"))
        print(
            f"| {r['app']} | {p} | {c['compile cache']} | {c.get('bundle + cache', 'n/a')} | {s} | {f} | "
            f"{s / p:.2f}× | {s / best:.2f}× | {(p - s) / (p - f):.0%} |"
        )
    floors = ", ".join(str(r["floor"]) for r in rows)
    print(f"\nfloor (node -e 0): {floors} ms; {opts.rounds} alternating rounds")
    if opts.json:
        opts.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
