"""Which exported bindings of an ES module are assigned after their declaration (live bindings).

Inside the blob an importer reads a converted module's exports through getters, so later assignments are
seen, as node's live bindings are. Across a facade (an importer node loads from disk, or ``import()``:
``js/loader/esm-hooks.js``) the values are those at the end of the module's evaluation; a module whose
exported bindings change later is therefore kept on disk when a facade could serve it (code ``LIVE_BINDING``).
The test is syntactic and errs on the side of "assigned": any assignment, update or ``for (x of/in)`` to
a name the module exports counts, whatever scope it is in.
"""

from __future__ import annotations

import tree_sitter as ts

from v8snap.syntax.tree import parse

_ASSIGN = {
    "assignment_expression": "left",
    "augmented_assignment_expression": "left",
    "update_expression": "argument",
    "for_in_statement": "left",
}
_NAMES = ("identifier", "shorthand_property_identifier_pattern")


def _names_in(node: ts.Node | None) -> set[str]:
    out: set[str] = set()
    stack = [node] if node is not None else []
    while stack:
        n = stack.pop()
        if n.type in _NAMES and n.text is not None:
            out.add(n.text.decode("utf-8", "replace"))
        elif n.type not in ("member_expression", "subscript_expression"):
            stack.extend(n.named_children)
    return out


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


def reassigned_exports(source: bytes) -> list[str]:
    """Exported local names of an ES module that are assigned somewhere other than their declaration.

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
    cursor = root.walk()
    while True:
        node = cursor.node
        if node is not None and node.type in _ASSIGN:
            assigned |= _names_in(node.child_by_field_name(_ASSIGN[node.type]))
        if cursor.goto_first_child() or cursor.goto_next_sibling():
            continue
        while True:
            if not cursor.goto_parent():
                return sorted(exported & assigned)
            if cursor.goto_next_sibling():
                break
