"""Find the static module specifiers of a JavaScript file with tree-sitter-javascript.

Static specifiers are string literals in ``require('x')`` (anywhere in the file, not only at top level),
``import ... from 'x'``, ``import 'x'``, ``export ... from 'x'`` and ``import('x')``. Template literals
without substitutions count as literals. Dynamic specifiers (``require(name)``, ``require('a' + b)``) are
not specifiers: they cannot be resolved ahead of time.

Shadowed ``require``: a call is ignored when ``require`` there resolves to a binding of the file itself (a
parameter: browserify/UMD bundles pass their own ``require``; ``var/let/const``, a function, a class,
``catch (require)``, a destructured name) rather than to the CommonJS wrapper's ``require``. The rules are
the snapshot printer's (:class:`v8snap.syntax.scopes.NameIndex`): one front end, one answer.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import tree_sitter as ts

from v8snap.syntax.scopes import NameIndex
from v8snap.syntax.tree import LANGUAGE, parse, syntax_error_line

SOURCE_MAP_COMMENT = re.compile(rb"/[*/][#@]\s+sourceMappingURL=\S")
"""A source map magic comment, as node's ``--enable-source-maps`` finds it."""

_QUERY = """
(call_expression function: (identifier) @fn (#eq? @fn "require")
  arguments: (arguments . [(string) (template_string)] @require))
(call_expression function: (import) arguments: (arguments . [(string) (template_string)] @dynamic))
(import_statement source: (string) @static)
(export_statement source: (string) @static)
"""


@dataclass(frozen=True)
class ParsedModule:
    """What parsing found in one file.

    Attributes:
        specifiers: static specifiers in source order, duplicates removed.
        has_esm_syntax: the file has top-level ``import``/``export`` statements or uses ``import.meta``
            (Node then treats an ambiguous ``.js`` file as ESM).
        has_errors: tree-sitter found syntax errors (the specifiers found are still reported).
        source_mapped: the file carries a source map magic comment (``//# sourceMappingURL=...``), the
            form node's ``--enable-source-maps`` looks for (docs/limits.md, "Source maps").
    """

    specifiers: tuple[str, ...]
    has_esm_syntax: bool
    has_errors: bool
    source_mapped: bool = False


@functools.cache
def _query() -> ts.Query:
    return ts.Query(LANGUAGE, _QUERY)


@functools.cache
def _names_query() -> ts.Query:
    return ts.Query(
        LANGUAGE,
        "[(identifier) (shorthand_property_identifier) (shorthand_property_identifier_pattern)] @id",
    )


def _literal(node: ts.Node) -> str | None:
    """Text of a string or substitution-free template literal; ``None`` when it is not a plain literal."""
    text = node.text.decode("utf-8", "replace") if node.text is not None else ""
    if node.type == "template_string" and any(c.type == "template_substitution" for c in node.children):
        return None
    if any(c.type == "escape_sequence" for c in node.children):
        # Escapes in module specifiers are vanishingly rare; decoding JS escapes here would be a home-made
        # lexer, so such specifiers are treated as dynamic.
        return None
    return text[1:-1] if len(text) >= 2 else None


def _require_index(root: ts.Node) -> NameIndex:
    """Every occurrence of the name ``require`` in the file, for scope resolution."""
    ids = ts.QueryCursor(_names_query()).captures(root).get("id", [])
    return NameIndex({"require": [n for n in ids if n.text == b"require"]})


def _has_esm_syntax(root: ts.Node) -> bool:
    for child in root.named_children:
        if child.type in ("import_statement", "export_statement"):
            return True
    # import.meta anywhere (rare enough that a query over the whole tree is not worth it when the file
    # already has top-level import/export).
    return b"import.meta" in (root.text or b"") and _contains_type(root, "meta_property")


def _contains_type(root: ts.Node, kind: str) -> bool:
    cursor = root.walk()
    while True:
        if cursor.node is not None and cursor.node.type == kind:
            return True
        if cursor.goto_first_child() or cursor.goto_next_sibling():
            continue
        while True:
            if not cursor.goto_parent():
                return False
            if cursor.goto_next_sibling():
                break


def parse_source(source: bytes) -> ParsedModule:
    """Parse JavaScript source and return its static specifiers.

    Args:
        source: file contents (UTF-8; a ``#!`` line is allowed).

    Returns:
        The specifiers in source order (duplicates removed), whether the file looks like ESM, and whether
        it has syntax errors.
    """
    tree = parse(source)
    found: list[tuple[int, str]] = []
    index: NameIndex | None = None
    for _pattern, captures in ts.QueryCursor(_query()).matches(tree.root_node):
        for name in ("require", "dynamic", "static"):
            for node in captures.get(name, []):
                if name == "require" and node.parent is not None:
                    index = index or _require_index(tree.root_node)
                    callee = node.parent.parent  # arguments -> call_expression
                    fn = callee.child_by_field_name("function") if callee is not None else None
                    if fn is not None and index.resolve("require", fn) is not None:
                        continue  # a binding of the file's own, not the module wrapper's require
                text = _literal(node)
                if text:
                    found.append((node.start_byte, text))
    found.sort()
    specifiers = tuple(dict.fromkeys(text for _pos, text in found))
    mapped = SOURCE_MAP_COMMENT.search(source) is not None
    return ParsedModule(
        specifiers, _has_esm_syntax(tree.root_node), syntax_error_line(tree.root_node) is not None, mapped
    )
