"""`import v8snap` for a Runtime loads the embedding API only, not the app pipeline."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ["v8snap.pipeline", "v8snap.doctor.engine", "v8snap.graph", "tree_sitter", "asyncio", "rich", "typer"]


def test_import_cost() -> None:
    # A Python program that boots JS runtimes pays for v8snap's import at every start (it was 0.2 s with
    # the pipeline, tree-sitter and asyncio imported eagerly). They load on first use instead.
    code = (
        "import sys, json; from v8snap import Module, Runtime, RuntimeOptions, SnapshotBuilder; "
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == []
