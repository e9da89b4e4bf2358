"""The start-up strategy: snapshot, compile cache or plain, whichever starts the app fastest.

A blob is not free: node deserializes its whole bootstrap from the file instead of the snapshot built into
its binary, 10-18 ms more than ``node -e 0`` on the 2-core test VM (docs/limits.md). An app whose own module
loading costs less than that starts slower from any blob (benchmarks/corpus.md: 22 of 52 small apps). So the
build times the three ways of starting the app side by side on its trace commands and the launcher runs
the fastest; ``--strategy`` forces one.

- ``snapshot``: ``node --snapshot-blob BLOB -- ARGS`` (the loader serves modules from the blob);
- ``compile-cache``: ``node --require APP/.v8snap/compile-cache.cjs ENTRY ARGS``: the preload enables node's
  compile cache in ``APP/.v8snap/compile-cache/`` (``module.enableCompileCache``; an app that sets its own
  ``NODE_COMPILE_CACHE`` keeps it) and leaves no trace a plain run would not have;
- ``plain``: ``node ENTRY ARGS``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from v8snap.bake.meta import StrategyChoice
from v8snap.bake.timing import Variant, bench_startup
from v8snap.errors import V8SnapError
from v8snap.kinds import Strategy
from v8snap.node.helpers import js_path
from v8snap.util import private_dir

#: The strategies a launcher can run, in preference order (ties go to the earlier one).
STRATEGIES: tuple[Strategy, ...] = (Strategy.SNAPSHOT, Strategy.COMPILE_CACHE, Strategy.PLAIN)

#: The preload's file name in ``APP/.v8snap``: ``.cjs`` because a ``.js`` file there takes the app's
#: ``"type": "module"`` from its package.json and fails to load as CommonJS (observed on an ESM app).
PRELOAD = "compile-cache.cjs"

#: Environment variable the launcher passes the compile cache directory in (the preload removes it).
CACHE_DIR_ENV = "V8SNAP_COMPILE_CACHE"

#: A strategy other than plain must beat plain's median by this fraction to be chosen: "never slower than
#: plain" is the rule, and on a busy machine medians of a few rounds differ by a few percent for nothing.
MARGIN = 0.03


def compile_cache_preload(out_dir: Path) -> Path:
    """Copy the compile-cache preload into ``out_dir`` (the launcher must not depend on v8snap's install)."""
    dest = out_dir / PRELOAD
    shutil.copyfile(js_path("compile-cache.js"), dest)
    (out_dir / "compile-cache.js").unlink(missing_ok=True)  # older builds named it so (see PRELOAD)
    return dest


def code_cache_dir(blob_dir: Path) -> Path:
    """Create ``blob_dir/compile-cache`` (mode 0700, owned by this user; :func:`v8snap.util.private_dir`).

    Node's compile cache lives there for both strategies that use it: ``compile-cache`` (the preload) and
    ``snapshot``, where the loader (js/loader/code-cache.js) enables it for what still loads from
    disk, and only when the directory is this user's and nobody else can write it. Returns the directory.
    """
    return private_dir(blob_dir / "compile-cache")


def strategy_variants(
    node: Path, entry: Path, blob: Path, out_dir: Path, args: tuple[str, ...]
) -> list[Variant]:
    """The three ways of starting the app, as the launcher would run them (same order as STRATEGIES)."""
    preload = out_dir / PRELOAD
    cache = {CACHE_DIR_ENV: str(out_dir / "compile-cache")}
    return [
        Variant("snapshot", [str(node), "--snapshot-blob", str(blob), "--", *args]),
        Variant("compile-cache", [str(node), "--require", str(preload), str(entry), *args], cache),
        Variant("plain", [str(node), str(entry), *args]),
    ]


def choose_strategy(
    node: Path,
    entry: Path,
    blob: Path,
    out_dir: Path,
    trace_args: tuple[tuple[str, ...], ...],
    *,
    cwd: Path,
    rounds: int = 5,
    timeout: float = 60.0,
    progress: Callable[[str], None] | None = None,
    healthy: int | None = None,
    differs: Callable[[tuple[str, ...], Variant], str | None] | None = None,
) -> StrategyChoice:
    """Time the strategies side by side (alternating rounds) on each trace command; pick the fastest.

    Args:
        node: node binary.
        entry: absolute path of the main module.
        blob: the accepted snapshot blob.
        out_dir: ``APP/.v8snap`` (holds the preload and the compile cache).
        trace_args: the trace commands' arguments.
        cwd: the app root.
        rounds: measured rounds per trace command (after one warm-up round that also fills the cache).
        timeout: seconds per run; a run that takes longer (a server) ends the measurement: snapshot.
        progress: one-line status callback.
        healthy: how many modules the blob initialized at build time; 0: the snapshot cannot win (its
            fixed cost buys nothing: deferred modules still compile and run at startup), not timed.
        differs: (trace command, variant) -> how that variant's output differs from the plain runs, or
            None (:meth:`v8snap.bake.acceptance.OutputCheck.command_difference`). The compile-cache
            variant is judged before it is timed: a start that fails fast must not win (observed: the
            preload failing to load in an ESM app). The snapshot variant was judged by acceptance.

    Returns:
        A :class:`StrategyChoice` with the medians (ms, summed over trace commands): the fastest of the
        strategies that beat plain by :data:`MARGIN`, else plain.

    Runs get stdin closed; trace commands the output check skipped (they never finish) are left out.
    """
    compile_cache_preload(out_dir)
    code_cache_dir(out_dir)
    code_cache_dir(blob.parent)  # the candidate blob's loader uses the cache next to it
    totals: dict[str, float] = {s: 0.0 for s in STRATEGIES if s != "snapshot" or healthy != 0}
    rejected: dict[str, str] = {}
    if not trace_args:
        return StrategyChoice(Strategy.SNAPSHOT, {})
    for args in trace_args:
        shown = " ".join(args) or "(no args)"
        variants = strategy_variants(node, entry, blob, out_dir, args)
        cc = variants[STRATEGIES.index(Strategy.COMPILE_CACHE)]
        diff = differs(args, cc) if differs is not None and cc.name in totals else None
        if diff is not None:
            rejected[cc.name] = f"`{shown}`: {diff}"
            del totals[cc.name]
            if progress:
                progress(f"{cc.name}: output of `{shown}` differs from the plain runs ({diff}); not used")
        if progress:
            progress(f"timing {' / '.join(totals)} on `{shown}`")
        try:
            results = bench_startup(
                [v for v in variants if v.name in totals],
                cwd=cwd,
                rounds=rounds,
                warmup=1,
                check_exit=False,
                timeout=timeout,
            )
        except V8SnapError as exc:  # a run that does not finish: nothing to compare, keep the snapshot
            if progress:
                progress(f"strategy not measured ({exc}); the launcher uses the snapshot")
            return StrategyChoice(Strategy.SNAPSHOT, {}, rejected=rejected)
        for r in results:
            totals[r.name] += r.median_ms
    fast = [
        s for s in STRATEGIES if s in totals and (s == "plain" or totals[s] < totals["plain"] * (1 - MARGIN))
    ]
    chosen = min(fast, key=lambda s: (totals[s], STRATEGIES.index(s)))
    return StrategyChoice(chosen, {k: round(v, 1) for k, v in totals.items()}, rejected=rejected)
