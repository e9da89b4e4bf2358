"""graph stage: discover the modules an app loads at startup and how their requests resolve.

Public API: :func:`discover_graph`, :func:`find_entry`, and the shared structures :class:`ModuleGraph`,
:class:`ModuleInfo`, :class:`Resolution`, :func:`module_key`.
"""

from v8snap.graph.discover import discover_graph
from v8snap.graph.entry import find_entry
from v8snap.graph.model import ModuleGraph, ModuleInfo, Resolution, module_key
from v8snap.graph.trace import TraceRecord, TraceRun, trace_app

__all__ = [
    "ModuleGraph",
    "ModuleInfo",
    "Resolution",
    "TraceRecord",
    "TraceRun",
    "discover_graph",
    "find_entry",
    "module_key",
    "trace_app",
]
