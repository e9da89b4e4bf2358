"""JS errors, timeouts, heap exhaustion, a process killed from outside, close(), zombies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from v8snap.embed import (
    HeapLimitError,
    JsError,
    Runtime,
    RuntimeClosedError,
    RuntimeCrashedError,
    RuntimeOptions,
    RuntimeTimeoutError,
)


def test_js_error_has_name_message_stack(runtime: Runtime) -> None:
    with pytest.raises(JsError) as info:
        runtime.eval("function deep() { throw new TypeError('bad thing') }\ndeep()")
    err = info.value
    assert (err.name, err.js_message) == ("TypeError", "bad thing")
    assert "at deep" in err.stack
    with pytest.raises(JsError) as info2:
        runtime.eval("throw 'a string'")
    assert "a string" in info2.value.js_message
    with pytest.raises(JsError) as info3:
        runtime.call_function("lib.js", "nope")
    assert info3.value.name == "TypeError"
    with pytest.raises(JsError) as info4:
        runtime.call_function("missing.js", "f")
    assert info4.value.name == "ReferenceError"
    with pytest.raises(JsError) as info5:
        runtime.eval("syntax error here(")
    assert info5.value.name == "SyntaxError"
    assert runtime.eval("1 + 1") == 2  # still usable


def test_module_stack_names_the_module(runtime: Runtime) -> None:
    runtime.eval("globalThis.callAdd = () => require_missing")
    with pytest.raises(JsError) as info:
        runtime.call_function("lib.js", "add", 1, 2) and runtime.eval("callAdd()")
    assert info.value.name == "ReferenceError"


def test_timeout_kills_and_respawns(blob: bytes) -> None:
    with Runtime(RuntimeOptions(startup_snapshot=blob, timeout=0.5)) as rt:
        rt.eval("globalThis.marker = 1")
        pid = rt.pid
        t0 = time.monotonic()
        with pytest.raises(RuntimeTimeoutError) as info:
            rt.eval("while (true) {}")
        assert isinstance(info.value, TimeoutError)
        assert time.monotonic() - t0 < 5
        assert pid is not None and not _alive(pid)
        assert rt.eval("typeof marker") == "undefined"  # fresh process from the snapshot
        assert rt.eval("importantFunction()") == 42


def test_heap_limit(blob: bytes) -> None:
    opts = RuntimeOptions(startup_snapshot=blob, max_heap_size=64 * 1024 * 1024, timeout=120)
    with Runtime(opts) as rt:
        with pytest.raises(HeapLimitError):
            rt.eval("const a = []; while (true) a.push(new Array(100000).fill({x: 1}));")
        assert rt.eval("importantFunction()") == 42


def test_killed_from_outside(blob: bytes) -> None:
    with Runtime(RuntimeOptions(startup_snapshot=blob)) as rt:
        pid = rt.pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        time.sleep(0.05)
        with pytest.raises(RuntimeCrashedError) as info:
            rt.eval("1")
        assert info.value.returncode == -signal.SIGKILL
        assert rt.eval("importantFunction()") == 42
        assert rt.pid != pid


def test_close_and_context_manager(blob: bytes) -> None:
    rt = Runtime(RuntimeOptions(startup_snapshot=blob))
    pid = rt.pid
    with rt:
        assert rt.eval("1") == 1
    assert rt.closed and pid is not None and not _alive(pid)
    with pytest.raises(RuntimeClosedError):
        rt.eval("1")
    rt.close()  # idempotent


def test_no_zombie_when_python_exits_on_exception(blob: bytes, tmp_path: object) -> None:
    from v8snap.embed.runtime import blob_path

    path = blob_path(blob)
    code = textwrap.dedent(f"""
        import sys
        from v8snap.embed import Runtime, RuntimeOptions
        rt = Runtime(RuntimeOptions(startup_snapshot={str(path)!r}))
        rt.eval("setInterval(() => {{}}, 1000); 0")
        print(rt.pid, flush=True)
        raise SystemExit("boom")
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1, proc.stderr
    pid = int(proc.stdout.strip())
    deadline = time.monotonic() + 5
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid)


def test_no_orphan_when_python_is_killed(blob: bytes) -> None:
    from v8snap.embed.runtime import blob_path

    code = textwrap.dedent(f"""
        import time
        from v8snap.embed import Runtime, RuntimeOptions
        rt = Runtime(RuntimeOptions(startup_snapshot={str(blob_path(blob))!r}))
        rt.eval("setInterval(() => {{}}, 1000); 0")
        print(rt.pid, flush=True)
        time.sleep(60)
    """)
    py = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert py.stdout is not None
    pid = int(py.stdout.readline())
    py.kill()
    py.wait()
    deadline = time.monotonic() + 5
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False
