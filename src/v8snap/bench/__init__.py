"""Startup benchmarks: plain node vs NODE_COMPILE_CACHE vs the v8snap launcher, alternating runs."""

from v8snap.bake.timing import StartupResult, Variant, bench_startup, default_variants

__all__ = ["StartupResult", "Variant", "bench_startup", "default_variants"]
