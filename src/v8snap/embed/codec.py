"""Values crossing the Python/JS boundary: JSON plus tagged ``bytes``, big ints and ``undefined``.

Python → JS: ``None`` → ``null``; ``bool``/``int``/``float``/``str``/``list``/``tuple``/``dict`` (string
keys) as JSON; ``bytes``/``bytearray``/``memoryview`` → ``Uint8Array``; an ``int`` outside ±(2**53 - 1) →
``BigInt``. JS → Python: ``null`` and ``undefined`` → ``None``; ``Uint8Array``/``Buffer``/``ArrayBuffer``
→ ``bytes``; ``BigInt`` → ``int``; other objects through ``JSON.stringify`` (``toJSON``, functions dropped,
``NaN`` → ``None``). Tagged values are objects ``{"$v8snap": kind, ...}``.

What cannot cross raises ``TypeError`` before anything is sent: other types, non-``str`` dict keys, a
circular structure, nesting deeper than ``MAX_DEPTH``, ``NaN``/``inf`` (JSON has no such numbers). A reply
from JS nested deeper than Python's parser can follow raises ``ValueError`` (a circular JS value is a
``JsError`` from ``JSON.stringify``).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from typing import Any

TAG = "$v8snap"
MAX_SAFE_INT = 2**53 - 1
MAX_DEPTH = 256
"""Deepest nesting of lists/dicts passed to JS (Python's json encoder recurses; ~1000 is its limit)."""


def _tag(value: Any, path: set[int] | None = None) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise TypeError(f"cannot pass {value} to JavaScript (JSON has no NaN or infinity)")
        return value
    if isinstance(value, int):
        if -MAX_SAFE_INT <= value <= MAX_SAFE_INT:
            return value
        return {TAG: "bigint", "v": str(value)}
    if isinstance(value, bytes | bytearray | memoryview):
        return {TAG: "bytes", "b64": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, dict | list | tuple):
        path = set() if path is None else path
        if id(value) in path:
            raise TypeError(
                f"cannot pass a circular structure to JavaScript (a {type(value).__name__} holds itself)"
            )
        if len(path) >= MAX_DEPTH:
            raise TypeError(f"cannot pass a structure nested deeper than {MAX_DEPTH} levels to JavaScript")
        path.add(id(value))
        try:
            if isinstance(value, dict):
                out: dict[str, Any] = {}
                for k, v in value.items():
                    if not isinstance(k, str):
                        raise TypeError(f"dict keys crossing to JS must be str, not {type(k).__name__}")
                    out[k] = _tag(v, path)
                return out
            return [_tag(v, path) for v in value]
        finally:
            path.discard(id(value))
    raise TypeError(f"cannot pass a {type(value).__name__} to JavaScript (JSON, bytes and int only)")


def to_wire(value: Any) -> Any:
    """Turn a Python value into its JSON-ready wire form.

    Args:
        value: ``None``, bool, int, float, str, bytes-like, list/tuple, dict with str keys (nested).

    Returns:
        A structure of plain JSON types with tagged objects for bytes and big ints.

    Raises:
        TypeError: the value (or something inside it) cannot cross to JavaScript.
    """
    return _tag(value)


def _untag(obj: dict[str, Any]) -> Any:
    kind = obj.get(TAG)
    if kind == "bytes":
        return base64.b64decode(obj["b64"])
    if kind == "bigint":
        return int(obj["v"])
    if kind == "undefined":
        return None
    return obj


def _parse_int(text: str) -> int | float:
    # A JS number (not a BigInt) beyond 2**53 is a double that JSON.stringify prints without an exponent
    # (5.42e16 -> "54202652836806370"): it stays that double rather than becoming a different int.
    value = int(text)
    return value if -MAX_SAFE_INT <= value <= MAX_SAFE_INT else float(value)


def encode(message: dict[str, Any]) -> bytes:
    """Serialise an already-tagged message to UTF-8 JSON (no NaN; compact).

    A ``str`` holding a lone surrogate (valid in JS, not in UTF-8) is sent ``\\u``-escaped.
    """
    try:
        return json.dumps(message, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(message, separators=(",", ":"), ensure_ascii=True, allow_nan=False).encode("ascii")


def decode(body: bytes) -> Any:
    """Parse a frame body from JS, turning tagged objects back into ``bytes`` / ``int``.

    Raises:
        ValueError: the body is not JSON, is nested deeper than Python's parser can follow, or holds a
            malformed tagged object.
    """
    try:
        return json.loads(body, object_hook=_untag, parse_int=_parse_int)
    except RecursionError:
        raise ValueError("a value from JavaScript is nested too deeply for Python's JSON parser") from None
    except (KeyError, TypeError, binascii.Error) as exc:  # a malformed tagged object
        raise ValueError(f"malformed {TAG!r} value from JavaScript: {exc!r}") from None
