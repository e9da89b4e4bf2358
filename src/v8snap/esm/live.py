"""Which exported bindings of an ES module are assigned after their declaration (live bindings).

Inside the blob an importer reads a converted module's exports through getters, so later assignments are
seen, as node's live bindings are. Across a facade (an importer node loads from disk, or ``import()``:
``js/loader/esm-hooks.js``) the values are those at the end of the module's evaluation; a module whose
exported bindings change later is therefore kept on disk when a facade could serve it (code ``LIVE_BINDING``).
The test is syntactic and errs on the side of "assigned". An assignment, update or ``for (x of/in)`` to a
name the module exports counts when it can run after the module's evaluation, inside a function or a class
body (top-level code, such as TypeScript's enum ``(function (E) {...})(E || (E = {}))``, runs only while the
module evaluates, and a facade takes the values after that), unless a scope around it declares that name
again (a parameter, a ``var`` of the enclosing function, a ``let``/``const``/``class``/``function`` of an
enclosing block, a ``catch`` parameter, a ``for (let/const ...)`` head): there the name is another binding
(d3's ``export default function count() { let count = 0; ... ++count }``). Anything the scan does not
recognize counts as assigned.
"""

from __future__ import annotations

from collections.abc import Callable

import tree_sitter as ts

from v8snap.syntax.tree import parse

_ASSIGN = {
    "assignment_expression": "left",
    "augmented_assignment_expression": "left",
    "update_expression": "argument",
    "for_in_statement": "left",
}
_NAMES = ("identifier", "shorthand_property_identifier_pattern")


def _collect_names(node: ts.Node | None, inner: Callable[[ts.Node], list[ts.Node | None]]) -> set[str]:
    """Identifier names under ``node``; ``inner(n)`` gives the children of a non-name node to look into."""
    out: set[str] = set()
    stack: list[ts.Node | None] = [node]
    while stack:
        n = stack.pop()
        if n is None:
            continue
        if n.type in _NAMES and n.text is not None:
            out.add(n.text.decode("utf-8", "replace"))
        else:
            stack.extend(inner(n))
    return out


def _names_in(node: ts.Node | None) -> set[str]:
    """Names an assignment target writes (not through a member or subscript)."""
    skip = ("member_expression", "subscript_expression")
    return _collect_names(node, lambda n: [] if n.type in skip else list(n.named_children))


def _exported_locals(root: ts.Node) -> set[str]:
    out: set[str] = set()
    for stmt in root.named_children:
        if stmt.type != "export_statement" or stmt.child_by_field_name("source") is not None:
            continue
        decl = stmt.child_by_field_name("declaration")
        if decl is not None and decl.type in ("lexical_declaration", "variable_declaration"):
            for d in decl.named_children:
                out |= _names_in(d.child_by_field_name("name"))
        elif decl is not None:
            out |= _names_in(decl.child_by_field_name("name"))
        for clause in (c for c in stmt.named_children if c.type == "export_clause"):
            for spec in clause.named_children:
                name = spec.child_by_field_name("name")
                if name is not None and name.type == "identifier" and name.text is not None:
                    out.add(name.text.decode("utf-8", "replace"))
    return out


_FUNCTIONS = frozenset(
    {
        "function_declaration",
        "function_expression",
        "function",
        "arrow_function",
        "method_definition",
        "generator_function_declaration",
        "generator_function",
    }
)
_BLOCK_DECLARATIONS = frozenset({"lexical_declaration", "class_declaration", "function_declaration"})


def _bound(pattern: ts.Node | None) -> set[str]:
    """Names a binding pattern declares (not the names its default values read)."""

    def inner(n: ts.Node) -> list[ts.Node | None]:
        if n.type in ("assignment_pattern", "object_assignment_pattern"):
            return [n.child_by_field_name("left")]
        if n.type == "pair_pattern":
            return [n.child_by_field_name("value")]
        if n.type in ("object_pattern", "array_pattern", "rest_pattern", "formal_parameters"):
            return list(n.named_children)
        return []

    return _collect_names(pattern, inner)


def _declared_by(node: ts.Node) -> set[str]:
    """Names a declaration statement binds in its block (``let``/``const``/``var``, class, function)."""
    if node.type in ("lexical_declaration", "variable_declaration"):
        out: set[str] = set()
        for d in node.named_children:
            if d.type == "variable_declarator":
                out |= _bound(d.child_by_field_name("name"))
        return out
    name = node.child_by_field_name("name")
    return {name.text.decode("utf-8", "replace")} if name is not None and name.text is not None else set()


def _function_vars(fn: ts.Node) -> set[str]:
    """``var`` names anywhere in a function's body (hoisted to it), not inside nested functions."""
    out: set[str] = set()
    body = fn.child_by_field_name("body")
    stack = [body] if body is not None else []
    while stack:
        n = stack.pop()
        if n.type == "variable_declaration":
            out |= _declared_by(n)
        elif n.type == "for_in_statement" and _kind(n) == "var":
            out |= _bound(n.child_by_field_name("left"))
        if n.type not in _FUNCTIONS:
            stack.extend(n.named_children)
    return out


def _kind(node: ts.Node) -> str:
    kind = node.child_by_field_name("kind")
    return kind.text.decode() if kind is not None and kind.text is not None else ""


def _scope_names(scope: ts.Node) -> set[str]:
    """Names ``scope`` (a node between an assignment and the module's top level) declares for its inside."""
    t = scope.type
    if t in _FUNCTIONS:
        params = scope.child_by_field_name("parameters") or scope.child_by_field_name("parameter")
        return _bound(params) | _function_vars(scope)
    if t == "statement_block":
        return set().union(*(_declared_by(c) for c in scope.named_children if c.type in _BLOCK_DECLARATIONS))
    if t == "switch_body":
        cases = [s for c in scope.named_children for s in c.named_children]
        return set().union(*(_declared_by(s) for s in cases if s.type in _BLOCK_DECLARATIONS))
    if t == "for_statement":
        init = scope.child_by_field_name("initializer")
        return _declared_by(init) if init is not None and init.type == "lexical_declaration" else set()
    if t == "for_in_statement" and _kind(scope) in ("let", "const"):
        return _bound(scope.child_by_field_name("left"))
    if t == "catch_clause":
        return _bound(scope.child_by_field_name("parameter"))
    return set()


def _targets(node: ts.Node) -> set[str]:
    """Names an assignment-like node assigns (a ``for (let/const x of ...)`` head declares: none)."""
    if node.type == "for_in_statement" and _kind(node) in ("let", "const"):
        return set()
    return _names_in(node.child_by_field_name(_ASSIGN[node.type]))


def _shadowed(node: ts.Node, name: str, cache: dict[tuple[int, int, str], set[str]]) -> bool:
    """Whether a scope between ``node`` and the module's top level declares ``name`` again."""
    child, scope = node, node.parent
    while scope is not None and scope.type != "program":
        if scope.type in _FUNCTIONS and child.type == "formal_parameters":
            # a default value sees the parameters, not the body's vars
            names = _bound(child)
        else:
            key = (scope.start_byte, scope.end_byte, scope.type)
            if key not in cache:
                cache[key] = _scope_names(scope)
            names = cache[key]
        if name in names:
            return True
        child, scope = scope, scope.parent
    return False


def _after_evaluation(node: ts.Node) -> bool:
    """Whether ``node`` can run after its module's evaluation: it is inside a function or a class body."""
    up = node.parent
    while up is not None:
        if up.type in _FUNCTIONS or up.type == "class_body":
            return True
        up = up.parent
    return False


def reassigned_exports(source: bytes) -> list[str]:
    """Exported local names of an ES module that may be assigned after its evaluation (module docstring).

    Args:
        source: the module's source (UTF-8).

    Returns:
        The names, sorted (empty when every export keeps its first value).
    """
    root = parse(source).root_node
    exported = _exported_locals(root)
    if not exported:
        return []
    assigned: set[str] = set()
    cache: dict[tuple[int, int, str], set[str]] = {}
    cursor = root.walk()
    while True:
        node = cursor.node
        if node is not None and node.type in _ASSIGN and _after_evaluation(node):
            assigned |= {n for n in _targets(node) & exported if not _shadowed(node, n, cache)}
        if cursor.goto_first_child() or cursor.goto_next_sibling():
            continue
        while True:
            if not cursor.goto_parent():
                return sorted(assigned)
            if cursor.goto_next_sibling():
                break
