"""npm tools the ES module conversion (apps and the embedding API) runs in node: esbuild (syntax) and
cjs-module-lexer (node's rules for the named exports of a CommonJS module imported from ESM).

Both install once per version into ``$V8SNAP_CACHE_DIR/tools/<name>-<version>`` with the npm bundled next to
our node (:func:`v8snap.node.npm.npm_tool`); the embedding API converts with the same esbuild.
``V8SNAP_ESBUILD_DIR`` / ``V8SNAP_LEXER_DIR`` point at a directory already holding the package.
"""

from __future__ import annotations

from pathlib import Path

from v8snap.node.npm import npm_tool

ESBUILD_VERSION = "0.25.12"
"""esbuild version installed from npm for ESM/TypeScript conversion (apps and the embedding API)."""

LEXER_VERSION = "2.1.0"
"""cjs-module-lexer version: the one node 24 embeds for ``import`` of CommonJS (its named exports)."""

__all__ = ["ESBUILD_VERSION", "LEXER_VERSION", "ensure_esbuild", "ensure_lexer"]


def ensure_esbuild(node: Path | None = None) -> Path:
    """Return a directory holding ``node_modules/esbuild`` (:func:`v8snap.node.npm.npm_tool`; the directory
    ``V8SNAP_ESBUILD_DIR`` names when set).

    Raises:
        V8SnapError: the install failed (e.g. no access to the npm registry).
    """
    return npm_tool("esbuild", ESBUILD_VERSION, node=node, env="V8SNAP_ESBUILD_DIR")


def ensure_lexer(node: Path | None = None) -> Path:
    """Return a directory holding ``node_modules/cjs-module-lexer`` (:func:`v8snap.node.npm.npm_tool`; the
    directory ``V8SNAP_LEXER_DIR`` names when set).

    Raises:
        V8SnapError: the install failed (e.g. no access to the npm registry).
    """
    return npm_tool("cjs-module-lexer", LEXER_VERSION, node=node, env="V8SNAP_LEXER_DIR")
