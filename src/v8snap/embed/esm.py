"""ES module → CommonJS conversion for the embedding API, with esbuild from npm.

A snapshot script is one classic script, so ES modules (and TypeScript) given to ``Module`` are converted to
CommonJS with esbuild's ``transformSync`` (``format: "cjs"``): ``export function f`` becomes ``exports.f``,
``import x from "./y.js"`` becomes ``require("./y.js")``. esbuild is installed once per version with the npm
bundled next to our node into ``$V8SNAP_CACHE_DIR`` (default ``~/.cache/v8snap``)``/tools/esbuild-<ver>``;
``V8SNAP_ESBUILD_DIR`` points at a directory that already holds ``node_modules/esbuild`` (offline use).
Detection of ESM uses tree-sitter: a top-level ``import``/``export`` statement makes a module ESM.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from v8snap.errors import V8SnapError
from v8snap.node import find_node, run_helper
from v8snap.node.tools import ensure_esbuild

_ESM_NODES = frozenset({"import_statement", "export_statement"})


def looks_like_esm(source: str) -> bool:
    """Tell whether ``source`` has a top-level ``import`` or ``export`` statement (tree-sitter parse).

    Args:
        source: JavaScript source text.

    Returns:
        True for an ES module; False for a script/CommonJS module (``import()`` expressions do not count).
    """
    # Imported on first use: `import v8snap` for a Runtime should not load the parser (test_import_cost).
    from v8snap.syntax.tree import parse

    tree = parse(source.encode("utf-8"))
    return any(child.type in _ESM_NODES for child in tree.root_node.children)


@dataclass(frozen=True)
class Conversion:
    """One source to convert. ``loader`` is an esbuild loader: ``js``, ``ts``, ``jsx`` or ``tsx``."""

    name: str
    source: str
    loader: str = "js"


def to_commonjs(items: list[Conversion], *, node: Path | None = None) -> list[str]:
    """Convert ES modules / TypeScript sources to CommonJS, in one node process.

    Args:
        items: sources to convert.
        node: node binary; default :func:`v8snap.node.find_node`.

    Returns:
        The CommonJS sources, in the order of ``items``.

    Raises:
        V8SnapError: a source does not parse (the message names the module, line and column) or esbuild
            could not be installed.
    """
    if not items:
        return []
    node = node or find_node()
    payload = {
        "esbuild": str(ensure_esbuild(node)),
        "items": [{"name": i.name, "source": i.source, "loader": i.loader} for i in items],
    }
    reply = run_helper(node, "embed/esm_to_cjs.js", payload)
    out: list[str] = []
    for item, res in zip(items, reply["results"], strict=True):
        if "error" in res:
            err = res["error"]
            raise V8SnapError(
                f"cannot convert {item.name} to CommonJS: {err['message']} "
                f"(line {err['line']}, column {err['column']})"
            )
        out.append(str(res["code"]))
    return out
