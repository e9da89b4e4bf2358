"""``rewrite_module``: make requires of non-healthy modules and reads of run-time-only globals lazy.

Output forms (all inserted on the line of the declaration they replace, so line numbers stay right):

* ``const x = require('m')`` ->
  ``var x, __x_ok__; function __get_x__() { return __x_ok__ ? x :`` (getter name: see below)
  ``(x = (require('m')), __x_ok__ = true, x); }`` (one line in the output).
  The storage is a ``var`` with a separate ``__x_ok__`` flag: a falsy or ``undefined`` export is cached
  like any other, and the hoisted ``function``/``var`` pair works even if a hoisted function reads ``x``
  before the declaration line has run (no temporal dead zone).
* ``const {a, b: c = 1, ...r} = <lazy init>`` -> ``var a, c, r, __a_ok__; function __load_a__() {...}``
  plus one ``__get_<name>__()`` per binding; the whole pattern is evaluated once, on first use of any.
* ``exports.x = require('m')`` / ``module.exports.x = ...`` -> ``Object.defineProperty(exports, "x",
  {get, set, enumerable: true, configurable: true})`` with a cached lazy getter and a plain setter.
* every reference to a replaced binding -> a call of its getter (``(g())`` as a ``new`` callee,
  ``x: g()`` for a ``{x}`` shorthand). The getter's name is two characters shorter than the binding
  (a Latin-1 letter and digits, :meth:`_Names.sized`): ``_configChain.build(a)`` ->
  ``À000000000().build(a)`` leaves the line's later columns, so stack frames, as in a plain run;
  a binding of one or two characters (minified code) gets ``__get_x__``. ``x = e`` on a replaced
  ``let``/``var`` binding -> ``(x = e, __x_ok__ = true, x)``. Other writes make the module norewrite.

Known semantic differences, accepted: a module that is never used does not load its lazy requires
(that is the point); a lazy ``const`` read before its declaration no longer throws (TDZ); delaying an
initializer (``lazy-global``, ``lazy-derived``) moves its evaluation to first use, so only initializers
judged side-effect free by :func:`v8snap.rewrite.analysis.delayable` are delayed.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import tree_sitter as ts

from v8snap.rewrite.analysis import (
    WRAPPER_PARAMS,
    TopScope,
    delayable,
    pattern_names,
    require_chain,
    require_spec,
    top_scopes,
)
from v8snap.rewrite.model import (
    DEFAULT_RUNTIME_GLOBALS,
    ELECTRON_RUNTIME_GLOBALS,
    Rewrite,
    RewriteKind,
    RewriteResult,
)
from v8snap.rewrite.splice import Splicer
from v8snap.syntax.scopes import NameIndex, Occurrence
from v8snap.syntax.tree import (
    FUNCTION_TYPES,
    LANGUAGE,
    ancestors,
    parse,
    string_value,
    syntax_error_line,
    text,
)

_QUERY = ts.Query(
    LANGUAGE,
    """
    [(identifier) (shorthand_property_identifier) (shorthand_property_identifier_pattern)] @id
    (with_statement) @with
    [(import_statement) (export_statement)] @esm
    """,
)


class _NoRewrite(Exception):
    """Raised internally when the module must be kept verbatim."""


@dataclass
class _Decl:
    """A top-level declarator the printer makes lazy."""

    stmt: ts.Node
    declarator: ts.Node
    kind: str  # var | let | const
    top: TopScope
    names: list[str]
    value: ts.Node
    rewrite_kind: RewriteKind = "lazy-require"
    specifier: str | None = None
    reason: str = ""

    @property
    def is_pattern(self) -> bool:
        name = self.declarator.child_by_field_name("name")
        return name is None or name.type != "identifier"


# Letters of Latin-1 beyond ASCII (one UTF-16 unit each, valid identifier starts, rare in source): the first
# character of a getter name sized to the binding it replaces (_Names.sized).
_LATIN1_LETTERS = "".join(chr(c) for c in range(0xC0, 0x100) if c not in (0xD7, 0xF7))


@dataclass
class _Names:
    """Generated identifiers, checked against the source so they never collide."""

    src: bytes
    used: set[str] = field(default_factory=set)

    def fresh(self, base: str) -> str:
        name = base
        n = 1
        while name in self.used or name.encode() in self.src:
            name = f"{base[:-2]}{n}__"
            n += 1
        self.used.add(name)
        return name

    def sized(self, length: int) -> str | None:
        """A fresh identifier of exactly ``length`` characters (a Latin-1 letter, then digits), or None.

        A reference ``x`` becomes ``g()``: with ``len(g) == len(x) - 2`` everything after it on the line keeps
        its column, so stack frames there read as in a plain run."""
        if length < 1:
            return None
        width = length - 1
        for k in range(len(_LATIN1_LETTERS) * 10**width):
            first, rest = divmod(k, 10**width)
            name = _LATIN1_LETTERS[first] + (str(rest).zfill(width) if width else "")
            if name not in self.used and name.encode() not in self.src:
                self.used.add(name)
                return name
        return None


def _line(node: ts.Node) -> int:
    return node.start_point[0] + 1


def _is_boundary(node: ts.Node, iife_fns: set[int]) -> bool:
    """A node whose inner code does not run when the enclosing code runs (function, instance field)."""
    if node.type in FUNCTION_TYPES:
        return node.id not in iife_fns
    if node.type == "field_definition":
        return not any(c.type == "static" for c in node.children)
    return False


class _ModuleRewrite:
    def __init__(
        self,
        source: str,
        is_lazy: Callable[[str], bool],
        runtime_globals: frozenset[str],
    ) -> None:
        self.source = source
        self.src = source.encode("utf-8")
        self.is_lazy_fn = is_lazy
        self.runtime_globals = runtime_globals
        self._lazy_cache: dict[str, bool] = {}
        self.tree = parse(self.src)
        self.root = self.tree.root_node

    def is_lazy(self, spec: str) -> bool:
        v = self._lazy_cache.get(spec)
        if v is None:
            v = bool(self.is_lazy_fn(spec))
            self._lazy_cache[spec] = v
        return v

    # ---------------------------------------------------------------- analysis
    def run(self) -> RewriteResult:
        root = self.root
        bad = syntax_error_line(root)
        if bad is not None:
            return RewriteResult(self.source, norewrite=f"syntax error at line {bad}")
        caps = ts.QueryCursor(_QUERY).captures(root)
        esm = caps.get("esm", [])
        if esm:
            return RewriteResult(
                self.source, norewrite=f"ES module syntax (import/export) at line {_line(esm[0])}"
            )
        by_name: dict[str, list[ts.Node]] = defaultdict(list)
        for n in caps.get("id", []):
            raw = n.text
            if raw is not None:
                by_name[raw.decode("utf-8", "replace")].append(n)
        self.index = NameIndex(by_name)
        self.withs = caps.get("with", [])
        self.tops = top_scopes(root)
        self.top_bodies = {t.body.id: t for t in self.tops}
        self.iife_fns = {t.key for t in self.tops if not t.is_program}
        self.require_calls = self._require_calls()
        try:
            return self._rewrite()
        except _NoRewrite as exc:
            return RewriteResult(self.source, norewrite=str(exc), eager_requires=self._all_eager())

    def _require_calls(self) -> dict[int, str]:
        """``require('m')`` calls that use the wrapper's ``require``: call node id -> specifier."""
        out: dict[int, str] = {}
        self.call_nodes: dict[int, ts.Node] = {}
        for occ in self.index.occurrences("require"):
            if occ.role != "ref":
                continue
            parent = occ.node.parent
            if parent is None or parent.type != "call_expression":
                continue
            spec = require_spec(parent)
            if spec is None or self.index.resolve("require", occ.node) is not None:
                continue
            out[parent.id] = spec
            self.call_nodes[parent.id] = parent
        return out

    def _init_declarator(self, node: ts.Node, chain: list[ts.Node]) -> ts.Node | None:
        """The top-level declarator whose initialization evaluates ``node``, if any."""
        for a in chain:
            if _is_boundary(a, self.iife_fns):
                return None
            if a.type == "variable_declarator":
                decl = a.parent
                holder = decl.parent if decl is not None else None
                if holder is not None and holder.id in self.top_bodies:
                    return a
        return None

    def _runs_at_init(self, chain: list[ts.Node]) -> bool:
        return not any(_is_boundary(a, self.iife_fns) for a in chain)

    def _top_declarators(self) -> dict[int, tuple[ts.Node, ts.Node, str, TopScope]]:
        out: dict[int, tuple[ts.Node, ts.Node, str, TopScope]] = {}
        for top in self.tops:
            for stmt in top.body.named_children:
                if stmt.type not in ("variable_declaration", "lexical_declaration"):
                    continue
                first = stmt.child(0)
                kind = first.type if first is not None else "var"
                for d in stmt.named_children:
                    if d.type == "variable_declarator":
                        out[d.id] = (stmt, d, kind, top)
        return out

    def _bound_once(self, name: str, top: TopScope) -> bool:
        if top.is_program and name in WRAPPER_PARAMS:
            return False
        binds = [o for o in self.index.occurrences(name) if o.role == "bind" and top.key in o.scopes]
        return len(binds) == 1

    def _delay_initializer(
        self,
        node: ts.Node,
        chain: list[ts.Node],
        decls: dict[int, tuple[ts.Node, ts.Node, str, TopScope]],
        cands: dict[int, _Decl],
        kind: Literal["lazy-global", "lazy-derived"],
        reason: str,
    ) -> _Decl | None:
        """Make the top-level declaration whose initializer evaluates ``node`` a lazy candidate.

        Only a declaration not yet a candidate whose initializer is :func:`delayable`; a pattern becomes
        ``lazy-destructure``, otherwise ``kind``. Returns the new candidate (added to ``cands``), or None.
        """
        d_node = self._init_declarator(node, chain)
        if d_node is None or d_node.id in cands:
            return None
        cand = self._make_decl(d_node.id, decls)
        if cand is None or not delayable(cand.value, self.require_calls):
            return None
        cand.rewrite_kind = "lazy-destructure" if cand.is_pattern else kind
        cand.reason = reason
        cands[d_node.id] = cand
        return cand

    def _make_decl(self, d_id: int, decls: dict[int, tuple[ts.Node, ts.Node, str, TopScope]]) -> _Decl | None:
        stmt, d, kind, top = decls[d_id]
        value = d.child_by_field_name("value")
        name = d.child_by_field_name("name")
        if value is None or name is None:
            return None
        names = pattern_names(name)
        if not names or not all(self._bound_once(n, top) for n in names):
            return None
        return _Decl(stmt, d, kind, top, names, value)

    def _candidates(self) -> dict[int, _Decl]:
        decls = self._top_declarators()
        cands: dict[int, _Decl] = {}
        # rule 1: lazy require chains
        for d_id, (_stmt, d, _kind, _top) in decls.items():
            value = d.child_by_field_name("value")
            if value is None:
                continue
            call = require_chain(value, self.require_calls)
            if call is None or not self.is_lazy(self.require_calls[call.id]):
                continue
            cand = self._make_decl(d_id, decls)
            if cand is None:
                continue
            spec = self.require_calls[call.id]
            cand.specifier = spec
            cand.rewrite_kind = "lazy-destructure" if cand.is_pattern else "lazy-require"
            cand.reason = f"'{spec}' is not healthy: required on first use"
            cands[d_id] = cand
        # rule 2: initializers reading run-time-only globals
        for g in sorted(self.runtime_globals):
            for occ in self.index.occurrences(g):
                if occ.role not in ("ref", "shorthand"):
                    continue
                chain = ancestors(occ.node)
                if self.index.resolve(g, occ.node, chain=chain) is not None:
                    continue
                self._delay_initializer(
                    occ.node,
                    chain,
                    decls,
                    cands,
                    "lazy-global",
                    f"initializer reads run-time-only global {g}",
                )
        # rule 2b: initializers reading `require.main` (the main module, made at run time; the registry's
        # require answers undefined at build time and a read at load is a violation otherwise)
        for occ in self.index.occurrences("require"):
            parent = occ.node.parent
            prop = parent.child_by_field_name("property") if parent is not None else None
            if occ.role != "ref" or parent is None or parent.type != "member_expression" or prop is None:
                continue
            if prop.text != b"main" or parent.child_by_field_name("object") != occ.node:
                continue
            chain = ancestors(occ.node)
            if self.index.resolve("require", occ.node, chain=chain) is not None:
                continue
            why = "initializer reads require.main (known at run time)"
            self._delay_initializer(occ.node, chain, decls, cands, "lazy-global", why)
        # fixpoint: initializers reading a binding made lazy. Only from a binding that is never written
        # after its declaration: delaying `v2 = f(v1)` is unsound if `v1` can be reassigned before `v2` is
        # first read (found by the property test); such an initializer stays eager.
        work = list(cands.values())
        while work:
            src_decl = work.pop()
            for name in src_decl.names:
                written = any(
                    o.role == "write"
                    and self.index.resolve(name, o.node, chain=ancestors(o.node)) == src_decl.top.key
                    for o in self.index.occurrences(name)
                )
                if written:
                    continue
                for occ in self.index.occurrences(name):
                    if occ.role not in ("ref", "shorthand"):
                        continue
                    chain = ancestors(occ.node)
                    if self.index.resolve(name, occ.node, chain=chain) != src_decl.top.key:
                        continue
                    cand = self._delay_initializer(
                        occ.node,
                        chain,
                        decls,
                        cands,
                        "lazy-derived",
                        f"initializer reads lazy binding {name}",
                    )
                    if cand is not None:
                        work.append(cand)
        return cands

    def _exports_candidates(self) -> list[tuple[ts.Node, ts.Node, str, ts.Node, str]]:
        """``exports.x = require('m')`` statements: (stmt, target object, prop, value, spec)."""
        out = []
        for top in self.tops:
            for stmt in top.body.named_children:
                if stmt.type != "expression_statement" or stmt.named_child_count != 1:
                    continue
                expr = stmt.named_children[0]
                if expr.type != "assignment_expression":
                    continue
                left = expr.child_by_field_name("left")
                right = expr.child_by_field_name("right")
                if left is None or right is None:
                    continue
                target = _exports_target(left)
                if target is None:
                    continue
                call = require_chain(right, self.require_calls)
                if call is None or not self.is_lazy(self.require_calls[call.id]):
                    continue
                out.append((stmt, target[0], target[1], right, self.require_calls[call.id]))
        return out

    # ---------------------------------------------------------------- emission
    def _rewrite(self) -> RewriteResult:
        cands = self._candidates()
        exports = self._exports_candidates()
        if not cands and not exports:
            return RewriteResult(self.source, eager_requires=self._all_eager())
        self._check_safe()
        sp = Splicer(self.src)
        gen = _Names(self.src)
        rewrites: list[Rewrite] = []
        by_name: dict[tuple[int, str], _Decl] = {}
        getters: dict[tuple[int, str], str] = {}
        flags: dict[int, str] = {}
        for c in cands.values():
            flags[c.declarator.id] = gen.fresh(f"__{c.names[0]}_ok__")
            for n in c.names:
                by_name[(c.top.key, n)] = c
                units = len(n.encode("utf-16-le")) // 2  # the binding's length in columns
                getters[(c.top.key, n)] = gen.sized(units - 2) or gen.fresh(f"__get_{n}__")
        loaders = {
            c.declarator.id: gen.fresh(f"__load_{c.names[0]}__") for c in cands.values() if c.is_pattern
        }

        # references and writes
        for (top_key, name), c in by_name.items():
            getter = getters[(top_key, name)]
            for occ in self.index.occurrences(name):
                if occ.role == "bind":
                    continue
                if self.index.resolve(name, occ.node) != top_key:
                    continue
                node = occ.node
                if c.declarator.start_byte <= node.start_byte < c.declarator.end_byte:
                    continue  # the declaration's own pattern refers to its storage directly
                if occ.role == "write":
                    self._add_write(sp, occ, c, flags[c.declarator.id])
                elif occ.role == "shorthand":
                    sp.add(node.start_byte, node.end_byte, f"{name}: {getter}()".encode())
                elif _is_new_callee(node):
                    sp.add(node.start_byte, node.end_byte, f"({getter}())".encode())
                else:
                    sp.add(node.start_byte, node.end_byte, f"{getter}()".encode())

        # declarations, grouped by statement
        by_stmt: dict[int, list[_Decl]] = defaultdict(list)
        for c in cands.values():
            by_stmt[c.stmt.id].append(c)
        for group in by_stmt.values():
            stmt = group[0].stmt
            lazy_ids = {c.declarator.id: c for c in group}
            sp.add(
                stmt.start_byte,
                stmt.end_byte,
                _stmt_producer(stmt, lazy_ids, getters, flags, loaders),
            )
            for c in sorted(group, key=lambda c: c.declarator.start_byte):
                for n in c.names:
                    rewrites.append(Rewrite(_line(c.declarator), c.rewrite_kind, n, c.specifier, c.reason))

        for stmt, obj, prop, value, spec in exports:
            base = prop if prop.isidentifier() and prop.isascii() else "value"
            store = gen.fresh(f"__exports_{base}__")
            flag = gen.fresh(f"__exports_{base}_ok__")
            sp.add(stmt.start_byte, stmt.end_byte, _exports_producer(stmt, obj, prop, value, store, flag))
            rewrites.append(
                Rewrite(
                    _line(stmt),
                    "lazy-exports",
                    prop,
                    spec,
                    f"'{spec}' is not healthy: exports.{prop} requires it on first read",
                )
            )

        out = sp.render(0, len(self.src))
        check = parse(out).root_node
        bad = syntax_error_line(check)
        if bad is not None:
            raise _NoRewrite(f"rewrite produced invalid syntax at line {bad}")
        rewritten_ranges = [(c.declarator.start_byte, c.declarator.end_byte) for c in cands.values()]
        rewritten_ranges += [(s.start_byte, s.end_byte) for s, *_ in exports]
        rewrites.sort(key=lambda r: r.line)
        return RewriteResult(
            out.decode("utf-8"),
            rewrites=rewrites,
            eager_requires=self._all_eager(rewritten_ranges),
        )

    def _add_write(self, sp: Splicer, occ: Occurrence, c: _Decl, flag: str) -> None:
        node = occ.node
        assign = node.parent
        if not occ.simple_assign or c.is_pattern or c.kind == "const" or assign is None:
            raise _NoRewrite(f"unsupported write to lazy binding {text(node)} at line {_line(node)}")
        op = assign.child_by_field_name("operator")
        right = assign.child_by_field_name("right")
        if right is None or (op is not None and op.type != "="):
            raise _NoRewrite(f"unsupported write to lazy binding {text(node)} at line {_line(node)}")
        name = text(node).encode()
        # As a statement (or in a comma list) no outer parentheses: a leading "(" could join the previous
        # line through ASI ("f()\n(x = 1)" is a call).
        holder = assign.parent
        bare = holder is not None and holder.type in ("expression_statement", "sequence_expression")

        def produce(s: Splicer, right: ts.Node = right) -> bytes:
            value = s.render(right.start_byte, right.end_byte)
            body = name + b" = (" + value + b"), " + flag.encode() + b" = true, " + name
            return body if bare else b"(" + body + b")"

        sp.add(assign.start_byte, assign.end_byte, produce)

    def _check_safe(self) -> None:
        """Raise :class:`_NoRewrite` for constructs that make any rewrite unsafe."""
        if self.withs:
            raise _NoRewrite(f"with statement at line {_line(self.withs[0])}")
        for occ in self.index.occurrences("eval"):
            parent = occ.node.parent
            if (
                occ.role == "ref"
                and parent is not None
                and parent.type == "call_expression"
                and parent.child_by_field_name("function") == occ.node
                and self.index.resolve("eval", occ.node) is None
                and not _unreachable(parent)
            ):
                raise _NoRewrite(f"direct eval at line {_line(occ.node)}")
        for occ in self.index.occurrences("arguments"):
            if occ.role != "ref" or self.index.resolve("arguments", occ.node) is not None:
                continue
            chain = ancestors(occ.node)
            if not any(a.type in FUNCTION_TYPES and a.type != "arrow_function" for a in chain):
                raise _NoRewrite(f"arguments of the module wrapper used at line {_line(occ.node)}")
        for occ in self.index.occurrences("process"):
            if occ.role != "ref":
                continue
            chain = ancestors(occ.node)
            if self.index.resolve("process", occ.node, chain=chain) is not None:
                continue
            if _is_write_target(occ.node) and self._runs_at_init(chain):
                raise _NoRewrite(f"assignment to process.* at module top level (line {_line(occ.node)})")

    def _all_eager(self, skip: list[tuple[int, int]] | None = None) -> list[str]:
        out: list[str] = []
        for call_id, spec in self.require_calls.items():
            if not self.is_lazy(spec):
                continue
            node = self.call_nodes[call_id]
            if skip and any(s <= node.start_byte < e for s, e in skip):
                continue
            if self._runs_at_init(ancestors(node)) and spec not in out:
                out.append(spec)
        return out


def _exports_target(left: ts.Node) -> tuple[ts.Node, str] | None:
    """(object node, property name) for ``exports.x`` / ``module.exports.x`` / ``exports['x']``."""
    if left.type == "member_expression":
        prop = left.child_by_field_name("property")
        if prop is None or prop.type != "property_identifier":
            return None
        name = text(prop)
    elif left.type == "subscript_expression":
        index = left.child_by_field_name("index")
        if index is None or index.type != "string":
            return None
        value = string_value(index)
        if value is None:
            return None
        name = value
    else:
        return None
    obj = left.child_by_field_name("object")
    if obj is None:
        return None
    if obj.type == "identifier" and obj.text == b"exports":
        return obj, name
    if obj.type == "member_expression":
        o = obj.child_by_field_name("object")
        p = obj.child_by_field_name("property")
        if o is not None and p is not None and o.text == b"module" and p.text == b"exports":
            return obj, name
    return None


def _is_new_callee(node: ts.Node) -> bool:
    child = node
    parent = node.parent
    while parent is not None and parent.type in ("member_expression", "subscript_expression"):
        if parent.child_by_field_name("object") != child:
            return False
        child, parent = parent, parent.parent
    return (
        parent is not None
        and parent.type == "new_expression"
        and parent.child_by_field_name("constructor") == child
    )


def _is_write_target(node: ts.Node) -> bool:
    child = node
    parent = node.parent
    while parent is not None and parent.type in ("member_expression", "subscript_expression"):
        if parent.child_by_field_name("object") != child:
            return False
        child, parent = parent, parent.parent
    if parent is None or child.id == node.id:
        return False
    if parent.type in ("assignment_expression", "augmented_assignment_expression"):
        return parent.child_by_field_name("left") == child
    if parent.type == "update_expression":
        return True
    if parent.type == "unary_expression":
        op = parent.child_by_field_name("operator")
        return op is not None and op.type == "delete"
    return False


def _pad(original: bytes, new: bytes) -> bytes:
    """Append newlines so ``new`` spans as many lines as ``original`` (stack-trace lines stay right)."""
    missing = original.count(b"\n") - new.count(b"\n")
    return new + b"\n" * missing if missing > 0 else new


def _lazy_text(
    s: Splicer,
    c: _Decl,
    getters: dict[tuple[int, str], str],
    flags: dict[int, str],
    loaders: dict[int, str],
) -> bytes:
    flag = flags[c.declarator.id]
    value = s.render(c.value.start_byte, c.value.end_byte)
    if not c.is_pattern:
        x = c.names[0]
        g = getters[(c.top.key, x)]
        return (
            f"var {x}, {flag}; function {g}() {{ return {flag} ? {x} : ({x} = (".encode()
            + value
            + f"), {flag} = true, {x}); }}".encode()
        )
    name_node = c.declarator.child_by_field_name("name")
    assert name_node is not None
    pattern = s.render(name_node.start_byte, name_node.end_byte)
    loader = loaders[c.declarator.id]
    parts = [
        f"var {', '.join(c.names)}, {flag}; function {loader}() {{ if (!{flag}) {{ (".encode()
        + pattern
        + b" = ("
        + value
        + f")); {flag} = true; }} }}".encode()
    ]
    for n in c.names:
        parts.append(f" function {getters[(c.top.key, n)]}() {{ {loader}(); return {n}; }}".encode())
    return b"".join(parts)


def _stmt_producer(
    stmt: ts.Node,
    lazy: dict[int, _Decl],
    getters: dict[tuple[int, str], str],
    flags: dict[int, str],
    loaders: dict[int, str],
) -> Callable[[Splicer], bytes]:
    def produce(s: Splicer) -> bytes:
        first = stmt.child(0)
        kind = first.type if first is not None else "var"
        out: list[bytes] = []
        prev_end = first.end_byte if first is not None else stmt.start_byte
        for d in stmt.named_children:
            if d.type != "variable_declarator":
                continue
            gap = s.src[prev_end : d.start_byte]
            out.append(b"\n" * gap.count(b"\n") if b"\n" in gap else (b" " if out else b""))
            c = lazy.get(d.id)
            if c is not None:
                out.append(_lazy_text(s, c, getters, flags, loaders))
            else:
                out.append(kind.encode() + b" " + s.render(d.start_byte, d.end_byte) + b";")
            prev_end = d.end_byte
        return _pad(s.src[stmt.start_byte : stmt.end_byte], b"".join(out))

    return produce


def _exports_producer(
    stmt: ts.Node, obj: ts.Node, prop: str, value: ts.Node, store: str, flag: str
) -> Callable[[Splicer], bytes]:
    def produce(s: Splicer) -> bytes:
        target = s.render(obj.start_byte, obj.end_byte)
        val = s.render(value.start_byte, value.end_byte)
        new = (
            f"var {store}, {flag}; Object.defineProperty(".encode()
            + target
            + f", {json.dumps(prop)}, {{ get: function () {{ return {flag} ? {store} : ({store} = (".encode()
            + val
            + (
                f"), {flag} = true, {store}); }}, set: function (v) {{ {store} = v; {flag} = true; }}, "
                "enumerable: true, configurable: true });"
            ).encode()
        )
        return _pad(s.src[stmt.start_byte : stmt.end_byte], new)

    return produce


_BLOCKS = frozenset({"statement_block", "program"})
_JUMPS = frozenset({"return_statement", "throw_statement", "break_statement", "continue_statement"})


def _unreachable(node: ts.Node) -> bool:
    """True if ``node`` is in a statement that follows a ``return``/``throw``/``break``/``continue`` of the
    same block: it never runs. (bluebird's and to-fast-properties' ``return obj; eval(obj);``, which keeps
    V8 from optimizing the function away, is a direct eval that cannot see any binding.)"""
    stmt: ts.Node | None = node
    while stmt is not None and (stmt.parent is None or stmt.parent.type not in _BLOCKS):
        if stmt.type in FUNCTION_TYPES:
            return False
        stmt = stmt.parent
    if stmt is None:
        return False
    prev = stmt.prev_named_sibling
    while prev is not None:
        if prev.type in _JUMPS:
            return True
        prev = prev.prev_named_sibling
    return False


def rewrite_module(
    source: str,
    *,
    is_lazy: Callable[[str], bool],
    profile: str = "node",
    lazy_globals: frozenset[str] = DEFAULT_RUNTIME_GLOBALS,
) -> RewriteResult:
    """Rewrite one CommonJS module body so that its lazy requires and run-time reads happen on first use.

    Args:
        source: the module body (it will be wrapped in
            ``function (exports, module, require, __filename, __dirname) { ... }``).
        is_lazy: ``specifier -> True`` if the required module is not healthy (must be required lazily).
            Called at most once per distinct specifier.
        profile: ``"node"`` or ``"electron"`` (the latter also treats ``console`` as run-time-only).
        lazy_globals: globals whose reads in a top-level initializer make the declaration lazy.

    Returns:
        A :class:`RewriteResult`. ``code == source`` when nothing was rewritten or on norewrite.

    Raises:
        Nothing on purpose: unparsable or unsafe input yields ``norewrite`` with a reason.
    """
    globals_ = frozenset(lazy_globals)
    if profile == "electron":
        globals_ |= ELECTRON_RUNTIME_GLOBALS
    return _ModuleRewrite(source, is_lazy, globals_).run()
