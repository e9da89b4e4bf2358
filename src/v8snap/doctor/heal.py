"""The heal state: the doctor's working sets."""

from __future__ import annotations

from dataclasses import dataclass, field

from v8snap.doctor.record import ModuleRecord
from v8snap.doctor.violations import Violation
from v8snap.kinds import Verdict


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

    def verdict_of(self, key: str) -> Verdict:
        """The verdict of ``key`` (a key in no set counts as deferred: it runs at run time)."""
        if key in self.healthy:
            return Verdict.HEALTHY
        return Verdict.NOREWRITE if key in self.norewrite else Verdict.DEFERRED

    def records(self, hashes: dict[str, str] | None = None) -> dict[str, ModuleRecord]:
        """key -> :class:`~v8snap.doctor.record.ModuleRecord` of every classified module (sorted by key).

        Args:
            hashes: key -> sha256 of the module's file, recorded when given.
        """
        keys = sorted(self.healthy | self.deferred | self.norewrite)
        return {
            k: ModuleRecord(
                verdict=self.verdict_of(k),
                sha256=(hashes or {}).get(k, ""),
                reason=self.reasons.get(k) if k not in self.healthy else None,
                reads=sorted(set(self.fs_reads.get(k, ()))),
            )
            for k in keys
        }
