"""Find what the printer may make lazy: top scopes, require chains, delayable initializers."""

from __future__ import annotations

from dataclasses import dataclass

import tree_sitter as ts

from v8snap.syntax.tree import FUNCTION_TYPES, string_value, text, unparen

WRAPPER_PARAMS = frozenset({"exports", "module", "require", "__filename", "__dirname"})
"""Parameters of the CommonJS module wrapper the blueprint puts around every module."""

TIMER_NAMES = frozenset({"setTimeout", "setInterval", "setImmediate", "queueMicrotask"})

PROCESS_READ_METHODS = frozenset(
    {
        "cwd",
        "hrtime",
        "bigint",
        "memoryUsage",
        "uptime",
        "cpuUsage",
        "resourceUsage",
        "getuid",
        "getgid",
        "geteuid",
        "getegid",
        "getgroups",
        "availableMemory",
        "constrainedMemory",
    }
)
"""``process.*`` calls that only read state: delaying them to first use cannot lose a side effect."""

SIDE_EFFECT_METHODS = frozenset(
    {
        "listen",
        "connect",
        "start",
        "run",
        "spawn",
        "exec",
        "execSync",
        "fork",
        "write",
        "end",
        "close",
        "on",
        "once",
        "emit",
        "addListener",
        "prependListener",
        "send",
        "pipe",
        "register",
        "install",
        "use",
        "mkdirSync",
        "writeFileSync",
        "unlinkSync",
    }
)
"""Method names whose call is kept eager even with literal arguments (``const s = app.listen(80)``)."""

_LITERAL_TYPES = frozenset({"number", "true", "false", "null", "undefined", "regex"})


@dataclass(frozen=True)
class TopScope:
    """A scope whose statements run while the module initializes.

    Attributes:
        key: scope key (the program node, or the IIFE's function node).
        body: node whose named children are the statements (program or statement_block).
        is_program: whether this is the module body itself.
    """

    key: int
    body: ts.Node
    is_program: bool


def _iife_function(stmt: ts.Node) -> ts.Node | None:
    """The function of an IIFE statement.

    Accepted: ``(function(){})()``, ``(() => {})()``, ``.call(this)`` / ``.apply``, ``!function(){}()``.
    """
    if stmt.type != "expression_statement" or stmt.named_child_count != 1:
        return None
    expr = unparen(stmt.named_children[0])
    while expr is not None and expr.type == "unary_expression":
        op = expr.child_by_field_name("operator")
        if op is None or op.type not in ("!", "void", "+", "-", "~"):
            return None
        expr = unparen(expr.child_by_field_name("argument"))
    if expr is None or expr.type != "call_expression":
        return None
    callee = unparen(expr.child_by_field_name("function"))
    if callee is not None and callee.type == "member_expression":
        prop = callee.child_by_field_name("property")
        if prop is None or text(prop) not in ("call", "apply"):
            return None
        callee = unparen(callee.child_by_field_name("object"))
    if callee is None or callee.type not in ("function_expression", "arrow_function"):
        return None
    first = callee.child(0)
    if first is not None and first.type == "async":
        return None
    body = callee.child_by_field_name("body")
    if body is None or body.type != "statement_block":
        return None
    return callee


def top_scopes(root: ts.Node) -> list[TopScope]:
    """The program plus every IIFE body reachable through top-level statements (recursively)."""
    out = [TopScope(root.id, root, True)]
    stack = [root]
    while stack:
        body = stack.pop()
        for stmt in body.named_children:
            fn = _iife_function(stmt)
            if fn is not None:
                fbody = fn.child_by_field_name("body")
                assert fbody is not None
                out.append(TopScope(fn.id, fbody, False))
                stack.append(fbody)
    return out


def pattern_names(node: ts.Node) -> list[str]:
    """Names bound by a declarator's name (identifier or destructuring pattern), in source order."""
    t = node.type
    if t in ("identifier", "shorthand_property_identifier_pattern"):
        return [text(node)]
    if t == "pair_pattern":
        value = node.child_by_field_name("value")
        return pattern_names(value) if value is not None else []
    if t in ("assignment_pattern", "object_assignment_pattern"):
        left = node.child_by_field_name("left")
        return pattern_names(left) if left is not None else []
    if t in ("object_pattern", "array_pattern", "rest_pattern"):
        return [n for c in node.named_children for n in pattern_names(c)]
    return []


def is_literal(node: ts.Node) -> bool:
    """A literal whose evaluation has no effect and does not depend on state."""
    node = unparen(node) or node
    if node.type in _LITERAL_TYPES:
        return True
    if node.type in ("string", "template_string"):
        return all(c.type in ("string_fragment", "escape_sequence") for c in node.named_children)
    if node.type == "unary_expression":
        arg = node.child_by_field_name("argument")
        return arg is not None and arg.type == "number"
    return False


def is_plain_read(node: ts.Node) -> bool:
    """An identifier or a dotted member chain on one (``a``, ``a.b.c``)."""
    node = unparen(node) or node
    while node.type == "member_expression":
        obj = node.child_by_field_name("object")
        if obj is None:
            return False
        node = unparen(obj) or obj
    return node.type == "identifier"


def chain_root(node: ts.Node) -> ts.Node:
    """Leftmost object of a member/subscript chain (``a`` for ``a.b[c].d``)."""
    node = unparen(node) or node
    while node.type in ("member_expression", "subscript_expression"):
        obj = node.child_by_field_name("object")
        if obj is None:
            break
        node = unparen(obj) or obj
    return node


def require_spec(call: ts.Node) -> str | None:
    """``m`` for ``require('m')`` (one plain string argument), else ``None``. Does not check scoping."""
    fn = call.child_by_field_name("function")
    args = call.child_by_field_name("arguments")
    if fn is None or fn.type != "identifier" or fn.text != b"require" or args is None:
        return None
    if args.type != "arguments" or args.named_child_count != 1:
        return None
    return string_value(args.named_children[0])


def require_chain(node: ts.Node, require_calls: dict[int, str]) -> ts.Node | None:
    """The ``require(...)`` call at the root of ``require('m').a.b(...)``-style chains, else ``None``.

    Member accesses (dotted, optional, literal subscripts) are always allowed; calls only with literal
    arguments, and the call made directly on the required value (``require('debug')(name)``) also with
    identifiers / dotted reads as arguments.

    Args:
        node: the initializer.
        require_calls: ids of the ``require('...')`` calls that use the module wrapper's ``require``.
    """
    cur = unparen(node)
    while cur is not None:
        if cur.id in require_calls:
            return cur
        t = cur.type
        if t == "member_expression":
            cur = unparen(cur.child_by_field_name("object"))
        elif t == "subscript_expression":
            index = cur.child_by_field_name("index")
            if index is None or not is_literal(index):
                return None
            cur = unparen(cur.child_by_field_name("object"))
        elif t == "call_expression":
            fn = unparen(cur.child_by_field_name("function"))
            args = cur.child_by_field_name("arguments")
            if fn is None or args is None or args.type != "arguments":
                return None
            direct = fn.id in require_calls
            for a in args.named_children:
                if not (is_literal(a) or (direct and is_plain_read(a))):
                    return None
            if not direct and _method_name(cur) in SIDE_EFFECT_METHODS:
                return None
            cur = fn
        else:
            return None
    return None


def _method_name(call: ts.Node) -> str | None:
    fn = unparen(call.child_by_field_name("function") or call.child_by_field_name("constructor"))
    if fn is not None and fn.type == "member_expression":
        prop = fn.child_by_field_name("property")
        return text(prop) if prop is not None else None
    return None


def _call_ok(call: ts.Node, require_calls: dict[int, str]) -> bool:
    if call.id in require_calls:
        return True
    if call.type == "call_expression":
        fn = call.child_by_field_name("function")
        args = call.child_by_field_name("arguments")
    else:
        fn = call.child_by_field_name("constructor")
        args = call.child_by_field_name("arguments")
    if fn is None:
        return False
    if args is not None and args.type != "arguments":
        return False  # tagged template
    root = chain_root(fn)
    root_name = text(root) if root.type == "identifier" else ""
    method = _method_name(call)
    if root_name in TIMER_NAMES:
        return False
    if root_name == "process":
        return method in PROCESS_READ_METHODS
    if method in SIDE_EFFECT_METHODS:
        return False
    arg_nodes = args.named_children if args is not None else []
    if root_name == "Buffer":
        return True
    if text(fn) in PURE_READS:
        return all(a.type in ("identifier", "member_expression") or is_literal(a) for a in arg_nodes)
    return all(is_literal(a) for a in arg_nodes)


#: Calls that only read what their arguments name (no getter runs, nothing is written): delaying them is
#: as safe as delaying the member reads around them. `Object.getOwnPropertyDescriptor(SharedArrayBuffer
#: .prototype, "byteLength").get` (jsdom, webidl-conversions) reads a global the builder lacks.
PURE_READS = frozenset(
    {
        "Object.getOwnPropertyDescriptor",
        "Object.getPrototypeOf",
        "Reflect.getOwnPropertyDescriptor",
        "Reflect.getPrototypeOf",
    }
)


def delayable(value: ts.Node, require_calls: dict[int, str]) -> bool:
    """Whether evaluating ``value`` later instead of at load cannot drop or reorder a visible effect.

    Heuristic by design (documented in the package docstring): no assignments, updates, ``delete``,
    ``await``/``yield``, class expressions; calls and ``new`` only of read-only ``process`` methods,
    ``Buffer``, required values, or other callees with literal arguments and no known effectful method
    name; never timers. Function and arrow expressions are fine (creating a closure runs nothing).
    """
    stack = [value]
    while stack:
        n = stack.pop()
        t = n.type
        if t in FUNCTION_TYPES:
            continue
        if t in (
            "class",
            "assignment_expression",
            "augmented_assignment_expression",
            "update_expression",
            "await_expression",
            "yield_expression",
        ):
            return False
        if t == "unary_expression":
            op = n.child_by_field_name("operator")
            if op is not None and op.type == "delete":
                return False
        if t in ("call_expression", "new_expression") and not _call_ok(n, require_calls):
            return False
        stack.extend(n.named_children)
    return True
