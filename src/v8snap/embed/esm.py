"""ES modules and TypeScript given to ``Module``: the same conversion as an app's ES modules.

An ES module becomes a registry definition by :func:`v8snap.esm.convert.convert_sources`, the converter and
registry every ES module of an app goes through (``js/esm/convert.js``, ``js/prelude/esm-registry.js``):
live bindings, ``export *`` conflicts, default/named interop with CommonJS as node does it, ``import.meta``.
TypeScript/JSX (loaders ``ts``, ``tsx``, ``jsx``) first takes a syntax step, esbuild's transform to
JavaScript that keeps its ``import``/``export`` statements (``js/embed/typescript.js``). Detection of ESM uses
tree-sitter: a top-level ``import``/``export`` statement makes a module ESM.

esbuild and cjs-module-lexer are installed once per version with the npm bundled next to our node into
``$V8SNAP_CACHE_DIR`` (default ``~/.cache/v8snap``)``/tools/``; ``V8SNAP_ESBUILD_DIR`` / ``V8SNAP_LEXER_DIR``
point at directories that already hold them (offline use).
"""

from __future__ import annotations

import posixpath
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


def esm_filename(name: str) -> str:
    """The absolute filename an embedded ES module ``name`` has for the registry and ``import.meta``.

    ``"lib/util.mjs"`` -> ``"/lib/util.mjs"`` (``import.meta.url`` ``file:///lib/util.mjs``): fixed, so a
    value computed at build time is the one a runtime would compute.
    """
    return posixpath.normpath(posixpath.join("/", name))


@dataclass(frozen=True)
class Conversion:
    """One TypeScript/JSX source for :func:`to_javascript`. ``loader``: ``ts``, ``jsx`` or ``tsx``."""

    name: str
    source: str
    loader: str


def to_javascript(items: list[Conversion], *, node: Path | None = None) -> list[str]:
    """TypeScript/JSX sources as JavaScript, ``import``/``export`` kept (esbuild, one node process).

    Args:
        items: sources to transform.
        node: node binary; default :func:`v8snap.node.find_node`.

    Returns:
        The JavaScript sources, in the order of ``items``.

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
    reply = run_helper(node, "embed/typescript.js", payload)
    out: list[str] = []
    for item, res in zip(items, reply["results"], strict=True):
        if "error" in res:
            err = res["error"]
            raise V8SnapError(
                f"cannot transform {item.name} to JavaScript: {err['message']} "
                f"(line {err['line']}, column {err['column']})"
            )
        out.append(str(res["code"]))
    return out
