"""The optimizer: drop explicit defers that are implied by a root cause.

Attribution pushes *blame* down: a violation is recorded against the innermost module being initialized,
and the modules waiting for it get ``DEPENDS_ON_DEFERRED``; the snapshot printer's lazy requires keep a
parent that only holds a deferred import healthy (``Doctor._push_down``). What remains here: an explicit
defer (``--previous-deferred``, a previous meta) of a module whose only reason was ``DEPENDS_ON_DEFERRED``
is implied by the root cause; dropping it lets the doctor find out afresh (it may be healthy now).
"""

from __future__ import annotations

from collections.abc import Iterable

from v8snap.doctor.violations import Violation
from v8snap.kinds import Code


def minimal_explicit_defers(explicit: Iterable[str], reasons: dict[str, Violation]) -> set[str]:
    """Drop explicit defers implied by another: those whose recorded reason is ``DEPENDS_ON_DEFERRED``.

    Args:
        explicit: keys deferred explicitly (by the user or a previous meta).
        reasons: the recorded reason of each key (keys without a reason are kept: nothing implies them).

    Returns:
        The explicit defers that are root causes.
    """
    return {k for k in explicit if k not in reasons or reasons[k].code != Code.DEPENDS_ON_DEFERRED}
