"""The per-module record: one typed shape for a module's verdict wherever it is written.

snapshot-meta.json (``modules``), ``v8snap doctor --json`` (``modules``) and the doctor's verdict cache
all hold :class:`ModuleRecord` values (docs/architecture.md, "Data records").
"""

from __future__ import annotations

import msgspec

from v8snap.doctor.violations import Violation
from v8snap.kinds import Verdict


class ModuleRecord(msgspec.Struct, omit_defaults=True, kw_only=True, rename="camel"):
    """What the pipeline decided about one module.

    Attributes:
        verdict: healthy, deferred or norewrite.
        sha256: sha256 of the module's file at build time (``""`` when not recorded).
        reason: why it is not healthy (None when healthy).
        reads: app files (module keys) it read while loading.
        cache_key: its key in the doctor's verdict cache (``cacheKey``; ``""`` when none).
        init_ms: build-time self time of its initialization in ms (``initMs``; healthy modules of a build,
            measured by the builder run: js/prelude/registry.js), None when not measured.
    """

    verdict: Verdict
    sha256: str = ""
    reason: Violation | None = None
    reads: list[str] = msgspec.field(default_factory=list)
    cache_key: str = ""
    init_ms: float | None = None
