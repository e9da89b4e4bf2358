#!/usr/bin/env python3
"""Lint and type-check v8snap's JavaScript: file length, ESLint, then TypeScript's checker on JSDoc types.

Run from anywhere with v8snap importable (``.ci/run`` calls it after mypy)::

    python tools/lint_js.py

The tools are the exact versions pinned in ``tools/js/package.json`` and ``tools/js/package-lock.json``,
installed with the npm bundled next to v8snap's node (``npm ci``, once per lockfile) into
``tools/js/node_modules`` (git-ignored). Exit status 0 when every check passes, 1 otherwise (each tool prints
its own findings); an npm failure raises ``V8SnapError``. Every ``src/v8snap/js`` file stays within
``MAX_LINES`` (issue 13: one concern per file; ``src/v8snap/js/README.md``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from v8snap.node import find_node
from v8snap.node.npm import ensure_installed

TOOLS = Path(__file__).resolve().parent / "js"
ROOT = TOOLS.parents[1]
MAX_LINES = 150
TS_PROJECTS = ("tsconfig.helpers.json", "tsconfig.snapshot.json", "tsconfig.embed.json")
"""One TypeScript project per kind of file: node helper modules, and each snapshot script's parts (their
files share one scope, so each set is checked as one program)."""


def too_long() -> list[str]:
    """``src/v8snap/js`` files longer than ``MAX_LINES`` or holding a character outside ASCII, as
    ``path: why`` (relative to the repo). The parts are joined into the snapshot script: one character above
    U+00FF anywhere makes V8 keep the whole script text two bytes a character in every blob (observed: a
    dash in a comment added 0.4 MB to each blob's heap, node 24)."""
    out = []
    for f in sorted((ROOT / "src" / "v8snap" / "js").rglob("*.js")):
        text = f.read_text(encoding="utf-8")
        n = len(text.splitlines())
        if n > MAX_LINES:
            out.append(f"{f.relative_to(ROOT)}: {n} lines (at most {MAX_LINES})")
        bad = next((i for i, ch in enumerate(text) if ord(ch) > 0x7F), None)
        if bad is not None:
            line = text.count("\n", 0, bad) + 1
            out.append(f"{f.relative_to(ROOT)}:{line}: a character outside ASCII ({text[bad]!r})")
    return out


def main() -> int:
    long_files = too_long()
    for line in long_files:
        print(f"lint-js: {line}", flush=True)
    node = find_node()
    ensure_installed(TOOLS, node=node)
    modules = TOOLS / "node_modules"
    checks = [
        [
            str(modules / "eslint" / "bin" / "eslint.js"),
            "--config",
            str(TOOLS / "eslint.config.mjs"),
            "--max-warnings=0",
            "src/v8snap/js",
            "tests/js",
        ],
        *([str(modules / "typescript" / "bin" / "tsc"), "-p", str(TOOLS / p)] for p in TS_PROJECTS),
    ]
    failed = 0
    for argv in checks:
        name = Path(argv[0]).parent.parent.name
        proc = subprocess.run([str(node), *argv], cwd=ROOT, check=False)
        verdict = "ok" if proc.returncode == 0 else "FAILED"
        print(f"lint-js: {name} {' '.join(argv[2:])}: {verdict}", flush=True)
        failed += proc.returncode != 0
    return 1 if failed or long_files else 0


if __name__ == "__main__":
    sys.exit(main())
