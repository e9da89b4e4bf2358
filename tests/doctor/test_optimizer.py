"""Optimizer logic on small graphs with known optimal answers (stub oracle and stub re-verifier)."""

from __future__ import annotations

from v8snap.doctor.heal import HealState
from v8snap.doctor.optimizer import minimal_explicit_defers, push_down, root_causes
from v8snap.doctor.violations import Violation


def _state(healthy: set[str], deferred: dict[str, Violation]) -> HealState:
    return HealState(healthy=set(healthy), deferred=set(deferred), reasons=dict(deferred))


def _dep(k: str, d: str) -> Violation:
    return Violation(k, "DEPENDS_ON_DEFERRED", d)


# a -> b -> c; c reads env. b only stores c in a variable (uses it later), a calls b at load.
DEPS = {"a": ["b"], "b": ["c"], "c": [], "x": ["c"]}
USES_AT_LOAD = {("a", "b"), ("x", "c")}  # the facts a real re-verification would find


def reverify(parent: str, lazy: frozenset[str]) -> list[Violation]:
    return [_dep(parent, d) for d in sorted(lazy) if (parent, d) in USES_AT_LOAD]


def test_push_down_rescues_exactly_the_parents_that_use_the_import_later() -> None:
    st = _state(
        {"d"},
        {
            "c": Violation("c", "ENV_READ", "HOME"),
            "b": _dep("b", "c"),
            "a": _dep("a", "b"),
            "x": _dep("x", "c"),
        },
    )
    res = push_down(st, DEPS, lambda p, d: True, reverify)
    # optimal: c stays (root cause), b healthy (lazy getter for c), a healthy once b is (b is healthy now,
    # so nothing of a is lazy), x deferred (uses c at load)
    assert st.healthy == {"a", "b", "d"}
    assert st.deferred == {"c", "x"}
    assert set(res.rescued) == {"a", "b"}
    assert res.kept["x"].code == "DEPENDS_ON_DEFERRED"


def test_push_down_without_a_rewriter_changes_nothing() -> None:
    st = _state(set(), {"c": Violation("c", "ENV_READ", "HOME"), "b": _dep("b", "c"), "a": _dep("a", "b")})
    res = push_down(st, DEPS, lambda p, d: False, reverify)
    assert st.deferred == {"a", "b", "c"} and not res.rescued


def test_root_causes_and_implied_explicit_defers() -> None:
    reasons = {"c": Violation("c", "ENV_READ", "HOME"), "b": _dep("b", "c"), "a": _dep("a", "b")}
    st = _state(set(), reasons)
    assert root_causes(st) == {"c"}
    assert minimal_explicit_defers({"a", "b", "c", "z"}, reasons) == {"c", "z"}
