"""The snapshot printer: rewrite module source so more modules can be initialized in the snapshot.

Public API:

* :func:`rewrite_module` -- lazy getters for requires of non-healthy modules and for top-level
  declarations that read run-time-only globals; norewrite detection.
* :func:`to_one_byte` -- make source pure Latin-1 (V8 then stores it one byte per character).
* :func:`strip_comments` -- drop comments (keeping line count), returning licence comments separately.
"""

from v8snap.rewrite.lazy import rewrite_module
from v8snap.rewrite.model import (
    DEFAULT_RUNTIME_GLOBALS,
    ELECTRON_RUNTIME_GLOBALS,
    Rewrite,
    RewriteKind,
    RewriteResult,
)
from v8snap.rewrite.onebyte import strip_comments, to_one_byte

__all__ = [
    "DEFAULT_RUNTIME_GLOBALS",
    "ELECTRON_RUNTIME_GLOBALS",
    "Rewrite",
    "RewriteKind",
    "RewriteResult",
    "rewrite_module",
    "strip_comments",
    "to_one_byte",
]
