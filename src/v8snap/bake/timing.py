"""Time app startup side by side: each round runs every variant once, in turn, so machine noise hits all
variants alike; the figures are medians over rounds (wall time of the whole process, ms)."""

from __future__ import annotations

import resource
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from v8snap.errors import V8SnapError


@dataclass(frozen=True)
class Variant:
    """One way of starting the app: argv plus extra environment."""

    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StartupResult:
    """Per-variant samples (ms) and their median; ``ratio`` is relative to the first variant (plain).

    ``cpu_samples_ms``: CPU time (user + system, ms) of each run's process (getrusage of waited children),
    a figure much less sensitive than wall time to other load on the machine.
    """

    name: str
    samples_ms: list[float]
    cpu_samples_ms: list[float] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def median_cpu_ms(self) -> float:
        return statistics.median(self.cpu_samples_ms) if self.cpu_samples_ms else 0.0


def default_variants(
    node: Path, entry: Path, launcher: Path, args: list[str], cache_dir: Path
) -> list[Variant]:
    """plain node, node with NODE_COMPILE_CACHE (the strongest built-in peer), and the v8snap launcher."""
    return [
        Variant("plain node", [str(node), str(entry), *args]),
        Variant("NODE_COMPILE_CACHE", [str(node), str(entry), *args], {"NODE_COMPILE_CACHE": str(cache_dir)}),
        Variant("v8snap", [str(launcher), *args]),
    ]


def _cpu_ms() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (ru.ru_utime + ru.ru_stime) * 1000


def _run(v: Variant, cwd: Path, check_exit: bool = True, timeout: float | None = None) -> tuple[float, float]:
    from v8snap.bake.output import run_app

    limit = 600.0 if timeout is None else timeout
    c0 = _cpu_ms()
    t0 = time.perf_counter_ns()
    run = run_app(v.argv, cwd, limit, v.env)
    elapsed = (time.perf_counter_ns() - t0) / 1e6
    cpu = _cpu_ms() - c0
    if run.timed_out:
        raise V8SnapError(f"{v.name} did not finish in {limit:.0f} s")
    if check_exit and run.returncode != 0:
        raise V8SnapError(f"{v.name} exited {run.returncode}: {run.stderr[-300:]}")
    if "v8snap: " in run.stderr:
        raise V8SnapError(f"{v.name} did not use the snapshot: {run.stderr[-300:]}")
    return elapsed, cpu


def bench_startup(
    variants: list[Variant],
    *,
    cwd: Path,
    rounds: int = 15,
    warmup: int = 2,
    check_exit: bool = True,
    timeout: float | None = None,
) -> list[StartupResult]:
    """Run ``warmup`` + ``rounds`` alternating rounds; return one result per variant (same order).

    ``check_exit=False`` times apps whose trace command exits non-zero (the exit code is the app's own);
    ``timeout`` (seconds) bounds each run. Runs get stdin closed.

    Raises:
        V8SnapError: a variant failed (``check_exit``), timed out, or (for the launcher) fell back to a
            plain run.
    """
    samples: dict[str, list[float]] = {v.name: [] for v in variants}
    cpu: dict[str, list[float]] = {v.name: [] for v in variants}
    for i in range(warmup + rounds):
        for v in variants:
            ms, cpu_ms = _run(v, cwd, check_exit, timeout)
            if i >= warmup:
                samples[v.name].append(ms)
                cpu[v.name].append(cpu_ms)
    return [StartupResult(v.name, samples[v.name], cpu[v.name]) for v in variants]


def compile_cache_dir() -> Path:
    """A fresh directory for NODE_COMPILE_CACHE (filled by the warm-up rounds)."""
    return Path(tempfile.mkdtemp(prefix="v8snap-compile-cache-"))
