"""Name resolution over a tree-sitter tree, driven by the occurrences of the names we care about.

Instead of building every scope of a (possibly 9 MB) module, the index looks only at the identifiers
whose text is one of the names of interest: each occurrence is classified as a binding (and the scope
it declares into), a reference, or a write; a reference then resolves to the nearest enclosing scope
that declares the name, or to ``None`` (a global, or a parameter of the CommonJS module wrapper).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import tree_sitter as ts

from v8snap.syntax.tree import BLOCK_TYPES, FUNCTION_TYPES, PATTERN_TYPES, ancestors

Role = Literal["bind", "ref", "shorthand", "write"]

_VAR_SCOPE_TYPES = FUNCTION_TYPES | {"program", "class_static_block"}


def scope_key(node: ts.Node) -> int:
    """Identity of the scope opened by ``node``; a function's body block is the function's scope."""
    if node.type == "statement_block":
        parent = node.parent
        if parent is not None and (parent.type in FUNCTION_TYPES or parent.type == "class_static_block"):
            return parent.id
    return node.id


def _nearest(node: ts.Node, types: frozenset[str]) -> ts.Node:
    p: ts.Node | None = node
    while p is not None:
        if p.type in types or p.type == "program":
            return p
        p = p.parent
    raise AssertionError("node outside a program")


def var_scope(node: ts.Node) -> int:
    """Scope a ``var`` declaration at ``node`` hoists into."""
    return scope_key(_nearest(node, _VAR_SCOPE_TYPES))


def block_scope(node: ts.Node) -> int:
    """Scope a ``let``/``const``/``class`` declaration at ``node`` belongs to."""
    return scope_key(_nearest(node, BLOCK_TYPES | FUNCTION_TYPES | {"class_static_block"}))


@dataclass
class Occurrence:
    """One occurrence of a name.

    Attributes:
        node: the identifier node.
        role: ``bind`` (declares), ``ref`` (reads), ``shorthand`` (``{x}`` in an object literal: reads),
            ``write`` (assignment target).
        scopes: for ``bind``: the scope keys it declares into.
        declarator: for a binding made by ``var/let/const``: the ``variable_declarator``.
        simple_assign: for ``write``: the target is the bare identifier of a plain ``=`` assignment.
    """

    node: ts.Node
    role: Role
    scopes: tuple[int, ...] = ()
    declarator: ts.Node | None = None
    simple_assign: bool = False


def _field_is(parent: ts.Node, child: ts.Node, name: str) -> bool:
    f = parent.child_by_field_name(name)
    return f is not None and f.id == child.id


def classify(ident: ts.Node) -> Occurrence:
    """Classify one identifier-like node (see :class:`Occurrence`)."""
    if ident.type == "shorthand_property_identifier":
        return Occurrence(ident, "shorthand")
    child = ident
    parent = ident.parent
    while parent is not None:
        t = parent.type
        in_pattern = (
            t in PATTERN_TYPES
            or (t == "pair_pattern" and _field_is(parent, child, "value"))
            or (t in ("assignment_pattern", "object_assignment_pattern") and _field_is(parent, child, "left"))
        )
        if not in_pattern:
            break
        child = parent
        parent = parent.parent
    if parent is None:
        return Occurrence(ident, "ref")
    t = parent.type
    direct = child.id == ident.id
    if t == "variable_declarator" and _field_is(parent, child, "name"):
        decl = parent.parent
        kind = decl.child(0).type if decl is not None and decl.child_count else "var"
        scope = var_scope(parent) if kind == "var" else block_scope(decl or parent)
        return Occurrence(ident, "bind", (scope,), declarator=parent)
    if t == "formal_parameters":
        fn = parent.parent
        return Occurrence(ident, "bind", (fn.id,) if fn is not None else ())
    if t == "arrow_function" and _field_is(parent, child, "parameter"):
        return Occurrence(ident, "bind", (parent.id,))
    if t == "catch_clause" and _field_is(parent, child, "parameter"):
        return Occurrence(ident, "bind", (parent.id,))
    if t == "for_in_statement" and _field_is(parent, child, "left"):
        kind_node = parent.child_by_field_name("kind")
        if kind_node is None:
            return Occurrence(ident, "write")
        if kind_node.type == "var":
            return Occurrence(ident, "bind", (var_scope(parent),))
        return Occurrence(ident, "bind", (parent.id,))
    if t == "assignment_expression" and _field_is(parent, child, "left"):
        return Occurrence(ident, "write", simple_assign=direct)
    if t == "augmented_assignment_expression" and _field_is(parent, child, "left"):
        return Occurrence(ident, "write")
    if t == "update_expression" and direct:
        return Occurrence(ident, "write")
    if direct and _field_is(parent, child, "name"):
        if t in ("function_declaration", "generator_function_declaration"):
            # Annex B: a function declared in a block is also var-bound in the enclosing function.
            outer = parent.parent or parent
            return Occurrence(ident, "bind", (block_scope(outer), var_scope(outer)))
        if t == "class_declaration":
            return Occurrence(ident, "bind", (block_scope(parent.parent or parent),))
        if t in ("function_expression", "generator_function", "class"):
            return Occurrence(ident, "bind", (parent.id,))
    if not direct:
        # inside a pattern we do not know (e.g. an assignment pattern): treat it as a write target
        return Occurrence(ident, "write")
    return Occurrence(ident, "ref")


@dataclass
class NameIndex:
    """Occurrences of a set of names, classified lazily, with resolution of references.

    Attributes:
        nodes: identifier-like nodes by name text.
    """

    nodes: dict[str, list[ts.Node]]
    _occ: dict[str, list[Occurrence]] = field(default_factory=dict)
    _declared: dict[str, set[int]] = field(default_factory=dict)

    def occurrences(self, name: str) -> list[Occurrence]:
        """All classified occurrences of ``name`` (in source order)."""
        occ = self._occ.get(name)
        if occ is None:
            nodes = sorted(self.nodes.get(name, []), key=lambda n: n.start_byte)
            occ = [classify(n) for n in nodes]
            self._occ[name] = occ
            self._declared[name] = {s for o in occ if o.role == "bind" for s in o.scopes}
        return occ

    def declared_in(self, name: str) -> set[int]:
        """Scope keys that declare ``name``."""
        self.occurrences(name)
        return self._declared[name]

    def resolve(self, name: str, node: ts.Node, *, chain: list[ts.Node] | None = None) -> int | None:
        """Scope key that a reference to ``name`` at ``node`` resolves to, or ``None`` for global/wrapper.

        Args:
            name: the identifier text.
            node: the referencing node.
            chain: ``ancestors(node)`` if the caller already has it.
        """
        declared = self.declared_in(name)
        if not declared:
            return None
        for a in chain if chain is not None else ancestors(node):
            if a.id in declared:
                return a.id
        return None
