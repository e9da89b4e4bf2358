"""snapshot-meta.json: Cypress's fields (healthy, deferred, norewrite, deferredHashFile, deferredHash)
plus ours (fingerprint, blob identity, per-module content hashes and reasons, stat stamps, timings)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from v8snap.doctor.violations import Violation
from v8snap.node.fingerprint import Fingerprint
from v8snap.util import atomic_write_text


@dataclass(frozen=True)
class FileStamp:
    """Cheap identity of a file: size in bytes and mtime in ns (what the launcher compares)."""

    path: str
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> FileStamp:
        st = path.stat()
        return cls(str(path), st.st_size, st.st_mtime_ns)

    def matches(self) -> bool:
        try:
            return FileStamp.of(Path(self.path)) == self
        except OSError:
            return False


def stat_stamp(st: os.stat_result) -> list[int | float]:
    """``[size, mtimeMs, ino]`` exactly as node's ``fs.statSync`` reports them (``staleReason`` in
    js/loader/freshness.js).

    ``mtimeMs`` is computed as node computes it (``sec * 1e3 + nsec / 1e6``, one double), so the loader
    compares with ``!==``; an inode above 2**53 is the double node holds.
    """
    sec, nsec = divmod(st.st_mtime_ns, 1_000_000_000)
    ino = st.st_ino if st.st_ino < 2**53 else float(st.st_ino)
    return [st.st_size, sec * 1e3 + nsec / 1e6, ino]


def stale_file_problems(files: dict[str, list[int | float]]) -> list[str]:
    """The file rule of ``staleReason`` (js/loader/freshness.js) in Python (``v8snap verify``): each file
    changed or gone."""
    out = []
    for file, stamp in files.items():
        try:
            now = stat_stamp(os.stat(file))
        except OSError:
            out.append(f"{file} is gone")
            continue
        if now != list(stamp):
            out.append(f"{file} changed")
    return out


@dataclass
class SnapshotMeta:
    """Everything recorded about one build.

    Attributes:
        healthy, deferred, norewrite: sorted module keys.
        deferred_hash_file: lockfile name relative to the app root ("" when the app has none).
        deferred_hash: sha256 of that lockfile ("" when none).
        fingerprint: the runtime the blob was built for.
        blob_sha256, blob_size: identity of the blob (bytes).
        entry: module key of the main module.
        mode: production | dev.
        modules: key -> {"sha256", "verdict", "reason"?}.
        stamps: FileStamps of blob, node binary and lockfile at build time.
        stale_files: abs path -> :func:`stat_stamp` of every file baked into the blob (what the loader
            checks at startup, also in the blob).
        timings_ms: stage -> milliseconds.
        strategy: how the launcher starts the app (``v8snap.bake.strategy.StrategyChoice.to_json``:
            ``{"chosen", "mediansMs", "forced"}``); empty in metas written before strategies existed.
    """

    healthy: list[str]
    deferred: list[str]
    norewrite: list[str]
    deferred_hash_file: str
    deferred_hash: str
    fingerprint: Fingerprint
    blob_sha256: str
    blob_size: int
    entry: str
    mode: str
    modules: dict[str, dict[str, Any]] = field(default_factory=dict)
    stamps: dict[str, FileStamp] = field(default_factory=dict)
    stale_files: dict[str, list[int | float]] = field(default_factory=dict)
    timings_ms: dict[str, float] = field(default_factory=dict)
    strategy: dict[str, Any] = field(default_factory=dict)

    def reasons(self) -> dict[str, Violation]:
        return {k: Violation.from_json(m["reason"]) for k, m in self.modules.items() if m.get("reason")}

    def to_json(self) -> dict[str, Any]:
        return {
            "healthy": self.healthy,
            "deferred": self.deferred,
            "norewrite": self.norewrite,
            "deferredHashFile": self.deferred_hash_file,
            "deferredHash": self.deferred_hash,
            "fingerprint": self.fingerprint.to_json(),
            "blob": {"sha256": self.blob_sha256, "size": self.blob_size},
            "entry": self.entry,
            "mode": self.mode,
            "modules": self.modules,
            "stamps": {k: vars(s) for k, s in self.stamps.items()},
            "staleFiles": self.stale_files,
            "timingsMs": self.timings_ms,
            "strategy": self.strategy,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> SnapshotMeta:
        return cls(
            healthy=list(d["healthy"]),
            deferred=list(d["deferred"]),
            norewrite=list(d["norewrite"]),
            deferred_hash_file=str(d["deferredHashFile"]),
            deferred_hash=str(d["deferredHash"]),
            fingerprint=Fingerprint.from_json(d["fingerprint"]),
            blob_sha256=str(d["blob"]["sha256"]),
            blob_size=int(d["blob"]["size"]),
            entry=str(d["entry"]),
            mode=str(d.get("mode", "production")),
            modules=dict(d.get("modules", {})),
            stamps={k: FileStamp(**v) for k, v in d.get("stamps", {}).items()},
            stale_files={str(k): list(v) for k, v in d.get("staleFiles", {}).items()},
            timings_ms=dict(d.get("timingsMs", {})),
            strategy=dict(d.get("strategy") or {}),
        )

    def write(self, path: Path) -> None:
        atomic_write_text(path, json.dumps(self.to_json(), indent=1))

    @classmethod
    def read(cls, path: Path) -> SnapshotMeta:
        """Raises: OSError, ValueError (bad JSON), KeyError (missing fields)."""
        return cls.from_json(json.loads(path.read_text()))
