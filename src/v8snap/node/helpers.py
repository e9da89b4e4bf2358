"""Run the JavaScript helpers shipped as package data in ``v8snap/js``."""

from __future__ import annotations

import json
import subprocess
from importlib import resources
from pathlib import Path
from typing import Any

from v8snap.errors import NodeProcessError
from v8snap.util import node_error_excerpt


def js_path(name: str) -> Path:
    """Absolute path of a shipped JS file, e.g. ``js_path("verifier.js")``."""
    return Path(str(resources.files("v8snap") / "js" / name))


def js_part(name: str) -> str:
    """Source of one part of a snapshot script: the ``.js`` files of directory ``v8snap/js/<name>``.

    A snapshot script is one classic script, so a part split by concern into small files is put back
    together here: the files in name order, joined by a newline (``js/README.md`` describes the parts and
    their rules; ``tests/js`` and ``embed/server.js`` join them the same way).

    Args:
        name: part directory inside ``v8snap/js``, e.g. ``"prelude"``, ``"loader"``, ``"embed/runtime"``.

    Returns:
        The part's source text.

    Raises:
        FileNotFoundError: there is no such directory, or it holds no ``.js`` file.
    """
    files = sorted(js_path(name).glob("*.js"))
    if not files:
        raise FileNotFoundError(f"no snapshot script part {name!r} in {js_path(name)}")
    return "\n".join(f.read_text(encoding="utf-8") for f in files)


def run_helper(
    node: Path,
    name: str,
    payload: Any,
    *,
    cwd: Path | None = None,
    timeout: float = 120.0,
) -> Any:
    """Run ``node js/<name> `` with ``payload`` as JSON on stdin; return the JSON it prints on stdout.

    Args:
        node: node binary.
        name: file name inside ``v8snap/js``.
        payload: any JSON-serialisable value.
        cwd: working directory of the helper.
        timeout: seconds before the helper is killed.

    Raises:
        NodeProcessError: the helper exited non-zero, timed out or printed no JSON.
    """
    try:
        proc = subprocess.run(
            [str(node), str(js_path(name))],
            input=json.dumps(payload),
            capture_output=True,
            text=True,
            cwd=cwd,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        raise NodeProcessError(f"JS helper {name} timed out after {timeout:.0f} s") from exc
    if proc.returncode != 0:
        tail = node_error_excerpt(proc.stderr or proc.stdout, max_lines=5).splitlines()
        raise NodeProcessError(f"JS helper {name} failed (exit {proc.returncode}): {' | '.join(tail)}")
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise NodeProcessError(f"JS helper {name} printed no JSON: {proc.stdout[:200]!r}") from exc
