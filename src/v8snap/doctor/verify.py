"""First-version verifier: run the snapshot script in plain node (not the builder) and collect violations.

One ``node script.js`` per round with ``V8SNAP_VERIFY_OUT`` set: the prelude initializes every healthy
candidate in dependency order with the hazard guards on and appends one JSON line per event. A round that
dies (``process.exit`` that got past the guard, a crash) or hangs is blamed on the module it last started.
Rounds repeat until no verdict changes. The parallel, cached doctor of issue #3 replaces this loop.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from v8snap.blueprint import Blueprint, assemble_script
from v8snap.doctor.heal import HealState
from v8snap.doctor.violations import Violation
from v8snap.util import atomic_write_text

Progress = Callable[[str], None]


@dataclass(frozen=True)
class RoundResult:
    """One verification round: violations seen and whether the process finished."""

    violations: list[Violation]
    finished: bool
    last_started: str | None
    fs_reads: dict[str, list[str]]
    stderr: str


def run_round(node: Path, script: str, workdir: Path, cwd: Path, *, timeout: float, n: int) -> RoundResult:
    """Run one verification round of ``script``; never raises for app errors."""
    script_path = workdir / f"verify-{n}.js"
    out = workdir / f"verify-{n}.jsonl"
    atomic_write_text(script_path, script)
    out.unlink(missing_ok=True)
    env = {**os.environ, "V8SNAP_VERIFY_OUT": str(out)}
    env.pop("NODE_OPTIONS", None)
    stderr = ""
    try:
        proc = subprocess.run(
            [str(node), str(script_path)], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
        )
        stderr = proc.stderr[-4000:]
    except subprocess.TimeoutExpired:
        stderr = f"timed out after {timeout:.0f} s"
    violations: list[Violation] = []
    last: str | None = None
    finished = False
    fs_reads: dict[str, list[str]] = {}
    if out.exists():
        for line in out.read_text().splitlines():
            ev = json.loads(line)
            if ev["event"] == "start":
                last = ev["key"]
            elif ev["event"] == "violation" and ev.get("key"):
                violations.append(Violation.from_json(ev))
            elif ev["event"] == "done":
                finished = True
                fs_reads = ev.get("fsReads", {})
    return RoundResult(violations, finished, last, fs_reads, stderr)


def verify_until_stable(
    bp_of: Callable[[HealState], Blueprint],
    state: HealState,
    *,
    node: Path,
    workdir: Path,
    cwd: Path,
    timeout: float = 60.0,
    max_rounds: int = 50,
    progress: Progress | None = None,
) -> HealState:
    """Defer modules until a verification round initializes every healthy module without a violation.

    Args:
        bp_of: builds the blueprint for a heal state (verdicts change between rounds).
        state: starting verdicts; updated in place and returned.
        node: node binary.
        workdir: where round scripts and logs go.
        cwd: working directory of the verifier (the app root).
        timeout: seconds per round before the last started module is blamed (``TIMEOUT``).
        max_rounds: safety bound on rounds.
        progress: called with a one-line status per round.

    Returns:
        ``state``, with ``reasons`` for every deferred module.
    """
    for n in range(max_rounds):
        if not state.healthy:
            break
        res = run_round(node, assemble_script(bp_of(state)), workdir, cwd, timeout=timeout, n=n)
        changed = False
        for v in res.violations:
            changed |= state.defer(v)
        if not res.finished:
            if res.last_started is None:
                raise RuntimeError(f"verifier did not start: {res.stderr.strip()[-500:]}")
            code = "TIMEOUT" if "timed out" in res.stderr else "EXIT_CALLED"
            changed |= state.defer(Violation(res.last_started, code, res.stderr.strip()[-300:]))
        else:
            state.fs_reads = res.fs_reads
        if progress:
            progress(f"verify round {n + 1}: {len(state.healthy)} healthy, {len(state.deferred)} deferred")
        if not changed:
            break
    return state
