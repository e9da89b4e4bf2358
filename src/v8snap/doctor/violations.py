"""Violation codes and the one table that maps them to consequences (docs/architecture.md, "Invariants").

Codes come from tagged errors thrown by the guards in ``js/prelude/`` — never from matching error text.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import msgspec

from v8snap.kinds import Code


class Consequence(Enum):
    """What the doctor does about a violation."""

    DEFER = "defer"
    NOREWRITE = "norewrite"
    NONE = "none"


#: code -> (consequence, meaning). Unknown codes defer (conservative) and are reported.
CODES: dict[Code, tuple[Consequence, str]] = {
    Code.BUILTIN_UNSUPPORTED: (Consequence.DEFER, "needs a built-in Node's builder has not verified"),
    Code.BUILTIN_CRASHES: (
        Consequence.DEFER,
        "needs a built-in, global or API (http, Response, console.createTask) that crashes Node's builder",
    ),
    Code.GLOBAL_MISSING: (
        Consequence.DEFER,
        "uses a global that does not exist while building (WebAssembly, ...)",
    ),
    Code.NATIVE_ADDON: (Consequence.DEFER, "loads a native addon (.node) at load time"),
    Code.TIMER_AT_INIT: (Consequence.DEFER, "creates a timer, tick or signal handler at load time"),
    Code.ENV_READ: (Consequence.DEFER, "reads process.env or machine facts at load time"),
    Code.ARGV_READ: (Consequence.DEFER, "reads process.argv at load time"),
    Code.CWD_READ: (Consequence.DEFER, "reads process.cwd() at load time"),
    Code.TIME_READ: (Consequence.DEFER, "reads the clock at load time"),
    Code.RANDOM_READ: (Consequence.DEFER, "reads Math.random() or crypto randomness at load time"),
    Code.FS_OUTSIDE_APP: (Consequence.DEFER, "touches files outside the app (or writes) at load time"),
    Code.STDIO_WRITE: (Consequence.DEFER, "writes to the console at load time (output would be lost)"),
    Code.TTY_READ: (
        Consequence.DEFER,
        "reads the terminal (process.stdout/stderr/stdin: isTTY, columns, colours) at load time",
    ),
    Code.NOT_IN_SNAPSHOT: (Consequence.DEFER, "requires a module the snapshot does not contain"),
    Code.REWRITE_INVALID: (Consequence.NOREWRITE, "its rewrite does not parse or is unsafe"),
    Code.DEPENDS_ON_DEFERRED: (Consequence.DEFER, "requires a deferred module at load time"),
    Code.TIMEOUT: (Consequence.DEFER, "did not finish loading in time"),
    Code.EXIT_CALLED: (Consequence.DEFER, "calls process.exit (or kills its process) at load time"),
    Code.UNKNOWN_ERROR: (Consequence.DEFER, "threw while loading"),
    Code.GLOBAL_UNSAFE: (
        Consequence.DEFER,
        "creates an Error, Promise or typed array at load time (Electron's mksnapshot crashes on it)",
    ),
    Code.OUTPUT_MISMATCH: (Consequence.DEFER, "the app's output from the blob differed from a plain run"),
    Code.EXPLICIT_DEFER: (Consequence.DEFER, "deferred explicitly (--previous-deferred)"),
    Code.MAIN_MODULE: (Consequence.DEFER, "is the app's main module: it runs the program"),
    Code.DYNAMIC_IMPORT: (
        Consequence.DEFER,
        "calls import() at load time (the builder cannot load ES modules; it runs at run time)",
    ),
    Code.BUILDER_ERROR: (Consequence.DEFER, "threw inside node's snapshot builder (not in the verifier)"),
    Code.TOP_LEVEL_AWAIT: (
        Consequence.DEFER,
        "ES module with top-level await (or importing one): stays on disk",
    ),
    Code.ESM_UNCONVERTIBLE: (
        Consequence.DEFER,
        "ES module the converter cannot represent exactly: stays on disk",
    ),
    Code.ESM_UNRESOLVED: (
        Consequence.DEFER,
        "ES module with an import the trace did not resolve: stays on disk",
    ),
    Code.ESM_CJS_CYCLE: (
        Consequence.DEFER,
        "ES module in a cycle with a CommonJS module: stays on disk",
    ),
    Code.LIVE_BINDING: (
        Consequence.DEFER,
        "ES module that reassigns an exported binding a facade would freeze: stays on disk",
    ),
    Code.NODE_LIMIT: (
        Consequence.DEFER,
        "the app meets a limit of node's user-land snapshots (docs/limits.md): no blob can run it",
    ),
}


def consequence_of(code: str) -> Consequence:
    """Consequence for ``code``; unknown codes defer."""
    entry = CODES.get(code)  # type: ignore[call-overload]  # any str: unknown codes come from JS
    return entry[0] if entry else Consequence.DEFER


class Violation(msgspec.Struct, frozen=True):
    """A structured record from a verifier (JSON: ``{"key", "code", "detail", "stack"}``).

    Attributes:
        key: module key the violation is attributed to.
        code: one of :class:`~v8snap.kinds.Code` (a code the JS emits that the table does not know is kept
            as its string and defers: :func:`consequence_of`).
        detail: what exactly (``ENV_READ`` -> the variable name, ``DEPENDS_ON_DEFERRED`` -> the dependency).
        stack: first app-relative stack frame, or ``""``.
    """

    key: str
    code: str
    detail: str = ""
    stack: str = ""

    @classmethod
    def from_wire(cls, d: dict[str, Any], key: str = "") -> Violation:
        """A violation from a verifier's message (JS values coerced to strings; ``key`` if it has none)."""
        detail, stack = str(d.get("detail", "")), str(d.get("stack", ""))
        return cls(str(d.get("key") or key), str(d["code"]), detail, stack)
