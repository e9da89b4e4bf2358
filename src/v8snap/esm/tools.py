"""npm tools the ES module conversion runs in node: esbuild (syntax) and cjs-module-lexer (node's rules
for the named exports of a CommonJS module imported from ESM).

Both install once per version into ``$V8SNAP_CACHE_DIR/tools/<name>-<version>`` with the npm bundled next to
our node, as :func:`v8snap.embed.esm.ensure_esbuild` does for esbuild (one installation path with the
embedding API). ``V8SNAP_LEXER_DIR`` points at a directory already holding ``node_modules/cjs-module-lexer``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from v8snap.embed.esm import _cache_dir, ensure_esbuild
from v8snap.node.npm import npm_install
from v8snap.util import atomic_write_text

LEXER_VERSION = "2.1.0"
"""cjs-module-lexer version: the one node 24 embeds for ``import`` of CommonJS (its named exports)."""

__all__ = ["LEXER_VERSION", "ensure_esbuild", "ensure_lexer"]


def ensure_lexer(node: Path | None = None) -> Path:
    """Return a directory holding ``node_modules/cjs-module-lexer``, installing it from npm on first use.

    Args:
        node: node binary whose npm installs it; default :func:`v8snap.node.find_node`.

    Returns:
        The directory (``V8SNAP_LEXER_DIR`` when set).

    Raises:
        V8SnapError: the install failed (e.g. no access to the npm registry).
    """
    explicit = os.environ.get("V8SNAP_LEXER_DIR")
    if explicit:
        return Path(explicit)
    tool = _cache_dir() / "tools" / f"cjs-module-lexer-{LEXER_VERSION}"
    if (tool / "node_modules" / "cjs-module-lexer" / "package.json").is_file():
        return tool
    tool.mkdir(parents=True, exist_ok=True)
    if not (tool / "package.json").is_file():
        atomic_write_text(tool / "package.json", json.dumps({"name": "v8snap-lexer", "private": True}))
    npm_install(tool, [f"cjs-module-lexer@{LEXER_VERSION}"], node=node)
    return tool
