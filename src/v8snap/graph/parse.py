"""Find the static module specifiers of a JavaScript file with tree-sitter-javascript.

Static specifiers are string literals in ``require('x')`` (anywhere in the file, not only at top level),
``import ... from 'x'``, ``import 'x'``, ``export ... from 'x'`` and ``import('x')``. Template literals
without substitutions count as literals. Dynamic specifiers (``require(name)``, ``require('a' + b)``) are
not specifiers: they cannot be resolved ahead of time.

Shadowed ``require`` (best effort): a call is ignored when an enclosing function declares a parameter named
``require`` (browserify/UMD bundles pass their own ``require``) or an enclosing block or the program declares
``var/let/const require`` or ``function require``. Other shadowing (``catch (require)``, assignment to a
global ``require``) is not detected; such specifiers usually fail to resolve and are then reported as
unresolved, which is harmless.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import tree_sitter as ts
import tree_sitter_javascript as tsj

_QUERY = """
(call_expression function: (identifier) @fn (#eq? @fn "require")
  arguments: (arguments . [(string) (template_string)] @require))
(call_expression function: (import) arguments: (arguments . [(string) (template_string)] @dynamic))
(import_statement source: (string) @static)
(export_statement source: (string) @static)
"""

_FUNCTIONS = frozenset(
    {
        "function_declaration",
        "function_expression",
        "function",
        "arrow_function",
        "method_definition",
        "generator_function",
        "generator_function_declaration",
    }
)
_SCOPES = frozenset({"program", "statement_block", "class_body", "switch_body"})


@dataclass(frozen=True)
class ParsedModule:
    """What parsing found in one file.

    Attributes:
        specifiers: static specifiers in source order, duplicates removed.
        has_esm_syntax: the file has top-level ``import``/``export`` statements or uses ``import.meta``
            (Node then treats an ambiguous ``.js`` file as ESM).
        has_errors: tree-sitter found syntax errors (the specifiers found are still reported).
    """

    specifiers: tuple[str, ...]
    has_esm_syntax: bool
    has_errors: bool


@functools.cache
def _language() -> ts.Language:
    return ts.Language(tsj.language())


@functools.cache
def _query() -> ts.Query:
    return ts.Query(_language(), _QUERY)


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


def _declares_require(node: ts.Node) -> bool:
    """Whether ``node`` (a function or a scope) declares a binding named ``require`` directly."""
    if node.type in _FUNCTIONS:
        params = node.child_by_field_name("parameters") or node.child_by_field_name("parameter")
        if params is None:
            return False
        if params.type == "identifier":
            return params.text == b"require"
        return any(_binds_require(p) for p in params.named_children)
    for child in node.named_children:
        if child.type in ("lexical_declaration", "variable_declaration"):
            for decl in child.named_children:
                name = decl.child_by_field_name("name")
                if name is not None and name.type == "identifier" and name.text == b"require":
                    return True
        elif child.type == "function_declaration":
            name = child.child_by_field_name("name")
            if name is not None and name.text == b"require":
                return True
    return False


def _binds_require(param: ts.Node) -> bool:
    if param.type == "identifier":
        return param.text == b"require"
    if param.type == "assignment_pattern":
        left = param.child_by_field_name("left")
        return left is not None and left.type == "identifier" and left.text == b"require"
    return False


def _shadowed(call: ts.Node) -> bool:
    node = call.parent
    while node is not None:
        if (node.type in _FUNCTIONS or node.type in _SCOPES) and _declares_require(node):
            return True
        node = node.parent
    return False


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
    tree = ts.Parser(_language()).parse(source)
    found: list[tuple[int, str]] = []
    for _pattern, captures in ts.QueryCursor(_query()).matches(tree.root_node):
        for name in ("require", "dynamic", "static"):
            for node in captures.get(name, []):
                if name == "require" and node.parent is not None and _shadowed(node.parent):
                    continue
                text = _literal(node)
                if text:
                    found.append((node.start_byte, text))
    found.sort()
    specifiers = tuple(dict.fromkeys(text for _pos, text in found))
    return ParsedModule(specifiers, _has_esm_syntax(tree.root_node), tree.root_node.has_error)
