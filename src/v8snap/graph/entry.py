"""Find an app's main module from its package.json."""

from __future__ import annotations

import json
from pathlib import Path

from v8snap.errors import AppError, V8SnapError
from v8snap.graph.resolve import ResolveRequest, resolve_batch
from v8snap.node import find_node


def _read_package(root: Path) -> dict[str, object]:
    pkg = root / "package.json"
    if not pkg.is_file():
        return {}
    try:
        data = json.loads(pkg.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise AppError(f"cannot read {pkg}: {exc}") from exc
    return data if isinstance(data, dict) else {}


def package_bins(pkg: dict[str, object]) -> dict[str, str]:
    """The ``bin`` field of a package.json as npm reads it: name -> script path relative to the package.

    A string ``bin`` is one bin named after the package (its scope dropped). Entries that are not strings
    are ignored.
    """
    field = pkg.get("bin")
    if isinstance(field, str):
        name = str(pkg.get("name") or "").rsplit("/", 1)[-1]
        return {name: field} if field.strip() else {}
    if isinstance(field, dict):
        return {str(k): v for k, v in field.items() if isinstance(v, str) and v.strip()}
    return {}


def _installed_package(root: Path) -> bool:
    """``root`` is a package installed under a ``node_modules`` directory (not an app of its own)."""
    return "node_modules" in root.parts


def find_entry(root: Path, *, node: Path | None = None) -> Path:
    """Main module of the app at ``root``.

    Order: package.json ``main`` (resolved by Node, so ``"lib"`` or ``"lib/index"`` work as in
    ``require(root)``), else the first ``bin`` entry (a file path, as npm requires), else ``index.js``.
    A package installed in ``node_modules`` that declares a ``bin`` (``v8snap build node_modules/typescript``)
    is run through its bin, as npm runs it (``node_modules/.bin/tsc``): its ``main`` is a library entry. The
    bin named after the package wins, else the first.

    Args:
        root: app directory.
        node: node binary used to resolve ``main`` (default: :func:`v8snap.node.find_node`).

    Returns:
        Absolute path of the entry file.

    Raises:
        AppError: ``root`` is not a directory, package.json is unreadable, ``main``/``bin`` point to a
            missing file, or there is no package.json entry and no ``index.js``.
    """
    root = root.resolve()
    if not root.is_dir():
        raise AppError(f"app root is not a directory: {root}")
    pkg = _read_package(root)
    main = pkg.get("main")
    bins = package_bins(pkg)
    first_bin = next(iter(bins.values()), None)
    if bins and _installed_package(root):
        main = None  # the bin, below
        first_bin = bins.get(str(pkg.get("name") or "").rsplit("/", 1)[-1]) or first_bin
    if isinstance(main, str) and main.strip():
        try:
            result = resolve_batch(
                node or find_node(), [ResolveRequest(root / "package.json", "./" + main)], cwd=root
            )[0]
        except V8SnapError as exc:
            raise AppError(f"cannot resolve package.json main {main!r}: {exc}") from exc
        if not result.resolved or result.resolved.startswith("node:"):
            raise AppError(
                f"package.json main {main!r} does not exist in {root} ({result.code or 'unresolved'})",
                hint="fix package.json main or pass the entry explicitly",
            )
        return Path(result.resolved)
    if isinstance(first_bin, str) and first_bin.strip():
        path = (root / first_bin).resolve()
        if not path.is_file():
            raise AppError(f"package.json bin {first_bin!r} is not a file in {root}")
        return path
    index = root / "index.js"
    if index.is_file():
        return index.resolve()
    raise AppError(
        f"no entry point in {root}: package.json has no main or bin and there is no index.js",
        hint='add "main" to package.json or pass the entry explicitly',
    )
