"""RuntimePool: warm hand-out, fresh runtime per use, reuse=True, replenishment, close."""

from __future__ import annotations

import os
import time
from pathlib import Path

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


def _children() -> set[int]:
    """Pids of this process's live children (Linux /proc)."""
    me, out = os.getpid(), set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == me and fields[0] != "Z":
            out.add(int(stat.parent.name))
    return out


def test_handout_is_a_runtime_started_before_the_request(blob: bytes) -> None:
    """Once warm, ``runtime()`` hands out a process that was already running (it starts none)."""
    before = _children()
    with RuntimePool(RuntimeOptions(startup_snapshot=blob), size=3) as pool:
        deadline = time.monotonic() + 30
        while len(_children() - before) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        warm = _children() - before
        assert len(warm) == 3
        for _ in range(2):
            with pool.runtime() as rt:
                assert rt.pid in warm
                assert rt.eval("1") == 1


def test_close_kills_everything(blob: bytes) -> None:
    pool = RuntimePool(RuntimeOptions(startup_snapshot=blob), size=2)
    with pool.runtime() as rt:
        held: Runtime = rt
        pool.close()
    assert held.closed
