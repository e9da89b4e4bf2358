"""Per-module verdict cache keyed by (content hash, deps' verdicts and keys, fingerprint, profile).

The key of a module is a Merkle hash: its own content hash, the content of the other members of its
import cycle, and for each dependency outside the cycle that dependency's verdict *and* key. So a changed
package re-verifies its modules and their dependents, and nothing else. Files a module read at load time
(its own package's JSON data, ...) are stored with their hashes and must still match for a hit.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from v8snap.doctor.violations import Violation
from v8snap.kinds import Verdict
from v8snap.util import atomic_write_bytes, sha256_file

CACHE_VERSION = 1
MAX_ENTRIES = 50_000


@functools.lru_cache(maxsize=1)
def code_identity() -> str:
    """sha256 over v8snap's own Python and JS sources (one pass per process, ~60 files).

    A verdict depends on the verifier, the prelude's guards and the snapshot printer, not only on the
    module: cached verdicts from another version of that code must not be reused (observed: a verdict
    cached before a printer fix reached the final blueprint, which then met a norewrite it did not expect).
    """
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    sources = (p for p in root.rglob("*") if p.suffix in (".py", ".js") and "__pycache__" not in p.parts)
    for f in sorted(sources):
        h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def combine(*parts: str) -> str:
    """sha256 of ``parts`` joined unambiguously."""
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8", "surrogateescape"))
        h.update(b"\0")
    return h.hexdigest()


class CacheEntry(msgspec.Struct, omit_defaults=True, kw_only=True, rename="camel"):
    """One cached verdict (JSON: ``{"verdict", "reason"?, "reads"?, "loadDeps"?}``).

    Attributes:
        verdict: the module's verdict.
        reason: why it is not healthy.
        reads: app file (module key) -> sha256 of the files it read while loading (must still match).
        load_deps: module keys it required while loading.
    """

    verdict: Verdict
    reason: Violation | None = None
    reads: dict[str, str] = msgspec.field(default_factory=dict)
    load_deps: list[str] = msgspec.field(default_factory=list)


class _CacheFile(msgspec.Struct):
    version: int
    entries: dict[str, CacheEntry] = msgspec.field(default_factory=dict)


@dataclass
class VerdictCache:
    """``cache key -> CacheEntry`` on disk (``{"version", "entries"}``; another version reads as empty).

    Attributes:
        path: the JSON file (``APP/.v8snap/doctor-cache.json``), or None for an in-memory cache.
        entries: the loaded entries.
    """

    path: Path | None
    entries: dict[str, CacheEntry] = field(default_factory=dict)

    @classmethod
    def open(cls, path: Path | None, *, ignore: bool = False) -> VerdictCache:
        """Load ``path`` (missing, corrupt or ``ignore`` -> empty)."""
        cache = cls(path)
        if path is None or ignore or not path.is_file():
            return cache
        try:
            raw = path.read_bytes()
            if msgspec.json.decode(raw, type=_Version).version == CACHE_VERSION:
                cache.entries = msgspec.json.decode(raw, type=_CacheFile).entries
        except (OSError, ValueError):  # msgspec's errors are ValueErrors: stale or corrupt -> empty
            pass
        return cache

    def get(self, key: str, root: Path) -> CacheEntry | None:
        """The entry for ``key`` if every file it read still has the recorded hash."""
        e = self.entries.get(key)
        if e is None:
            return None
        for rel, sha in e.reads.items():
            p = root / rel[2:]
            try:
                if sha256_file(p) != sha:
                    return None
            except OSError:
                return None
        return e

    def put(self, key: str, entry: CacheEntry) -> None:
        """Store (or replace) one entry."""
        self.entries.pop(key, None)
        self.entries[key] = entry

    def save(self) -> None:
        """Write the cache (newest entries kept when over :data:`MAX_ENTRIES`)."""
        if self.path is None:
            return
        items = list(self.entries.items())[-MAX_ENTRIES:]
        atomic_write_bytes(self.path, msgspec.json.encode(_CacheFile(CACHE_VERSION, dict(items))))


class _Version(msgspec.Struct):
    version: int = 0
