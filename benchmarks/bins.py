"""npm CLIs shadowed by ``v8snap install --bin``: the original bin vs v8snap's launcher, side by side.

For each case, the original is the package's own bin script run directly (what ``node_modules/.bin/NAME``
pointed to before the install: its shebang starts node), and v8snap is ``node_modules/.bin/NAME`` (the
launcher). Outputs (stdout, stderr, exit code) are compared once, then the two run alternately ``--rounds``
times; the medians and their ratio are printed as a Markdown table. Also checks each case through
``npm run`` when the project's package.json has a script for it.

Usage (the project must have its bins installed with ``v8snap install --bin NAME``)::

    python benchmarks/bins.py tests/apps/clis --rounds 11
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import time
from pathlib import Path

from v8snap.launch.bins import ORIGINAL_JSON, installed_state
from v8snap.node import find_node
from v8snap.node.locate import npm_command

CASES: list[tuple[str, list[str], str]] = [
    ("tsc", ["--version"], ""),
    ("tsc", ["--noEmit", "src/bad.ts"], "typecheck"),
    ("eslint", ["src/bad.js"], "lint"),
    ("prettier", ["--check", "src"], "format"),
]


def _run(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, tuple[str, str, int]]:
    t = time.perf_counter()
    p = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)
    return (time.perf_counter() - t) * 1000, (p.stdout, p.stderr, p.returncode)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("project", type=Path)
    ap.add_argument("--rounds", type=int, default=11)
    opts = ap.parse_args()
    project = opts.project.resolve()
    node = find_node()
    env = {**os.environ, "PATH": f"{node.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("NODE_OPTIONS", None)
    rows = []
    for name, args, script in CASES:
        shadow = project / "node_modules" / ".bin" / name
        state = installed_state(shadow)
        if state is None:
            print(f"skipped {name}: not installed with v8snap install --bin")
            continue
        original = json.loads((state / ORIGINAL_JSON).read_text())["original"]
        target = (shadow.parent / original["target"]).resolve()
        strategy = json.loads((state / "snapshot-meta.json").read_text())["strategy"].get("chosen")
        _, ref = _run([str(target), *args], project, env)
        _, got = _run([str(shadow), *args], project, env)
        assert got == ref, f"{name} {args}: output differs\n{got}\n{ref}"
        if script:
            npm = [*npm_command(node), "run", "--silent", script]
            via_npm = _run(npm, project, env)[1]
            os.replace(shadow, shadow.with_name(f".{name}.bench"))
            try:
                shadow.symlink_to(original["target"])
                via_npm_ref = _run(npm, project, env)[1]
            finally:
                shadow.unlink()
                os.replace(shadow.with_name(f".{name}.bench"), shadow)
            assert via_npm == via_npm_ref, f"npm run {script}: output differs"
        plain_ms, snap_ms = [], []
        for _ in range(opts.rounds):
            plain_ms.append(_run([str(target), *args], project, env)[0])
            snap_ms.append(_run([str(shadow), *args], project, env)[0])
        p, s = statistics.median(plain_ms), statistics.median(snap_ms)
        rows.append(f"| `{name} {' '.join(args)}` | {strategy} | {p:.0f} ms | {s:.0f} ms | {p / s:.2f}× |")
    print(
        f"| command | launcher strategy | original | v8snap | speed-up |  ({opts.rounds} alternating rounds)"
    )
    print("|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
