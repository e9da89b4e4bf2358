"""Values crossing the Python/JS boundary: JSON plus tagged ``bytes``, big ints and ``undefined``.

Python → JS: ``None`` → ``null``; ``bool``/``int``/``float``/``str``/``list``/``tuple``/``dict`` (string
keys) as JSON; ``bytes``/``bytearray``/``memoryview`` → ``Uint8Array``; an ``int`` outside ±(2**53 - 1) →
``BigInt``. JS → Python: ``null`` and ``undefined`` → ``None``; ``Uint8Array``/``Buffer``/``ArrayBuffer``
→ ``bytes``; ``BigInt`` → ``int``; other objects through ``JSON.stringify`` (``toJSON``, functions dropped,
``NaN`` → ``None``). Tagged values are objects ``{"$v8snap": kind, ...}``.
"""

from __future__ import annotations

import base64
import json
from typing import Any

TAG = "$v8snap"
MAX_SAFE_INT = 2**53 - 1


def _tag(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str | float):
        return value
    if isinstance(value, int):
        if -MAX_SAFE_INT <= value <= MAX_SAFE_INT:
            return value
        return {TAG: "bigint", "v": str(value)}
    if isinstance(value, bytes | bytearray | memoryview):
        return {TAG: "bytes", "b64": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise TypeError(f"dict keys crossing to JS must be str, not {type(k).__name__}")
            out[k] = _tag(v)
        return out
    if isinstance(value, list | tuple):
        return [_tag(v) for v in value]
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


def encode(message: dict[str, Any]) -> bytes:
    """Serialise an already-tagged message to UTF-8 JSON (no NaN; compact)."""
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


def decode(body: bytes) -> Any:
    """Parse a frame body from JS, turning tagged objects back into ``bytes`` / ``int``."""
    return json.loads(body, object_hook=_untag)
