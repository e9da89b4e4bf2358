"""Library snapshots: the app pipeline (prepare -> doctor -> blueprint) for npm packages, not an app.

Used by the embedding API (``SnapshotBuilder.with_npm_package``): the result is a snapshot-script fragment
that, evaluated by the builder, initializes the packages' healthy modules and defines
``globalThis.__v8snap_require(request)``; deferred modules run on first use after deserialization.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from v8snap.bake.prepare import prepare
from v8snap.blueprint import Blueprint, assemble_script
from v8snap.config import KNOWN_BENIGN_HAZARDS, SnapshotConfig
from v8snap.doctor.engine import run_doctor
from v8snap.errors import GraphError
from v8snap.graph import ModuleGraph
from v8snap.kinds import Strategy
from v8snap.util import atomic_write_text

LIBRARY_ENTRY = ".v8snap/library-entry.js"


def library_fragment(
    app_root: Path,
    requests: list[str],
    *,
    node: Path,
    timeout: float = 120.0,
    progress: Callable[[str], None] | None = None,
) -> str:
    """Snapshot-script fragment holding ``requests`` (resolved from ``app_root``) and what they load.

    Args:
        app_root: directory whose ``node_modules`` holds the packages.
        requests: ``require`` requests, e.g. ``["typescript", "marked"]``.
        node: node binary (the one that will build the snapshot).
        timeout: seconds for the trace run and each verification round.
        progress: one-line status callback.

    Returns:
        JavaScript source; evaluated inside ``node --build-snapshot`` it defines
        ``globalThis.__v8snap_require``.

    Raises:
        GraphError: a request cannot be loaded by node.
    """
    root = app_root.resolve()
    atomic_write_text(root / LIBRARY_ENTRY, "".join(f"require({json.dumps(r)});\n" for r in requests))
    roots: list[tuple[str, str, str]] = []

    def library_part(graph: ModuleGraph) -> ModuleGraph:
        # Requests resolve as if required from the root; the entry itself is not part of the library.
        entry_dir = graph.entry.rsplit("/", 1)[0]
        for r in graph.resolutions:
            if r.parent_dir == entry_dir and r.request in requests and r.target:
                roots.append((".", r.request, r.target))
        missing = set(requests) - {req for _, req, _ in roots}
        if missing:
            raise GraphError(f"not loaded from {root}: {', '.join(sorted(missing))}")
        return replace(graph, modules={k: m for k, m in graph.modules.items() if k != graph.entry})

    cfg = SnapshotConfig(
        app_root=root,
        entry=LIBRARY_ENTRY,
        timeout=timeout,
        allow=KNOWN_BENIGN_HAZARDS,
        strategy=Strategy.SNAPSHOT,
        from_scratch=True,
    )
    prep = prepare(cfg, library_part, node=node)
    graph, verdicts, transform_of = prep.graph, prep.builtin_verdicts, prep.transform_of
    assert transform_of is not None  # rewrite is on
    with tempfile.TemporaryDirectory(prefix="v8snap-lib-") as work:
        options = prep.doctor_options(workdir=Path(work), persistent_cache=False)
        state = run_doctor(graph, prep.hashes, options).state
    if progress:
        progress(f"library: {len(state.healthy)} healthy, {len(state.deferred)} deferred")
    non_healthy = frozenset(state.deferred | state.norewrite)
    return assemble_script(
        Blueprint(
            graph=graph,
            healthy=frozenset(state.healthy),
            deferred=frozenset(state.deferred),
            norewrite=frozenset(state.norewrite),
            builtin_verdicts=verdicts,
            mode="library",
            allow=KNOWN_BENIGN_HAZARDS,
            extra_resolutions=tuple(roots),
            transform=transform_of(non_healthy, True),
            # read by the builder that evaluates the fragment (SnapshotBuilder.finish, right after)
            sources_dir=root / ".v8snap" / "library-sources",
        )
    )
