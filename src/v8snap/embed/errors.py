"""Exceptions of the embedding API; all derive from :class:`v8snap.errors.V8SnapError`.

``SnapshotBuildError`` and ``SnapshotMismatchError`` live in :mod:`v8snap.errors` and are re-exported here.
"""

from __future__ import annotations

import builtins

from v8snap.errors import SnapshotBuildError, SnapshotMismatchError, V8SnapError

__all__ = [
    "EmbedError",
    "HeapLimitError",
    "JsError",
    "RuntimeClosedError",
    "RuntimeCrashedError",
    "RuntimeTimeoutError",
    "SnapshotBuildError",
    "SnapshotMismatchError",
]


class EmbedError(V8SnapError):
    """Base class of the errors a :class:`v8snap.embed.Runtime` raises (besides the snapshot errors)."""

    code = "EMBED_ERROR"


class JsError(EmbedError):
    """A JavaScript exception escaped an ``eval``/``call_function``/``get_value``.

    Attributes:
        name: the JS error's ``name`` (``"TypeError"``, ``"ReferenceError"``, ...).
        js_message: the JS error's ``message``.
        stack: the JS stack as printed by V8 (``""`` when a non-Error value was thrown).
        js_code: the JS error's ``code`` property (``"ERR_ACCESS_DENIED"``, ...) or ``None``; the
            constructor's ``code`` argument. (``code`` is the stable v8snap error code, ``JS_ERROR``.)
    """

    code = "JS_ERROR"

    def __init__(self, name: str, message: str, stack: str = "", code: str | None = None) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name
        self.js_message = message
        self.stack = stack
        self.js_code = code


class RuntimeTimeoutError(EmbedError, builtins.TimeoutError):
    """A call ran past ``RuntimeOptions.timeout``; the node process was killed and is respawned on next use.

    Also an instance of the built-in :class:`TimeoutError`.
    """

    code = "RUNTIME_TIMEOUT"


class HeapLimitError(EmbedError, MemoryError):
    """The runtime exhausted ``RuntimeOptions.max_heap_size``; the process died, respawned on next use."""

    code = "HEAP_LIMIT"


class RuntimeCrashedError(EmbedError):
    """The node process died during a call (killed from outside, aborted); respawned on next use.

    Attributes:
        returncode: the process's exit status (negative: killed by that signal).
        stderr: tail of what the process printed to stdout/stderr.
    """

    code = "RUNTIME_CRASHED"

    def __init__(self, message: str, *, returncode: int | None = None, stderr: str = "") -> None:
        super().__init__(message)
        self.returncode = returncode
        self.stderr = stderr


class RuntimeClosedError(EmbedError):
    """The runtime was closed with :meth:`Runtime.close` (or its context manager exited)."""

    code = "RUNTIME_CLOSED"
