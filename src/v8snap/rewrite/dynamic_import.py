"""Dynamic ``import()`` in code compiled into the blob: route it through a run-time import.

Code that node's snapshot builder compiles has no dynamic-import host options: called from the blob,
``import(x)`` rejects with ``ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING`` (observed on node 24.19;
docs/architecture.md, "Node's snapshot builder"). Every ``import(...)`` call in a module that goes into the
registry is therefore rewritten into ``__v8snap_import("<key>", ...)``. The prelude defines that global: at
build time a call is the ``DYNAMIC_IMPORT`` violation (a module that imports at load stays a definition run at
run time); after deserialization the loader answers it with a one-line thunk compiled by node's own CommonJS
loader under the module's filename, so the specifier resolves against that file and the import behaves as in a
plain run (same resolution, same ``import.meta`` of the target, no warning).

Only the ``import`` token of the call and a first argument are touched: columns after the call shift by the
inserted text on that line only, so stack traces keep their line numbers.
"""

from __future__ import annotations

import json
import re

from tree_sitter import Node

from v8snap.syntax.tree import parse, syntax_error_line

#: The global the rewrite calls (defined by ``js/prelude/registry.js``, answered by the loader).
IMPORT_HOOK = "__v8snap_import"

_HINT = re.compile(r"\bimport\s*\(")


def has_dynamic_import_hint(source: str) -> bool:
    """Cheap pre-filter: could ``source`` contain an ``import(...)`` call (text match, may be a comment)?"""
    return _HINT.search(source) is not None


def _compiled_at_run_time(string: Node, data: bytes) -> bool:
    """``string`` holds ``import(`` and is an argument of ``Function(...)``, ``new Function(...)`` or
    ``eval(...)``: code compiled at run time."""
    if not _HINT.search(data[string.start_byte : string.end_byte].decode("utf-8", "surrogateescape")):
        return False
    args = string.parent
    call = args.parent if args is not None and args.type == "arguments" else None
    if call is None or call.type not in ("call_expression", "new_expression"):
        return False
    fn = call.child_by_field_name("function" if call.type == "call_expression" else "constructor")
    return (
        fn is not None
        and fn.type == "identifier"
        and data[fn.start_byte : fn.end_byte] in (b"Function", b"eval")
    )


def rewrite_dynamic_imports(key: str, source: str) -> str | None:
    """``source`` with each ``import(args)`` call made ``__v8snap_import("<key>", args)``.

    Args:
        key: the module's key (``./node_modules/x/index.js``): the loader maps it to the filename that
            specifiers resolve against.
        source: the module's text (a CommonJS body).

    Returns:
        The rewritten text (``source`` itself when there is no ``import()`` call), or None when the module
        has an ``import(`` the parser cannot place (a syntax error in tree-sitter's view) or one in a
        string given to ``Function``/``new Function``/``eval`` (code compiled at run time): such a module
        must not go into the registry (its import would fail from the blob); it loads from disk.
    """
    if not has_dynamic_import_hint(source):
        return source
    data = source.encode("utf-8", "surrogateescape")
    tree = parse(data)
    calls: list[tuple[int, int]] = []  # (start of `import`, end of `(`)
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type in ("string", "template_string") and _compiled_at_run_time(node, data):
            # `new Function("m", "return import(m)")` (prettier's bin): code compiled from a string by a
            # function in the blob inherits its missing import callback, and the string cannot be routed.
            return None
        if node.type == "call_expression":
            fn = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            if fn is not None and fn.type == "import" and args is not None and args.child_count:
                calls.append((fn.start_byte, args.children[0].end_byte))
        stack.extend(node.children)
    if not calls:
        return source
    if syntax_error_line(tree.root_node) is not None:
        return None
    prefix = (IMPORT_HOOK + "(" + json.dumps(key) + ", ").encode()
    out = bytearray(data)
    for start, open_end in sorted(calls, reverse=True):
        out[start:open_end] = prefix
    return out.decode("utf-8", "surrogateescape")
