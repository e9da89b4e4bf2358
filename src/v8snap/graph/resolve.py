"""Resolve static specifiers with Node's own resolver, all in one batched ``js/resolve.js`` call."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from v8snap.errors import GraphError, V8SnapError
from v8snap.node import run_helper


@dataclass(frozen=True)
class ResolveRequest:
    """``request`` as written in the file ``source`` (absolute path)."""

    source: Path
    request: str


@dataclass(frozen=True)
class ResolveResult:
    """Outcome of one resolution.

    Attributes:
        resolved: absolute filename, ``"node:<name>"`` for a built-in, or ``""`` on failure.
        code: Node's error code on failure (``MODULE_NOT_FOUND``, ``ERR_PACKAGE_PATH_NOT_EXPORTED``...).
    """

    resolved: str
    code: str = ""


def resolve_batch(
    node: Path, requests: list[ResolveRequest], *, cwd: Path, timeout: float = 120.0
) -> list[ResolveResult]:
    """Resolve many requests in one node process (``Module._resolveFilename``, ``require`` conditions).

    Args:
        node: node binary.
        requests: what to resolve; the answer list has the same order and length.
        cwd: working directory of the helper (the app root).
        timeout: seconds before the helper is killed.

    Returns:
        One result per request.

    Raises:
        GraphError: the helper failed or answered with the wrong shape.
    """
    if not requests:
        return []
    payload = [{"from": str(r.source), "request": r.request} for r in requests]
    try:
        answer = run_helper(node, "resolve.js", payload, cwd=cwd, timeout=timeout)
    except V8SnapError as exc:
        raise GraphError(f"the resolver helper failed: {exc}") from exc
    if not isinstance(answer, list) or len(answer) != len(requests):
        raise GraphError("the resolver helper answered with the wrong number of results")
    return [ResolveResult(str(a.get("resolved") or ""), str(a.get("code") or "")) for a in answer]
