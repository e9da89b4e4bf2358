"""Embedding benchmarks: Runtime(...) to first result with/without a snapshot, mini-racer as the peer,
RuntimePool hand-out, and the eval("1") round trip.

Run: ``python benchmarks/embed_startup.py [--runs N] [--json out.json]``. Variants of one measurement run
alternately (A, B, C, A, B, C, ...) in this one invocation; each figure is the median of its runs, from
``time.perf_counter_ns``. TypeScript comes from ``tests/apps/typescript5`` (installed with npm ci if needed).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from v8snap.embed import BuilderOptions, Module, Runtime, RuntimeOptions, RuntimePool, SnapshotBuilder
from v8snap.node import find_node
from v8snap.node.npm import ensure_installed

REPO = Path(__file__).resolve().parent.parent
TS_APP = REPO / "tests" / "apps" / "typescript5"
TS_SRC = "export const f = (x: number): number => x * 2;\n"
TS_OPTS = "{compilerOptions: {module: 1, target: 7}}"


def _ms(ns: list[int]) -> float:
    return statistics.median(ns) / 1e6


Timed = Callable[[], tuple[object, int]]
"""A measured variant: returns its result and the nanoseconds that count (teardown excluded)."""


def alternate(variants: dict[str, Timed], runs: int) -> dict[str, float]:
    """Median milliseconds of each variant, run alternately ``runs`` times (after one warm-up each)."""
    samples: dict[str, list[int]] = {k: [] for k in variants}
    for fn in variants.values():
        fn()
    for _ in range(runs):
        for name, fn in variants.items():
            samples[name].append(fn()[1])
    return {k: round(_ms(v), 3) for k, v in samples.items()}


def first_result(opts: RuntimeOptions, mods: list[Module], call: Callable[[Runtime], object]) -> Timed:
    """Time from ``Runtime(...)`` to the first result of ``call``; ``close()`` runs after the clock stops."""

    def run() -> tuple[object, int]:
        t0 = time.perf_counter_ns()
        rt = Runtime(opts, mods)
        try:
            out = call(rt)
            return out, time.perf_counter_ns() - t0
        finally:
            rt.close()

    return run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    node = find_node()
    ensure_installed(TS_APP, node=node)
    results: dict[str, object] = {}

    empty = Module("empty.js", "")
    empty_blob = SnapshotBuilder().with_module(empty).finish()

    def eval_1(rt: Runtime) -> object:
        return rt.eval("1")

    results["empty_module_ms"] = alternate(
        {
            "snapshot": first_result(RuntimeOptions(startup_snapshot=empty_blob), [], eval_1),
            "no_snapshot": first_result(RuntimeOptions(), [empty], eval_1),
        },
        args.runs,
    )

    root = TS_APP.resolve()
    glue = Module(
        "ts_glue.js",
        f"const ROOT = {json.dumps(str(root))};\n"
        "const ts = () => (typeof __v8snap_require === 'function' ? __v8snap_require('typescript')"
        " : process.getBuiltinModule('module').createRequire(ROOT + '/x.js')('typescript'));\n"
        f"exports.transpile = (s) => ts().transpileModule(s, {TS_OPTS}).outputText;\n",
    )
    t0 = time.perf_counter()
    # The warm-up expression runs one transpile at build time, so the functions it needs are compiled and
    # their code cache is in the blob (docs/embedding.md, "Warm-up").
    sample = "export const a: number = 1; class X { y = 2 }"
    warm_up = f"__v8snap_require('typescript').transpileModule({json.dumps(sample)}, {TS_OPTS})"
    ts_blob = (
        SnapshotBuilder(BuilderOptions(node_modules_root=root))
        .with_npm_package("typescript")
        .with_module(glue)
        .with_expression(warm_up)
        .finish()
    )
    results["typescript_snapshot_build_s"] = round(time.perf_counter() - t0, 2)
    results["typescript_blob_mb"] = round(len(ts_blob) / 1e6, 1)

    def transpile(rt: Runtime) -> object:
        return rt.call_function("ts_glue.js", "transpile", TS_SRC)

    ts_js = (root / "node_modules" / "typescript" / "lib" / "typescript.js").read_text(encoding="utf-8")
    variants: dict[str, Timed] = {
        "snapshot": first_result(RuntimeOptions(startup_snapshot=ts_blob), [], transpile),
        "no_snapshot": first_result(RuntimeOptions(allow_fs_read=[root]), [glue], transpile),
        # RuntimeOptions.huge_pages is on by default; this shows what it is worth.
        "snapshot_4k_pages": first_result(
            RuntimeOptions(startup_snapshot=ts_blob, huge_pages=False), [], transpile
        ),
    }
    try:
        from py_mini_racer import MiniRacer

        def racer() -> tuple[object, int]:
            t0 = time.perf_counter_ns()
            ctx = MiniRacer()
            ctx.eval(ts_js)
            out = ctx.eval(f"ts.transpileModule({json.dumps(TS_SRC)}, {TS_OPTS}).outputText")
            elapsed = time.perf_counter_ns() - t0
            ctx.close()
            return out, elapsed

        variants["mini_racer"] = racer
    except ImportError:
        results["mini_racer"] = "not installed (pip install mini-racer)"
    outs = {k: fn()[0] for k, fn in variants.items()}
    assert len(set(map(str, outs.values()))) == 1, outs
    results["typescript_ready_to_first_transpile_ms"] = ts_ms = alternate(variants, max(5, args.runs // 2))
    results["typescript_speedup_vs_no_snapshot"] = round(ts_ms["no_snapshot"] / ts_ms["snapshot"], 2)
    if "mini_racer" in ts_ms:
        results["typescript_speedup_vs_mini_racer"] = round(ts_ms["mini_racer"] / ts_ms["snapshot"], 2)

    with RuntimePool(RuntimeOptions(startup_snapshot=ts_blob), size=2) as pool:
        handout: list[int] = []
        for _ in range(args.runs):
            deadline = time.monotonic() + 30
            while pool._ready.qsize() < pool.size and time.monotonic() < deadline:
                time.sleep(0.005)
            t0 = time.perf_counter_ns()
            with pool.runtime() as rt:
                handout.append(time.perf_counter_ns() - t0)
                rt.eval("1")
        results["pool_handout_ms"] = round(_ms(handout), 4)

    with Runtime(RuntimeOptions(startup_snapshot=empty_blob)) as rt:
        for _ in range(200):
            rt.eval("1")
        rtt: list[int] = []
        for _ in range(2000):
            t0 = time.perf_counter_ns()
            rt.eval("1")
            rtt.append(time.perf_counter_ns() - t0)
        results["eval_1_round_trip_ms"] = round(_ms(rtt), 4)

    print(json.dumps(results, indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
