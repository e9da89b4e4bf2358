"""Optimizer logic: explicit defers implied by a root cause are dropped."""

from __future__ import annotations

from v8snap.doctor.optimizer import minimal_explicit_defers
from v8snap.doctor.violations import Violation


def _dep(k: str, d: str) -> Violation:
    return Violation(k, "DEPENDS_ON_DEFERRED", d)


def test_implied_explicit_defers_are_dropped() -> None:
    reasons = {"c": Violation("c", "ENV_READ", "HOME"), "b": _dep("b", "c"), "a": _dep("a", "b")}
    assert minimal_explicit_defers({"a", "b", "c", "z"}, reasons) == {"c", "z"}
