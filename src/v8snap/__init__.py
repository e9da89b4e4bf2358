"""v8snap: start Node.js apps from a V8 startup snapshot of their modules, and embed JavaScript in Python
with runtimes that boot from snapshots.

The Python embedding API (rustyscript's, in Python) is re-exported here; the app pipeline is reached
through the ``v8snap`` command or :func:`v8snap.bake.app.build_app`.
"""

from v8snap.embed import (
    BuilderOptions,
    ConsoleMessage,
    EmbedError,
    HeapLimitError,
    JsError,
    Module,
    Runtime,
    RuntimeClosedError,
    RuntimeCrashedError,
    RuntimeOptions,
    RuntimePool,
    RuntimeTimeoutError,
    SnapshotBuilder,
)
from v8snap.errors import SnapshotBuildError, SnapshotMismatchError, V8SnapError

__version__ = "0.1.0"

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
    "V8SnapError",
    "__version__",
]
