"""npm packages in an embedding snapshot (``SnapshotBuilder.with_npm_package``).

The fragment placed in the snapshot script defines ``globalThis.__v8snap_require(request)`` returning a
package's exports. When the app pipeline offers ``v8snap.pipeline.library_fragment`` (graph + rewrite +
doctor), that is used. Until then an interim bundler runs here: a node helper (``js/embed/npm_bundle.js``)
loads each request from ``app_root`` with Node's own resolver, records every resolution and every module
file it loaded, and prints a fragment holding those modules as functions plus the resolution map; at build
time each requested package is initialized (healthy) if that works, else left to initialize on first call.
The interim path has no doctor: a package that leaves build-time hazards behind (timers, sockets) may
still break the build (``SnapshotBuildError``).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from v8snap.node import run_helper


def npm_fragment(app_root: Path, requests: list[str], *, node: Path) -> str:
    """JS source defining ``globalThis.__v8snap_require`` for ``requests`` resolved from ``app_root``.

    Args:
        app_root: directory whose ``node_modules`` holds the packages.
        requests: ``require`` requests (package names or deep paths).
        node: node binary.

    Returns:
        A JS fragment to evaluate inside the snapshot script.

    Raises:
        V8SnapError: a request cannot be resolved or loaded.
    """
    try:
        pipeline: Any = importlib.import_module("v8snap.pipeline")
    except ImportError:
        pipeline = None
    if pipeline is not None and hasattr(pipeline, "library_fragment"):
        return str(pipeline.library_fragment(app_root, requests, node=node))
    reply = run_helper(
        node, "embed/npm_bundle.js", {"root": str(app_root), "requests": requests}, cwd=app_root
    )
    return str(reply["fragment"])
