"""Calls, modules, console capture, callbacks and async twins (with and without a snapshot)."""

from __future__ import annotations

import asyncio

import pytest

from v8snap.embed import JsError, Runtime


def test_call_function_in_module_and_global(runtime: Runtime) -> None:
    assert runtime.call_function("lib.js", "add", 2, 3) == 5
    assert runtime.call_function("lib.js", "greet", "py") == "hello py"
    assert runtime.call_function(None, "importantFunction") == 42


def test_esm_exports_callable_by_name(runtime: Runtime) -> None:
    assert runtime.call_function("esm.mjs", "triple", 4) == 12
    assert runtime.get_value("answer", module="esm.mjs") == 42
    assert runtime.call_entrypoint("x") == "entry:x"


def test_state_persists_between_calls(runtime: Runtime) -> None:
    assert runtime.call_function("lib.js", "bump") == 1
    assert runtime.call_function("lib.js", "bump") == 2
    runtime.eval("var kept = 'yes'")
    assert runtime.get_value("kept") == "yes"
    assert runtime.get_value("nothingHere") is None


def test_promises_are_awaited(runtime: Runtime) -> None:
    assert runtime.call_function("lib.js", "later", 21) == 42
    assert runtime.eval("new Promise((r) => setTimeout(() => r('late'), 10))") == "late"
    with pytest.raises(JsError) as info:
        runtime.eval("Promise.reject(new RangeError('nope'))")
    assert info.value.name == "RangeError"


def test_console_is_captured_not_printed(runtime: Runtime, capfd: pytest.CaptureFixture[str]) -> None:
    runtime.eval("console.log('a', 1, {b: 2}); console.error('bad'); console.warn('w')")
    got = [(m.level, m.text) for m in runtime.console_output]
    assert got == [("log", "a 1 { b: 2 }"), ("error", "bad"), ("warn", "w")]
    assert "bad" not in capfd.readouterr().err


def test_console_callback_option(blob: bytes) -> None:
    from v8snap.embed import RuntimeOptions

    seen: list[tuple[str, str]] = []
    with Runtime(
        RuntimeOptions(startup_snapshot=blob, on_console=lambda lvl, txt: seen.append((lvl, txt)))
    ) as rt:
        rt.eval("console.info('x')")
    assert seen == [("info", "x")]


def test_console_from_timer_is_drained(runtime: Runtime) -> None:
    runtime.eval("setTimeout(() => console.log('tick'), 1); 0")
    runtime.eval("new Promise((r) => setTimeout(r, 20))")
    assert [m.text for m in runtime.drain_console()] == ["tick"]


def test_python_callback_is_synchronous_in_js(runtime: Runtime) -> None:
    calls: list[tuple[object, ...]] = []

    def py_add(a: int, b: int) -> dict[str, object]:
        calls.append((a, b))
        return {"sum": a + b, "raw": b"\x01"}

    runtime.register_function("py_add", py_add)
    out = runtime.eval("const r = v8snap.functions.py_add(2, 40); [r.sum, r.raw instanceof Uint8Array]")
    assert out == [42, True]
    assert runtime.eval("v8snap.call('py_add', 1, 1).sum") == 2
    assert calls == [(2, 40), (1, 1)]


def test_python_callback_exception_becomes_js_error(runtime: Runtime) -> None:
    def boom() -> None:
        raise ValueError("from python")

    runtime.register_function("boom", boom)
    caught = runtime.eval("try { v8snap.functions.boom(); 'no' } catch (e) { e.name + '|' + e.message }")
    assert caught == "PythonError|ValueError: from python"
    with pytest.raises(JsError) as info:
        runtime.eval("v8snap.functions.boom()")
    assert isinstance(info.value.__cause__, ValueError)
    with pytest.raises(JsError, match="no Python function registered"):
        runtime.eval("v8snap.functions.unknown()")


def test_async_twins(runtime: Runtime) -> None:
    async def main() -> list[object]:
        return list(
            await asyncio.gather(
                runtime.eval_async("new Promise((r) => setTimeout(() => r(1), 20))"),
                runtime.call_function_async("lib.js", "add", 1, 2),
                runtime.get_value_async("answer", "esm.mjs"),
                runtime.call_entrypoint_async("z"),
            )
        )

    assert asyncio.run(main()) == [1, 3, 42, "entry:z"]
