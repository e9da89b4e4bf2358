"""RuntimePool: warm hand-out, fresh runtime per use, reuse=True, replenishment, close."""

from __future__ import annotations

import time

from v8snap.embed import Runtime, RuntimeOptions, RuntimePool


def test_fresh_runtime_each_use(blob: bytes) -> None:
    with RuntimePool(RuntimeOptions(startup_snapshot=blob), size=2) as pool:
        with pool.runtime() as rt:
            rt.eval("globalThis.dirty = true")
            first = rt.pid
        assert rt.closed
        with pool.runtime() as rt2:
            assert rt2.eval("typeof dirty") == "undefined"
            assert rt2.eval("importantFunction()") == 42
            assert rt2.pid != first


def test_reuse_keeps_state(blob: bytes) -> None:
    with RuntimePool(RuntimeOptions(startup_snapshot=blob), size=1, reuse=True) as pool:
        with pool.runtime() as rt:
            rt.eval("globalThis.n = 1")
        with pool.runtime() as rt2:
            assert rt2 is rt and rt2.eval("n") == 1


def test_handout_is_fast_once_warm(blob: bytes) -> None:
    with RuntimePool(RuntimeOptions(startup_snapshot=blob), size=3) as pool:
        deadline = time.monotonic() + 20
        while pool._ready.qsize() < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        t0 = time.perf_counter()
        with pool.runtime() as rt:
            took = time.perf_counter() - t0
            assert rt.eval("1") == 1
        assert took < 0.005


def test_close_kills_everything(blob: bytes) -> None:
    pool = RuntimePool(RuntimeOptions(startup_snapshot=blob), size=2)
    with pool.runtime() as rt:
        held: Runtime = rt
        pool.close()
    assert held.closed
