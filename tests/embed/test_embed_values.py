"""Every type conversion across the boundary, both directions, with and without a snapshot."""

from __future__ import annotations

from typing import Any

import pytest

from v8snap.embed import Runtime

ROUND_TRIP: list[Any] = [
    None,
    True,
    False,
    0,
    -7,
    3.5,
    2**53 - 1,
    -(2**53 - 1),
    2**64 + 5,
    -(2**70),
    "",
    "héllo ✓ \u2028",
    b"",
    b"\x00\xffbytes",
    [1, "a", None, [2.5]],
    {"a": {"b": [b"\x01", 10**30]}},
    {},
]


@pytest.mark.parametrize("value", ROUND_TRIP, ids=repr)
def test_round_trip_through_js(runtime: Runtime, value: Any) -> None:
    runtime.eval("globalThis.identity = (x) => x")
    assert runtime.call_function(None, "identity", value) == value


def test_js_types_arrive_as_python(runtime: Runtime) -> None:
    assert runtime.eval("undefined") is None
    assert runtime.eval("null") is None
    assert runtime.eval("[undefined, 1]") == [None, 1]
    assert runtime.eval("12345678901234567890n") == 12345678901234567890
    assert runtime.eval("Buffer.from('abc')") == b"abc"
    assert runtime.eval("new Uint8Array([1, 2, 3]).subarray(1)") == b"\x02\x03"
    assert runtime.eval("new Uint8Array([9, 8]).buffer") == b"\x09\x08"
    assert runtime.eval("({n: NaN, d: new Date(0), f() {}})") == {"n": None, "d": "1970-01-01T00:00:00.000Z"}
    assert runtime.eval("typeof 5n === 'bigint'") is True


def test_python_types_arrive_as_js(runtime: Runtime) -> None:
    runtime.eval("globalThis.kind = (x) => Object.prototype.toString.call(x) + ':' + typeof x")
    assert runtime.call_function(None, "kind", b"ab") == "[object Uint8Array]:object"
    assert runtime.call_function(None, "kind", 2**60) == "[object BigInt]:bigint"
    assert runtime.call_function(None, "kind", 2**40) == "[object Number]:number"
    assert runtime.call_function(None, "kind", None) == "[object Null]:object"
    assert runtime.call_function(None, "kind", (1, 2)) == "[object Array]:object"


def test_unconvertible_argument_raises_type_error(runtime: Runtime) -> None:
    with pytest.raises(TypeError):
        runtime.call_function(None, "String", object())
    with pytest.raises(TypeError):
        runtime.call_function(None, "String", {1: "int key"})
