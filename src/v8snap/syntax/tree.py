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


def first_error_line(root: ts.Node) -> int:
    """1-based line of the first ERROR or MISSING node under ``root`` (``root.has_error`` must be true)."""
    node = root
    while True:
        for child in node.children:
            if child.is_error or child.is_missing:
                return child.start_point[0] + 1
            if child.has_error:
                node = child
                break
        else:
            return node.start_point[0] + 1


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
