"""Acceptance by the real builder: build; on a crash without a JS stack, bisect the healthy set.

Node's builder can die in the serializer (SIGTRAP, ``global handle not serialized``) with no hint of the
module responsible. Healthy keys in init order have the property that every prefix is closed under
dependencies, so "does the build with healthy = prefix[:i] crash" is monotone in ``i`` and a binary search
finds the first culprit in O(log n) builds; repeated for k culprits: O(k log n).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from v8snap.blueprint import Blueprint, assemble_script, init_order
from v8snap.build.node_builder import BuildOutcome, run_node_builder
from v8snap.doctor.heal import HealState
from v8snap.doctor.violations import Violation
from v8snap.errors import SnapshotBuildError
from v8snap.util import atomic_write_text

Progress = Callable[[str], None]
_VIOLATION_LINE = re.compile(r"^  (\./\S+): ([A-Z_]+) (.*)$", re.M)


def _build(
    bp: Blueprint, node: Path, workdir: Path, out: Path, cwd: Path, flags: tuple[str, ...], name: str
) -> BuildOutcome:
    script = workdir / f"{name}.js"
    atomic_write_text(script, assemble_script(bp))
    return run_node_builder(node, script, out, cwd=cwd, flags=flags)


def build_with_acceptance(
    bp_of: Callable[[HealState], Blueprint],
    state: HealState,
    *,
    node: Path,
    workdir: Path,
    out: Path,
    cwd: Path,
    flags: tuple[str, ...] = (),
    reverify: Callable[[HealState], HealState] | None = None,
    max_culprits: int = 10,
    progress: Progress | None = None,
) -> BuildOutcome:
    """Build ``out`` from the heal state, deferring modules until the real builder succeeds.

    Args:
        bp_of: blueprint for a heal state.
        state: verdicts (updated in place when a culprit is found).
        node, workdir, out, cwd, flags: as for :func:`run_node_builder`.
        reverify: re-runs verification after a culprit is deferred (its dependents may need deferring).
        max_culprits: bound on healing attempts.
        progress: one-line status callback.

    Returns:
        The successful :class:`BuildOutcome`.

    Raises:
        SnapshotBuildError: the build fails even with no healthy module, or too many culprits.
    """
    for attempt in range(max_culprits + 1):
        outcome = _build(bp_of(state), node, workdir, out, cwd, flags, f"snapshot-{attempt}")
        if outcome.ok:
            return outcome
        if not outcome.crashed:
            found = [Violation(k, c, d) for k, c, d in _VIOLATION_LINE.findall(outcome.stderr)]
            if found and any(state.defer(v) for v in found):
                if reverify:
                    reverify(state)
                continue
            raise SnapshotBuildError(
                "node's snapshot builder failed",
                js_stack=outcome.stderr[-3000:],
                code="UNKNOWN_ERROR",
                hint="run `v8snap doctor` to see the classification; V8SNAP_KEEP_CONFIG=1 keeps the script",
            )
        culprit = _bisect(bp_of, state, node=node, workdir=workdir, cwd=cwd, flags=flags, progress=progress)
        if culprit is None:
            raise SnapshotBuildError(
                "node's snapshot builder crashes even with no module initialized",
                code="BUILTIN_CRASHES",
                js_stack=outcome.stderr[-3000:],
            )
        if progress:
            progress(f"builder crash traced to {culprit}: deferred")
        state.defer(
            Violation(culprit, "BUILTIN_CRASHES", "node --build-snapshot crashed (found by bisection)")
        )
        if reverify:
            reverify(state)
    raise SnapshotBuildError(f"gave up after {max_culprits} builder crashes", code="BUILTIN_CRASHES")


def _bisect(
    bp_of: Callable[[HealState], Blueprint],
    state: HealState,
    *,
    node: Path,
    workdir: Path,
    cwd: Path,
    flags: tuple[str, ...],
    progress: Progress | None,
) -> str | None:
    base = bp_of(state)
    order = init_order(base.graph, state.healthy)
    probe_out = workdir / "bisect.blob"

    def crashes(i: int) -> bool:
        prefix = frozenset(order[:i])
        bp = Blueprint(
            **{**base.__dict__, "healthy": prefix, "deferred": base.deferred | (frozenset(order) - prefix)}
        )
        res = _build(bp, node, workdir, probe_out, cwd, flags, "bisect")
        probe_out.unlink(missing_ok=True)
        if progress:
            progress(f"bisect: {i}/{len(order)} healthy -> {'crash' if res.crashed else 'ok'}")
        return res.crashed

    if crashes(0):
        return None
    lo, hi = 0, len(order)  # invariant: prefix lo builds, prefix hi crashes
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if crashes(mid):
            hi = mid
        else:
            lo = mid
    return order[hi - 1]
