"""Tree-sitter plumbing shared by the printer: one parser, node-type sets, small node helpers."""

from __future__ import annotations

import threading

import tree_sitter as ts
import tree_sitter_javascript as tsj

LANGUAGE = ts.Language(tsj.language())

_local = threading.local()

FUNCTION_TYPES = frozenset(
    {
        "function_declaration",
        "function_expression",
        "generator_function_declaration",
        "generator_function",
        "arrow_function",
        "method_definition",
    }
)
"""Nodes that open a function scope (``var`` hoists to them; their bodies do not run when defined)."""

BLOCK_TYPES = frozenset(
    {"statement_block", "for_statement", "for_in_statement", "switch_body", "catch_clause", "class_body"}
)
"""Nodes that open a block scope for ``let``/``const``/``class``."""

PATTERN_TYPES = frozenset({"object_pattern", "array_pattern", "rest_pattern"})


def parser() -> ts.Parser:
    """Return this thread's tree-sitter JavaScript parser (parsers are not thread-safe)."""
    p: ts.Parser | None = getattr(_local, "parser", None)
    if p is None:
        p = ts.Parser(LANGUAGE)
        _local.parser = p
    return p


def parse(src: bytes) -> ts.Tree:
    """Parse UTF-8 JavaScript source (a CommonJS module body; top-level ``return`` is accepted)."""
    return parser().parse(src)


def syntax_error_line(root: ts.Node) -> int | None:
    """1-based line of the first real syntax error under ``root``, or None when the tree has none.

    The grammar (tree-sitter-javascript 0.25) does not apply automatic semicolon insertion after a class
    field without an initializer when the next member starts with ``[`` (``#abort`` then ``[kResume] =
    null`` on the next line, as in undici): it recovers with a MISSING ``;`` after that field, or with an
    ERROR node holding only the field's name. Neither is an error: ECMAScript inserts the semicolon there
    (a field name cannot be followed by ``[``), and the tree keeps every identifier the printer needs."""
    if not root.has_error:
        return None
    stack = [root]
    while stack:
        node = stack.pop()
        if (node.is_error or node.is_missing) and not _asi_after_field(node):
            return node.start_point[0] + 1
        if not node.is_error:
            stack.extend(reversed([c for c in node.children if c.has_error or c.is_missing]))
    return None


_FIELD_NAMES = frozenset({"property_identifier", "private_property_identifier"})


def _asi_after_field(node: ts.Node) -> bool:
    """``node`` is the grammar's recovery from a field name ending its line in a class body."""
    parent, after = node.parent, node.next_sibling
    if parent is None or after is None or after.start_point[0] <= node.end_point[0]:
        return False
    if parent.type == "field_definition" and parent.parent is not None:
        parent = parent.parent
    if parent.type != "class_body":
        return False
    if node.is_missing:
        prev = node.prev_sibling
        return (
            node.type == ";"
            and prev is not None
            and prev.type == "field_definition"
            and prev.child_by_field_name("value") is None
            and after.start_point[0] > prev.end_point[0]
        )
    return node.child_count == 1 and node.children[0].type in _FIELD_NAMES


def text(node: ts.Node) -> str:
    """Source text of ``node`` as str."""
    raw = node.text
    return raw.decode("utf-8", "replace") if raw is not None else ""


def ancestors(node: ts.Node) -> list[ts.Node]:
    """Parents of ``node`` from the nearest up to the root."""
    out: list[ts.Node] = []
    p = node.parent
    while p is not None:
        out.append(p)
        p = p.parent
    return out


def unparen(node: ts.Node | None) -> ts.Node | None:
    """Strip any number of parentheses around an expression."""
    while node is not None and node.type == "parenthesized_expression" and node.named_child_count == 1:
        node = node.named_children[0]
    return node


def string_value(node: ts.Node) -> str | None:
    """Value of a plain string literal (or a template without substitutions and escapes), else ``None``."""
    if node.type == "string":
        parts = node.named_children
        if all(p.type == "string_fragment" for p in parts):
            return "".join(text(p) for p in parts)
        return None
    if node.type == "template_string":
        parts = node.named_children
        if all(p.type == "string_fragment" for p in parts):
            return "".join(text(p) for p in parts)
    return None
