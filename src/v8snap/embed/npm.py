"""npm packages in an embedding snapshot (``SnapshotBuilder.with_npm_package``).

The packages go through the app pipeline (:func:`v8snap.pipeline.library_fragment`: trace, verifier,
blueprint in library mode); the fragment it returns is placed in the embedding snapshot script and defines
``globalThis.__v8snap_require(request)``.
"""

from __future__ import annotations

from pathlib import Path


def npm_fragment(app_root: Path, requests: list[str], *, node: Path) -> str:
    """JS source defining ``globalThis.__v8snap_require`` for ``requests`` resolved from ``app_root``.

    Args:
        app_root: directory whose ``node_modules`` holds the packages.
        requests: ``require`` requests (package names or deep paths).
        node: node binary.

    Returns:
        The snapshot-script fragment.

    Raises:
        GraphError: a request cannot be loaded by node from ``app_root``.
    """
    # The whole app pipeline (tree-sitter, doctor, printer): imported when a package is added, not by
    # `import v8snap` (see test_import_cost).
    from v8snap.pipeline import library_fragment

    return library_fragment(app_root, requests, node=node)
