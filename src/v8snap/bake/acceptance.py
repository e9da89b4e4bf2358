"""Acceptance by the real builder, then by the app's own output; heal what either rejects.

Node's builder rejects a heal state in three ways (docs/architecture.md, "Node's snapshot builder"):
- a violation reported by the prelude's guards (``  ./x.js: CODE detail``): every one is deferred at once;
- a JS exception or rejected promise inside ``--build-snapshot`` (``Error: Not supported`` from an
  ``import()`` at load, ``ReferenceError: WebAssembly is not defined``): the healthy module named by the
  innermost stack frame is deferred (``BUILDER_ERROR``);
- a crash with no JS stack (SIGTRAP in the serializer, ``Unknown external reference``): the healthy set
  is bisected. Healthy keys in init order have the property that every prefix is closed under
  dependencies, so "does the build with healthy = prefix[:i] fail" is monotone in ``i`` and a binary search
  finds the first culprit in O(log n) builds.
The output check then runs each trace command plainly and from the candidate blob and compares exit
code, stdout and stderr under a mask of what varies between plain runs (:mod:`v8snap.bake.output`); a
difference is bisected the same way (``OUTPUT_MISMATCH``). A failure no module explains is the tool's own:
the error says "please report" and names a kept script and command that reproduce it.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from v8snap.bake.node_builder import BuildOutcome, run_node_builder
from v8snap.bake.output import RunOutput, StreamMask, first_difference, learn_mask, run_app
from v8snap.blueprint import Blueprint
from v8snap.blueprint.assemble import Assembly, assemble
from v8snap.doctor.heal import HealState
from v8snap.doctor.violations import Violation
from v8snap.errors import SnapshotBuildError
from v8snap.graph.model import ModuleGraph
from v8snap.graph.order import init_order
from v8snap.kinds import Code
from v8snap.util import atomic_write_text, error_line, last_lines, node_error_excerpt

Progress = Callable[[str], None]
_MAX_OUTPUT_HEALS = 5  # modules deferred per trace command for output mismatches before giving up
_VIOLATION_LINE = re.compile(r"^  (\./\S+): ([A-Z_]+) (.*)$", re.M)
_FRAME_FILE = re.compile(r"(/[^\s():]+):\d+(?::\d+)?")
_ERROR_LINE = re.compile(r"^\s*(?:Uncaught )?([A-Za-z]*(?:Error|Exception)\b.*|\[.*Error.*\].*)$", re.M)


@dataclass
class Acceptance:
    """What acceptance did on the way to the blob.

    Attributes:
        outcome: the successful builder run.
        healed: one line per module deferred by acceptance, with the reason.
        masked: what the output check ignored because it varies between plain runs.
        skipped: output checks not done, with the reason (a time limit reached).
        skipped_args: the trace commands of ``skipped`` (they never finish: nothing to time either).
        checks: trace command -> its output check (plain runs made), for judging other ways of starting
            the app (the strategy choice, a single executable) against the same plain runs.
    """

    outcome: BuildOutcome
    healed: list[str] = field(default_factory=list)
    masked: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    skipped_args: list[tuple[str, ...]] = field(default_factory=list)
    checks: dict[tuple[str, ...], OutputCheck] = field(default_factory=dict)


def _build(
    bp: Blueprint, node: Path, workdir: Path, out: Path, cwd: Path, flags: tuple[str, ...], name: str
) -> tuple[BuildOutcome, Assembly, Path]:
    script = workdir / f"{name}.js"
    assembly = assemble(bp)
    atomic_write_text(script, assembly.text)
    return run_node_builder(node, script, out, cwd=cwd, flags=flags), assembly, script


def builder_culprits(stderr: str, graph: ModuleGraph, healthy: set[str]) -> list[Violation]:
    """The healthy modules a failed builder run blames, most specific first.

    Violation lines reported by the prelude's guards name their modules; otherwise the innermost stack
    frame that lies in a healthy module's file names it (``BUILDER_ERROR`` with the error line).

    Args:
        stderr: the builder's stderr.
        graph: the module graph (absolute paths of its modules).
        healthy: keys initialized in that run.

    Returns:
        Violations to defer (empty: nothing attributable; bisect).
    """
    # A module that threw while initializing (UNKNOWN_ERROR) passed the verifier: it throws only in the
    # builder's realm, which is worth saying.
    found = [
        Violation(k, Code.BUILDER_ERROR if c == Code.UNKNOWN_ERROR else c, d)
        for k, c, d in _VIOLATION_LINE.findall(stderr)
        if k in healthy
    ]
    if found:
        return found
    by_path = {str(m.path): k for k, m in graph.modules.items() if k in healthy}
    m = _ERROR_LINE.search(stderr)
    what = (m.group(1).strip() if m else last_lines(stderr, 1))[:200]
    for path in _FRAME_FILE.findall(stderr):
        key = by_path.get(path)
        if key is not None:
            return [Violation(key, Code.BUILDER_ERROR, what, stack=path)]
    return []


def _repro(workdir: Path, script: Path, node: Path, cwd: Path, flags: tuple[str, ...]) -> Path:
    """Write ``workdir/repro.sh``: the command that reproduces a failure (the script is kept)."""
    cmd = [str(node), *flags, "--snapshot-blob", str(workdir / "repro.blob"), "--build-snapshot", str(script)]
    path = workdir / "repro.sh"
    atomic_write_text(path, f"#!/bin/sh\ncd {shlex.quote(str(cwd))} && exec {shlex.join(cmd)}\n")
    path.chmod(0o755)
    return path


class Judge(Protocol):
    """Who decides verdicts (the doctor, :class:`v8snap.doctor.engine.Doctor`), as acceptance sees it.

    Acceptance only reads the verdicts and reports culprits (module + reason); the judge defers them and
    whatever depends on them at load time (docs/architecture.md, "Invariants").
    """

    @property
    def state(self) -> HealState:
        """The current verdicts (read only here)."""
        ...

    def accept_culprits(self, culprits: list[Violation]) -> list[Violation]:
        """Defer ``culprits`` that are healthy and re-settle the verdicts; returns the ones that changed."""
        ...


def build_with_acceptance(
    bp_of: Callable[[HealState], Blueprint],
    judge: Judge,
    *,
    node: Path,
    workdir: Path,
    out: Path,
    cwd: Path,
    flags: tuple[str, ...] = (),
    max_rounds: int = 12,
    progress: Progress | None = None,
) -> Acceptance:
    """Build ``out`` from the judge's verdicts, reporting culprits until the real builder succeeds.

    Args:
        bp_of: blueprint for a heal state.
        judge: the verdicts and who decides them (culprits the builder names, or bisection finds, are
            reported to it).
        node, workdir, out, cwd, flags: as for :func:`run_node_builder`.
        max_rounds: bound on builder runs that defer something (each may defer many modules).
        progress: one-line status callback.

    Returns:
        An :class:`Acceptance` (``healed`` lists what was deferred and why).

    Raises:
        SnapshotBuildError: the builder fails even with no healthy module (the message holds the builder's
            last stderr lines and names a kept reproduction), or it still fails after ``max_rounds``.
    """
    say = progress or (lambda _m: None)
    healed: list[str] = []
    for attempt in range(max_rounds + 1):
        bp = bp_of(judge.state)
        outcome, _, script = _build(bp, node, workdir, out, cwd, flags, f"snapshot-{attempt}")
        if outcome.ok:
            return Acceptance(outcome, healed)
        found = builder_culprits(outcome.stderr, bp.graph, judge.state.healthy)
        if not found:
            say("node's snapshot builder failed with no module named; bisecting the healthy set")
            culprit = _bisect(
                bp, judge.state.healthy, node=node, workdir=workdir, cwd=cwd, flags=flags, progress=say
            )
            if culprit is None:
                raise SnapshotBuildError(
                    "node's snapshot builder fails even with no module initialized at build time; "
                    f"its last words:\n{node_error_excerpt(outcome.stderr)}",
                    violation=Code.BUILTIN_CRASHES,
                    js_stack=outcome.stderr[-3000:],
                    hint="this is a v8snap or node bug, not a module's: please report it with "
                    f"{_repro(workdir, script, node, cwd, flags)}; V8SNAP_DISABLE=1 runs the app plainly",
                )
            code = Code.BUILTIN_CRASHES if outcome.crashed else Code.BUILDER_ERROR
            last = last_lines(outcome.stderr, 1)[:160] or f"exit {outcome.returncode}"
            found = [Violation(culprit, code, f"node --build-snapshot failed: {last} (found by bisection)")]
        changed = judge.accept_culprits(found)
        if not changed:
            raise SnapshotBuildError(
                f"node's snapshot builder still fails after deferring {found[0].key}; its last words:\n"
                f"{node_error_excerpt(outcome.stderr)}",
                module=found[0].key,
                violation=found[0].code,
                js_stack=outcome.stderr[-3000:],
                hint=f"please report it with {_repro(workdir, script, node, cwd, flags)}",
            )
        for v in changed:
            healed.append(f"deferred {v.key}: {v.code} {v.detail} (rejected by node's builder)")
            say(f"builder rejected {v.key} ({v.code} {v.detail[:80]}): deferred")
    raise SnapshotBuildError(
        f"node's snapshot builder still fails after {max_rounds} rounds of deferring modules; last:\n"
        f"{node_error_excerpt(outcome.stderr)}",
        violation=Code.BUILDER_ERROR,
        hint="run `v8snap doctor` to see the classification; V8SNAP_KEEP_CONFIG=1 keeps the scripts",
    )


def _bisect(
    base: Blueprint,
    healthy: set[str],
    *,
    node: Path,
    workdir: Path,
    cwd: Path,
    flags: tuple[str, ...],
    progress: Progress,
) -> str | None:
    order = init_order(base.graph, healthy)
    probe_out = workdir / "bisect.blob"

    def fails(i: int) -> bool:
        res, _, _ = _build(
            _with_healthy_prefix(base, order, i), node, workdir, probe_out, cwd, flags, "bisect"
        )
        probe_out.unlink(missing_ok=True)
        progress(f"bisect: {i}/{len(order)} healthy -> {'fails' if not res.ok else 'ok'}")
        return not res.ok

    i = _first_bad(len(order), fails)
    return None if i is None else order[i]


_WORKER_TEMPLATE = re.compile(r"Assertion failed: \w+_template_?\.IsEmpty\(\)")


def node_limit(run: RunOutput | None) -> str | None:
    """A known node limit that makes every snapshot of the app fail at run time, described; else None.

    Observed on node 24.19 (docs/limits.md): a worker thread started from a user-land snapshot gets the
    blob's isolate data but a fresh binding cache, so a binding the builder initialized (``stream_wrap``,
    which ``require('v8')`` loads; ``pipe_wrap``; crypto's key objects) is initialized twice in the worker and
    node aborts on ``Assertion failed: shutdown_wrap_template_.IsEmpty()``. esbuild's ``transformSync``
    (a worker that loads ``child_process``) meets it.
    """
    if run is None or not _WORKER_TEMPLATE.search(run.stderr):
        return None
    line = next(ln.strip() for ln in run.stderr.splitlines() if _WORKER_TEMPLATE.search(ln))
    return (
        f"node aborts with `{line}` (a worker thread started from a snapshot re-initializes a binding the "
        "snapshot builder already initialized: worker threads that load net, child_process, tty or crypto "
        "cannot run from a user-land snapshot on node 24)"
    )


def _describe(args: tuple[str, ...]) -> str:
    return "`" + (shlex.join(args) or "(no args)") + "`"


class OutputCheck:
    """One trace command, run plainly and from blobs; differences judged under a learned mask.

    The plain runs are made once and reused for every blob compared (bisection steps included). A blob
    run that breaks the mask is shown to up to ``max_plain`` plain runs in all before it counts: a value
    that merely happened to agree in the first plain runs is then masked too.
    """

    def __init__(
        self,
        node: Path,
        entry: Path,
        args: tuple[str, ...],
        cwd: Path,
        *,
        timeout: float,
        progress: Progress,
        first_plain: int = 2,
        max_plain: int = 5,
    ) -> None:
        self.node, self.entry, self.args, self.cwd = node, entry, args, cwd
        self.timeout, self.say = timeout, progress
        self.first_plain, self.max_plain = first_plain, max_plain
        self.plain: list[RunOutput] = []
        self.last: RunOutput | None = None  # the last run compared (a blob's, a strategy's, an executable's)
        self.masks: tuple[StreamMask, StreamMask] | None = None

    def _plain_run(self) -> RunOutput:
        self.say(
            f"output check {_describe(self.args)}: plain run {len(self.plain) + 1} "
            f"(time limit {self.timeout:.0f} s)"
        )
        run = run_app([str(self.node), str(self.entry), *self.args], self.cwd, self.timeout)
        if run.timed_out:
            self.say(
                f"output check {_describe(self.args)}: the plain run reached the "
                f"{self.timeout:.0f} s limit and was ended"
            )
        self.plain.append(run)
        self.masks = (learn_mask([p.stdout for p in self.plain]), learn_mask([p.stderr for p in self.plain]))
        return run

    def skip_reason(self) -> str | None:
        """Make the first plain runs; a reason not to compare (the app does not finish), else None."""
        while len(self.plain) < self.first_plain:
            if self._plain_run().timed_out:
                return (
                    f"{_describe(self.args)} not compared: the plain run did not finish in "
                    f"{self.timeout:.0f} s (a server or watcher? give trace args that exit)"
                )
        return None

    def _judge(self, snap: RunOutput) -> str | None:
        assert self.masks is not None
        codes = {p.returncode for p in self.plain}
        if len(codes) == 1 and snap.returncode not in codes:
            tail = error_line(snap.stderr) or error_line(snap.stdout)
            return f"exit code {snap.returncode} from the blob, {codes.pop()} plain: {tail[:200]}"
        for name, mask, text in (
            ("stdout", self.masks[0], snap.stdout),
            ("stderr", self.masks[1], snap.stderr),
        ):
            diff = first_difference(mask, text)
            if diff is not None:
                return f"{name} {diff}"
        return None

    def difference(self, blob: Path) -> str | None:
        """Run the app from ``blob`` and describe how it differs from the plain runs, or None."""
        cmd = [str(self.node), "--snapshot-blob", str(blob), "--", *self.args]
        return self.command_difference(cmd, "the run from the blob")

    def command_difference(self, cmd: list[str], what: str, env: dict[str, str] | None = None) -> str | None:
        """Run ``cmd`` (the app started another way: from a blob, a single executable, with the compile
        cache preload) with ``env`` added and describe how its output differs from the plain runs, or
        None; ``what`` names it in the time-out message."""
        if self.skip_reason() is not None:
            return None
        run = run_app(cmd, self.cwd, self.timeout, env)
        self.last = run
        if run.timed_out:
            return f"{what} did not finish in {self.timeout:.0f} s (plain runs did)"
        diff = self._judge(run)
        while diff is not None and len(self.plain) < self.max_plain:
            self._plain_run()
            diff = self._judge(run)
        return diff

    def masked(self) -> list[str]:
        """What the comparison ignores, one line each (stream, line, the line with ``…`` where masked)."""
        if self.masks is None:
            return []
        return [
            f"{_describe(self.args)} {name} {m}"
            for name, mask in (("stdout", self.masks[0]), ("stderr", self.masks[1]))
            for m in mask.masked()
        ]


def check_app_output(
    bp_of: Callable[[HealState], Blueprint],
    judge: Judge,
    acceptance: Acceptance,
    *,
    node: Path,
    workdir: Path,
    blob: Path,
    cwd: Path,
    entry: Path,
    trace_args: tuple[tuple[str, ...], ...],
    timeout: float = 60.0,
    flags: tuple[str, ...] = (),
    progress: Progress | None = None,
) -> None:
    """Run each trace command from ``blob`` and plainly, compare; heal mismatches (updates ``acceptance``).

    On a mismatch the healthy set is bisected (builds of init-order prefixes, each run and compared),
    the culprit reported to ``judge`` with ``OUTPUT_MISMATCH`` and ``blob`` rebuilt. A blob that builds is
    not proof: a module can build fine and misbehave at first use.

    Raises:
        SnapshotBuildError: the output still differs with no module healthy (the loader's fault: the error
            names a kept reproduction), or the rebuild after healing fails.
    """
    say = progress or (lambda _m: None)
    probe = workdir / "output-check.blob"
    for args in trace_args:
        check = OutputCheck(node, entry, args, cwd, timeout=timeout, progress=say)
        acceptance.checks[args] = check
        skip = check.skip_reason()
        if skip is not None:
            acceptance.skipped.append(skip)
            acceptance.skipped_args.append(args)
            continue
        for healed in range(_MAX_OUTPUT_HEALS + 1):
            diff = check.difference(blob)
            if diff is None:
                break
            if healed == _MAX_OUTPUT_HEALS:
                raise SnapshotBuildError(
                    f"the app's output from the blob still differs after deferring {healed} modules: {diff}",
                    violation=Code.OUTPUT_MISMATCH,
                    hint="run `v8snap doctor`; V8SNAP_DISABLE=1 runs the app plainly",
                )
            say(f"output of {_describe(args)} from the blob differs ({diff}); bisecting")
            base = bp_of(judge.state)
            order = init_order(base.graph, judge.state.healthy)

            def differs(
                i: int, order: list[str] = order, base: Blueprint = base, check: OutputCheck = check
            ) -> bool:
                res, _, _ = _build(
                    _with_healthy_prefix(base, order, i), node, workdir, probe, cwd, flags, "output-bisect"
                )
                bad = not res.ok or check.difference(probe) is not None
                probe.unlink(missing_ok=True)
                return bad

            culprit = _first_bad(len(order), differs)
            if culprit is None:
                limit = node_limit(check.last)
                if limit is not None:
                    raise SnapshotBuildError(
                        f"{_describe(args)} cannot run from a user-land snapshot on this node: {limit}",
                        violation=Code.NODE_LIMIT,
                        hint="build without --strategy snapshot: the launcher then starts the app with "
                        "node's compile cache instead of the blob; see docs/limits.md",
                    )
                _, _, script = _build(
                    _with_healthy_prefix(base, order, 0), node, workdir, probe, cwd, flags, "output-repro"
                )
                raise SnapshotBuildError(
                    f"the app's output from the blob differs from a plain run ({_describe(args)}: {diff}) "
                    "even with no module initialized at build time",
                    violation=Code.OUTPUT_MISMATCH,
                    hint="this is a v8snap loader bug, not a module's: please report it with "
                    f"{_repro(workdir, script, node, cwd, flags)} (then run the blob with "
                    f"`node --snapshot-blob {workdir / 'repro.blob'} -- ARGS`); "
                    "V8SNAP_DISABLE=1 runs the app plainly",
                )
            key = order[culprit]
            acceptance.healed.append(f"deferred {key}: OUTPUT_MISMATCH {diff}")
            say(f"output mismatch traced to {key}: deferred")
            judge.accept_culprits([Violation(key, Code.OUTPUT_MISMATCH, diff)])
            outcome, _, _ = _build(bp_of(judge.state), node, workdir, blob, cwd, flags, "snapshot-output")
            if not outcome.ok:
                raise SnapshotBuildError(
                    f"rebuild after an output mismatch failed:\n{node_error_excerpt(outcome.stderr)}",
                    js_stack=outcome.stderr[-3000:],
                    violation=Code.BUILDER_ERROR,
                    hint="please report it; V8SNAP_KEEP_CONFIG=1 keeps the scripts",
                )
            acceptance.outcome = outcome
        acceptance.masked.extend(check.masked())


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
