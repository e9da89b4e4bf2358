"""The optimizer: push deferral down to the root cause and drop explicit defers that are implied.

Attribution already pushes *blame* down: a violation is recorded against the innermost module being
initialized, and the modules waiting for it get ``DEPENDS_ON_DEFERRED``. What remains is
- **push down**: a parent deferred only because it requires a deferred module can stay healthy if that
  require can be made lazy (the snapshot printer turns it into a getter) and the parent does not use the
  module while loading. Whether the require can be made lazy is an *oracle* (the rewriter at run time;
  a stub in tests); whether the parent then loads cleanly is a re-verification;
- **implied defers**: an explicit defer (``--previous-deferred``, a previous meta) of a module whose only
  reason was ``DEPENDS_ON_DEFERRED`` is implied by the root cause; dropping it lets the doctor find out
  afresh (it may be healthy now).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from v8snap.doctor.heal import HealState
from v8snap.doctor.violations import Violation

#: (parent, dependency) -> can the parent's require of the dependency be made lazy?
LazyOracle = Callable[[str, str], bool]
#: (parent, lazy dependencies) -> violations of the parent when those requires are lazy.
Reverify = Callable[[str, frozenset[str]], list[Violation]]


@dataclass(frozen=True)
class PushDownResult:
    """Outcome of :func:`push_down`.

    Attributes:
        rescued: parents that became healthy, with the dependencies made lazy for them.
        kept: parents that stay deferred, with the violation that keeps them.
    """

    rescued: dict[str, frozenset[str]]
    kept: dict[str, Violation]


def root_causes(state: HealState) -> set[str]:
    """Deferred modules with a violation of their own (not merely ``DEPENDS_ON_DEFERRED``)."""
    return {
        k for k in state.deferred if k in state.reasons and state.reasons[k].code != "DEPENDS_ON_DEFERRED"
    }


def minimal_explicit_defers(explicit: Iterable[str], reasons: dict[str, Violation]) -> set[str]:
    """Drop explicit defers implied by another: those whose recorded reason is ``DEPENDS_ON_DEFERRED``.

    Args:
        explicit: keys deferred explicitly (by the user or a previous meta).
        reasons: the recorded reason of each key (keys without a reason are kept: nothing implies them).

    Returns:
        The explicit defers that are root causes.
    """
    return {k for k in explicit if k not in reasons or reasons[k].code != "DEPENDS_ON_DEFERRED"}


def push_down(
    state: HealState,
    deps: dict[str, list[str]],
    can_make_lazy: LazyOracle,
    reverify: Reverify,
    *,
    max_rounds: int = 10,
) -> PushDownResult:
    """Rescue parents deferred only because of deferred imports (updates ``state`` in place).

    A candidate is a deferred module whose reason is ``DEPENDS_ON_DEFERRED``. All its imports that are not
    healthy must be lazifiable (oracle); then it is re-verified with those requires lazy. Rescuing one
    parent can rescue its own parents, so rounds repeat until nothing changes.

    Args:
        state: verdicts; rescued parents move to healthy.
        deps: key -> imported keys.
        can_make_lazy: the oracle.
        reverify: re-verification of a parent with the given lazy dependencies.
        max_rounds: bound on rounds.

    Returns:
        A :class:`PushDownResult`.
    """
    rescued: dict[str, frozenset[str]] = {}
    kept: dict[str, Violation] = {}
    for _ in range(max_rounds):
        changed = False
        for parent in sorted(state.deferred):
            reason = state.reasons.get(parent)
            if reason is None or reason.code != "DEPENDS_ON_DEFERRED":
                continue
            lazy = frozenset(d for d in deps.get(parent, []) if d not in state.healthy)
            # No non-healthy import left (they were rescued): a plain re-verification decides.
            if not all(can_make_lazy(parent, d) for d in lazy):
                kept[parent] = reason
                continue
            found = [v for v in reverify(parent, lazy) if v.key == parent]
            if found:
                kept[parent] = found[0]
                state.reasons[parent] = found[0]
                continue
            state.deferred.discard(parent)
            state.healthy.add(parent)
            state.reasons.pop(parent, None)
            kept.pop(parent, None)
            rescued[parent] = lazy
            changed = True
        if not changed:
            break
    return PushDownResult(rescued, kept)
