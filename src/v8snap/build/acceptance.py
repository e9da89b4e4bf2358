"""Acceptance by the real builder: build; on a crash without a JS stack, bisect the healthy set.

Node's builder can die in the serializer (SIGTRAP, ``global handle not serialized``) with no hint of the
module responsible. Healthy keys in init order have the property that every prefix is closed under
dependencies, so "does the build with healthy = prefix[:i] crash" is monotone in ``i`` and a binary search
finds the first culprit in O(log n) builds; repeated for k culprits: O(k log n).
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, replace
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
        bp = _with_healthy_prefix(base, order, i)
        res = _build(bp, node, workdir, probe_out, cwd, flags, "bisect")
        probe_out.unlink(missing_ok=True)
        if progress:
            progress(f"bisect: {i}/{len(order)} healthy -> {'crash' if res.crashed else 'ok'}")
        return res.crashed

    i = _first_bad(len(order), crashes)
    return None if i is None else order[i]


@dataclass(frozen=True)
class RunOutput:
    """What one run of the app printed: exit code, stdout, stderr."""

    returncode: int
    stdout: str
    stderr: str


def _run(cmd: list[str], cwd: Path, timeout: float) -> RunOutput:
    env = {k: v for k, v in os.environ.items() if k not in ("NODE_OPTIONS", "V8SNAP_DISABLE")}
    try:
        p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return RunOutput(-1, "", f"timed out after {timeout:.0f} s")
    return RunOutput(p.returncode, p.stdout, p.stderr)


def compare_output(
    node: Path, blob: Path, entry: Path, args: tuple[str, ...], cwd: Path, *, timeout: float = 60.0
) -> str | None:
    """Run the app plainly (twice) and from ``blob``; describe the difference, or None when identical.

    A plain run whose output differs between two runs (timestamps, random ids) cannot be compared:
    then None is returned (nothing to check against).

    Args:
        node: node binary.
        blob: snapshot blob.
        entry: absolute path of the app's main module.
        args: the trace command's arguments.
        cwd: working directory (the app root).
        timeout: seconds per run.

    Returns:
        A one-line description of the first difference (exit code, stdout line), or None.
    """
    plain = _run([str(node), str(entry), *args], cwd, timeout)
    again = _run([str(node), str(entry), *args], cwd, timeout)
    if (plain.returncode, plain.stdout) != (again.returncode, again.stdout):
        return None
    snap = _run([str(node), "--snapshot-blob", str(blob), *args], cwd, timeout)
    if snap.returncode != plain.returncode:
        tail = snap.stderr.strip().splitlines()[-1:] or [""]
        return f"exit code {snap.returncode} from the blob, {plain.returncode} plain: {tail[0][:200]}"
    if snap.stdout != plain.stdout:
        a, b = plain.stdout.splitlines(), snap.stdout.splitlines()
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            if x != y:
                return f"stdout line {i + 1}: plain {x[:120]!r}, blob {y[:120]!r}"
        return f"stdout has {len(b)} lines from the blob, {len(a)} plain"
    return None


def check_app_output(
    bp_of: Callable[[HealState], Blueprint],
    state: HealState,
    *,
    node: Path,
    workdir: Path,
    blob: Path,
    cwd: Path,
    entry: Path,
    trace_args: tuple[tuple[str, ...], ...],
    flags: tuple[str, ...] = (),
    reverify: Callable[[HealState], HealState] | None = None,
    progress: Progress | None = None,
) -> list[str]:
    """Run each trace command from the built ``blob`` and compare with a plain run; heal mismatches.

    On a mismatch the healthy set is bisected (builds of init-order prefixes, each run and compared),
    the culprit deferred with ``OUTPUT_MISMATCH`` and ``blob`` rebuilt. A blob that builds is not proof:
    a module can build fine and misbehave at first use.

    Returns:
        Human-readable notes (one per mismatch found and what was done about it).

    Raises:
        SnapshotBuildError: the output still differs with no module healthy (the loader's fault), or
            the rebuild after healing fails.
    """
    notes: list[str] = []
    probe = workdir / "output-check.blob"
    for args in trace_args:
        for _ in range(3):
            diff = compare_output(node, blob, entry, args, cwd)
            if diff is None:
                break
            notes.append(f"output of `{' '.join(args) or '(no args)'}` differs: {diff}")
            if progress:
                progress(f"blob output differs from plain ({diff}); bisecting")
            base = bp_of(state)
            order = init_order(base.graph, state.healthy)

            def differs(
                i: int, order: list[str] = order, base: Blueprint = base, args: tuple[str, ...] = args
            ) -> bool:
                bp = _with_healthy_prefix(base, order, i)
                res = _build(bp, node, workdir, probe, cwd, flags, "output-bisect")
                bad = not res.ok or compare_output(node, probe, entry, args, cwd) is not None
                probe.unlink(missing_ok=True)
                return bad

            culprit = _first_bad(len(order), differs)
            if culprit is None:
                raise SnapshotBuildError(
                    f"the app's output from the blob differs from a plain run: {diff}",
                    code="OUTPUT_MISMATCH",
                    hint="this is a loader bug, not a module's: please report it",
                )
            key = order[culprit]
            notes.append(f"deferred {key} (OUTPUT_MISMATCH)")
            if progress:
                progress(f"output mismatch traced to {key}: deferred")
            state.defer(Violation(key, "OUTPUT_MISMATCH", diff))
            if reverify:
                reverify(state)
            outcome = _build(bp_of(state), node, workdir, blob, cwd, flags, "snapshot-output")
            if not outcome.ok:
                raise SnapshotBuildError(
                    "rebuild after an output mismatch failed", js_stack=outcome.stderr[-3000:]
                )
    return notes


def _with_healthy_prefix(base: Blueprint, order: list[str], i: int) -> Blueprint:
    """``base`` with only ``order[:i]`` healthy (the rest of ``order`` deferred): a bisection step.
    Prefixes of an init order are closed under dependencies, so each step initializes cleanly."""
    prefix = frozenset(order[:i])
    return replace(base, healthy=prefix, deferred=base.deferred | (frozenset(order) - prefix))


def _first_bad(n: int, bad: Callable[[int], bool]) -> int | None:
    """Smallest index i such that prefix i+1 is bad (monotone predicate), or None if prefix 0 is bad."""
    if bad(0):
        return None
    lo, hi = 0, n  # prefix lo good, prefix hi bad
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if bad(mid):
            hi = mid
        else:
            lo = mid
    return hi - 1


def run_mksnapshot(
    mksnapshot: Path, script: Path, out_dir: Path, *, extra: tuple[str, ...] = (), timeout: float = 600
) -> Path:
    """Hand the snapshot script to a user-supplied Electron ``mksnapshot`` (``--profile electron``).

    Runs ``mksnapshot SCRIPT --output_dir OUT_DIR [extra...]`` (the electron-mksnapshot CLI), which
    writes ``snapshot_blob.bin`` (and ``v8_context_snapshot.bin``) into ``out_dir``.

    Args:
        mksnapshot: path of the mksnapshot executable.
        script: the snapshot script (doctored with the ``electron`` profile).
        out_dir: output directory (created).
        extra: further arguments passed through.
        timeout: seconds before mksnapshot is killed.

    Returns:
        Path of ``snapshot_blob.bin``.

    Raises:
        SnapshotBuildError: mksnapshot is missing, fails, times out, or writes no blob.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    if not mksnapshot.is_file():
        raise SnapshotBuildError(f"mksnapshot not found: {mksnapshot}", hint="pass --mksnapshot PATH")
    try:
        proc = subprocess.run(
            [str(mksnapshot), str(script), "--output_dir", str(out_dir), *extra],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        raise SnapshotBuildError(f"mksnapshot timed out after {timeout:.0f} s") from exc
    blob = out_dir / "snapshot_blob.bin"
    if proc.returncode != 0 or not blob.is_file():
        raise SnapshotBuildError(
            f"mksnapshot failed (exit {proc.returncode})",
            js_stack=(proc.stderr or proc.stdout)[-3000:],
            code="BUILTIN_CRASHES" if proc.returncode < 0 else "UNKNOWN_ERROR",
            hint="run `v8snap doctor --profile electron` to see which modules are deferred",
        )
    return blob
