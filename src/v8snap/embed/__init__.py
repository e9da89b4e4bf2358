"""Python embedding API: run JavaScript in node processes booted from startup snapshots.

rustyscript's API in Python (docs/architecture.md, "Embedding"): build a blob with
:class:`SnapshotBuilder`, start :class:`Runtime` objects from it, or keep warm ones in a
:class:`RuntimePool`. See ``docs/embedding.md``.
"""

from v8snap.embed.builder import SnapshotBuilder
from v8snap.embed.errors import (
    EmbedError,
    HeapLimitError,
    JsError,
    RuntimeClosedError,
    RuntimeCrashedError,
    RuntimeTimeoutError,
    SnapshotBuildError,
    SnapshotMismatchError,
)
from v8snap.embed.module import Module
from v8snap.embed.options import BuilderOptions, RuntimeOptions
from v8snap.embed.pool import RuntimePool
from v8snap.embed.runtime import ConsoleMessage, Runtime

__all__ = [
    "BuilderOptions",
    "ConsoleMessage",
    "EmbedError",
    "HeapLimitError",
    "JsError",
    "Module",
    "Runtime",
    "RuntimeClosedError",
    "RuntimeCrashedError",
    "RuntimeOptions",
    "RuntimePool",
    "RuntimeTimeoutError",
    "SnapshotBuildError",
    "SnapshotBuilder",
    "SnapshotMismatchError",
]
