"""snapshot-meta.json, the build's output record: Cypress's fields (healthy, deferred, norewrite,
deferredHashFile, deferredHash) plus ours (schema version, fingerprint, blob identity, one
:class:`~v8snap.doctor.record.ModuleRecord` per module, stat stamps, timings, strategy).

See docs/architecture.md, "Data records". The file is versioned (``schema``): a meta written by another
schema is never half-read; :meth:`SnapshotMeta.read` raises :class:`MetaSchemaError` (a ``ValueError``)
and callers treat the snapshot as stale (rebuild).
"""

from __future__ import annotations

import os
from pathlib import Path

import msgspec

from v8snap.doctor.record import ModuleRecord
from v8snap.doctor.violations import Violation
from v8snap.kinds import Mode, Strategy
from v8snap.node.fingerprint import Fingerprint
from v8snap.util import atomic_write_bytes

#: Version of the snapshot-meta.json layout. Metas without the field are version 1 (before the typed
#: records: flat blob fields, untyped modules and strategy); 2 is the layout of :class:`SnapshotMeta`.
META_SCHEMA = 2


class MetaSchemaError(ValueError):
    """snapshot-meta.json is not a meta this v8snap can read (other schema, malformed): rebuild."""


class FileStamp(msgspec.Struct, frozen=True):
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


class BlobIdentity(msgspec.Struct, frozen=True):
    """The snapshot blob's sha256 and size in bytes."""

    sha256: str
    size: int


class StrategyChoice(msgspec.Struct, frozen=True, rename="camel"):
    """The strategy the launcher runs, and why (the meta's ``strategy`` record).

    Attributes:
        chosen: the strategy.
        medians_ms: strategy -> median start-up wall time (ms) summed over the trace commands
            (``mediansMs``); empty when nothing was measured (forced, or ``--no-measure``).
        forced: chosen by the user (``--strategy``), not by measurement.
        reason: why the snapshot is not an option at all (a node limit the output check met), or ``""``.
        rejected: strategy -> why it was not timed (its output differed from the plain runs), if any.
    """

    chosen: Strategy = Strategy.SNAPSHOT
    medians_ms: dict[str, float] = msgspec.field(default_factory=dict)
    forced: bool = False
    reason: str = ""
    rejected: dict[str, str] = msgspec.field(default_factory=dict)


class SnapshotMeta(msgspec.Struct, kw_only=True, rename="camel"):
    """Everything recorded about one build (snapshot-meta.json; JSON names in camelCase).

    Attributes:
        schema: :data:`META_SCHEMA` of the writer.
        healthy, deferred, norewrite: sorted module keys.
        deferred_hash_file: lockfile name relative to the app root ("" when the app has none).
        deferred_hash: sha256 of that lockfile ("" when none).
        fingerprint: the runtime the blob was built for.
        blob: identity of the blob (:attr:`blob_sha256`, :attr:`blob_size` in bytes).
        entry: module key of the main module.
        mode: production | dev.
        modules: key -> :class:`~v8snap.doctor.record.ModuleRecord`.
        stamps: FileStamps of blob, node binary and lockfile at build time.
        stale_files: abs path -> :func:`stat_stamp` of every file baked into the blob (what the loader
            checks at startup, also in the blob).
        timings_ms: stage -> milliseconds.
        strategy: how the launcher starts the app (:class:`StrategyChoice`:
            ``{"chosen", "mediansMs", "forced", "reason"}``).
    """

    schema: int = META_SCHEMA
    healthy: list[str]
    deferred: list[str]
    norewrite: list[str]
    deferred_hash_file: str
    deferred_hash: str
    fingerprint: Fingerprint
    blob: BlobIdentity
    entry: str
    mode: Mode = Mode.PRODUCTION
    modules: dict[str, ModuleRecord] = msgspec.field(default_factory=dict)
    stamps: dict[str, FileStamp] = msgspec.field(default_factory=dict)
    stale_files: dict[str, list[int | float]] = msgspec.field(default_factory=dict)
    timings_ms: dict[str, float] = msgspec.field(default_factory=dict)
    strategy: StrategyChoice = msgspec.field(default_factory=StrategyChoice)

    @property
    def blob_sha256(self) -> str:
        return self.blob.sha256

    @property
    def blob_size(self) -> int:
        """Size of the blob in bytes."""
        return self.blob.size

    def reasons(self) -> dict[str, Violation]:
        """key -> why the module is not healthy."""
        return {k: m.reason for k, m in self.modules.items() if m.reason is not None}

    def write(self, path: Path) -> None:
        """Write the meta atomically (indented JSON)."""
        atomic_write_bytes(path, msgspec.json.format(msgspec.json.encode(self), indent=1))

    @classmethod
    def read(cls, path: Path) -> SnapshotMeta:
        """Read ``path``.

        Raises:
            OSError: unreadable (FileNotFoundError: no build yet).
            MetaSchemaError: not JSON, written by another schema, or fields missing or mistyped; the
                message says to rebuild.
        """
        data = path.read_bytes()
        try:
            head = msgspec.json.decode(data, type=_Head)
        except msgspec.DecodeError as exc:
            raise MetaSchemaError(f"{path.name} is malformed ({exc}); rebuild with `v8snap build`") from None
        if head.schema != META_SCHEMA:
            raise MetaSchemaError(
                f"{path.name} has schema {head.schema}, this v8snap reads {META_SCHEMA}; "
                "rebuild with `v8snap build`"
            )
        try:
            return msgspec.json.decode(data, type=cls)
        except msgspec.DecodeError as exc:
            raise MetaSchemaError(f"{path.name} is malformed ({exc}); rebuild with `v8snap build`") from None


class _Head(msgspec.Struct):
    schema: int = 1
