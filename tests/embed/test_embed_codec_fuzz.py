"""Issue 10: fuzz of the embedding value codec (v8snap.embed.codec) through a real runtime.

Random JSON, bytes, big ints and nested structures round-trip through JavaScript; circular, too deep and
non-JSON values give a clear ``TypeError``/``ValueError``/``JsError`` (never a hang, a crash of the runtime
or a ``RecursionError``), and the runtime answers the next call. One runtime is shared by the module.
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from v8snap.embed import JsError, Runtime, RuntimeOptions
from v8snap.embed.codec import MAX_DEPTH, MAX_SAFE_INT, TAG, decode, encode, to_wire

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

keys = st.text(st.characters(exclude_categories=()), max_size=8).filter(lambda k: k != TAG)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-MAX_SAFE_INT, MAX_SAFE_INT)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(exclude_categories=()), max_size=20)  # lone surrogates included
    | st.binary(max_size=64)
    | st.integers(min_value=MAX_SAFE_INT + 1, max_value=2**300)
    | st.integers(min_value=-(2**300), max_value=-MAX_SAFE_INT - 1)
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=5) | st.tuples(inner, inner) | st.dictionaries(keys, inner, max_size=5)
    ),
    max_leaves=25,
)


def normal(value: Any) -> Any:
    """What a value looks like after the round trip: tuples are lists, bytes-likes are bytes."""
    if isinstance(value, tuple | list):
        return [normal(v) for v in value]
    if isinstance(value, dict):
        return {k: normal(v) for k, v in value.items()}
    if isinstance(value, bytearray | memoryview):
        return bytes(value)
    return value


@pytest.fixture(scope="module")
def rt() -> Iterator[Runtime]:
    with Runtime(RuntimeOptions(timeout=30)) as runtime:
        runtime.eval("globalThis.echo = (x) => x; globalThis.echoArgs = (...a) => a; 1")
        yield runtime


@FUZZ
@given(value=values)
@example(value={"__proto__": [1], "constructor": None, "0": b"\x00", "": -0.0})
@example(value=[2**53 - 1, 2**53, -(2**53), 2**64, 1e308, 5e-324, "\ud800", b""])
def test_round_trip(rt: Runtime, value: Any) -> None:
    assert rt.call_function(None, "echo", value) == normal(value)


@FUZZ
@given(args=st.lists(values, max_size=4))
def test_round_trip_of_arguments(rt: Runtime, args: list[Any]) -> None:
    assert rt.call_function(None, "echoArgs", *args) == normal(args)


def test_shared_references_are_not_cycles(rt: Runtime) -> None:
    shared = [1, {"a": b"x"}]
    assert rt.call_function(None, "echo", [shared, shared, {"s": shared}]) == [shared, shared, {"s": shared}]


def _circular_list() -> Any:
    a: list[Any] = [1]
    a.append(a)
    return a


def _circular_dict() -> Any:
    d: dict[str, Any] = {}
    d["x"] = [{"y": d}]
    return d


def _nested(depth: int) -> Any:
    v: Any = []
    for _ in range(depth):
        v = [v]
    return v


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (_circular_list, "circular"),
        (_circular_dict, "circular"),
        (lambda: _nested(MAX_DEPTH + 1), "nested deeper"),
        (lambda: _nested(100_000), "nested deeper"),
        (lambda: [math.nan], "NaN"),
        (lambda: {"a": math.inf}, "infinity"),
        (lambda: {1: "x"}, "must be str"),
        (lambda: [object()], "cannot pass a object"),
        (lambda: {1.5, 2}, "cannot pass a set"),
    ],
)
def test_what_cannot_cross_is_a_type_error(rt: Runtime, make: Any, words: str) -> None:
    with pytest.raises(TypeError, match=words):
        rt.call_function(None, "echo", make())
    assert rt.eval("1 + 1") == 2


def test_deepest_allowed_nesting_crosses(rt: Runtime) -> None:
    value = _nested(MAX_DEPTH - 2)  # call_function's argument list is one more level
    assert rt.call_function(None, "echo", value) == value


def test_circular_js_value_is_a_js_error(rt: Runtime) -> None:
    with pytest.raises(JsError, match="circular"):
        rt.eval("const a = {}; a.self = [a]; a")
    assert rt.eval("1 + 1") == 2


@pytest.mark.parametrize("depth", [3_000, 1_000_000])
def test_deep_js_value_is_a_clear_error(rt: Runtime, depth: int) -> None:
    # 3,000: JSON.stringify copes, Python's parser does not (ValueError); 1,000,000: JSON.stringify
    # overflows V8's stack (JsError RangeError).
    with pytest.raises((ValueError, JsError)) as info:
        rt.eval(f"(() => {{ let v = []; for (let i = 0; i < {depth}; i++) v = [v]; return v; }})()")
    assert "nested too deeply" in str(info.value) or "call stack" in str(info.value)
    assert rt.eval("1 + 1") == 2


tags = st.fixed_dictionaries(
    {TAG: st.sampled_from(["bytes", "bigint", "undefined", "other"])},
    optional={
        "b64": st.text(max_size=12) | st.integers(),
        "v": st.text(max_size=12) | st.integers() | st.none(),
    },
)
frames = st.recursive(
    st.none() | st.integers() | st.text(max_size=5) | tags, lambda c: st.lists(c, max_size=3)
)


@FUZZ
@given(body=st.binary(max_size=64) | frames.map(lambda f: json.dumps(f).encode()))
def test_decode_of_any_frame_body(body: bytes) -> None:
    """A frame body is whatever JS wrote (evaluated code can write to the reply pipe): decode returns a
    value or raises ValueError, nothing else."""
    with contextlib.suppress(ValueError):
        decode(body)


@FUZZ
@given(value=values)
def test_encode_is_json(value: Any) -> None:
    body = encode({"value": to_wire(value)})
    assert decode(body)["value"] == normal(value)
