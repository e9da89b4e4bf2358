"""The heal state: the doctor's working sets."""

from __future__ import annotations

from dataclasses import dataclass, field

from v8snap.doctor.violations import Violation


@dataclass
class HealState:
    """Verdicts for the modules of one graph.

    Attributes:
        healthy: keys initialized at build time.
        deferred: keys run on first require at run time.
        norewrite: keys kept verbatim (and run at run time).
        reasons: key -> the violation that made it deferred/norewrite (first one seen).
        fs_reads: key -> app files it read at load time (they join its content hash).
    """

    healthy: set[str] = field(default_factory=set)
    deferred: set[str] = field(default_factory=set)
    norewrite: set[str] = field(default_factory=set)
    reasons: dict[str, Violation] = field(default_factory=dict)
    fs_reads: dict[str, list[str]] = field(default_factory=dict)

    def defer(self, v: Violation) -> bool:
        """Move ``v.key`` from healthy to deferred; returns True if that changed anything."""
        self.reasons.setdefault(v.key, v)
        if v.key in self.deferred or v.key in self.norewrite:
            return False
        self.healthy.discard(v.key)
        self.deferred.add(v.key)
        return True
