"""The fingerprint of a snapshot blob: what must match for a blob to be usable.

A blob is only valid for the exact node binary (V8 version and ``v8.cachedDataVersionTag()``, which changes
with V8 flags too), platform, arch, builder flags, profile and absolute app root that built it: node refuses
a blob from another V8 ("built with a different version of V8"), and the resolver map holds paths relative to
the app root.
"""

from __future__ import annotations

import functools
import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from v8snap.errors import V8SnapError

_PROBE = (
    "console.log(JSON.stringify({node: process.version, v8: process.versions.v8,"
    " tag: require('v8').cachedDataVersionTag(), arch: process.arch, platform: process.platform}))"
)


class Fingerprint(msgspec.Struct, frozen=True):
    """Identity of the runtime a blob was built for. Two blobs are interchangeable iff fingerprints are equal.

    Attributes:
        node: ``process.version``, e.g. ``"v24.19.0"``.
        v8: ``process.versions.v8``.
        cached_data_tag: ``v8.cachedDataVersionTag()`` (V8 version + flags that affect code caches).
        arch: ``process.arch``.
        platform: ``process.platform``.
        builder_flags: extra flags passed to the builder, in order.
        profile: ``"node"`` or ``"electron"``.
        app_root: absolute app root (``""`` for embedding snapshots, which hold no paths).
    """

    node: str
    v8: str
    cached_data_tag: int
    arch: str
    platform: str
    builder_flags: tuple[str, ...] = ()
    profile: str = "node"
    app_root: str = ""

    def with_app(
        self, app_root: Path | str, profile: str = "node", flags: tuple[str, ...] = ()
    ) -> Fingerprint:
        return Fingerprint(
            self.node, self.v8, self.cached_data_tag, self.arch, self.platform, flags, profile, str(app_root)
        )

    def differences(self, other: Fingerprint) -> list[str]:
        """Names of the fields that differ, e.g. ``["node", "v8"]``."""
        return [k for k in self.__struct_fields__ if getattr(self, k) != getattr(other, k)]


@dataclass(frozen=True)
class _Key:
    node: str
    mtime_ns: int = field(default=0)
    flags: tuple[str, ...] = ()


@functools.lru_cache(maxsize=8)
def _probe(key: _Key) -> Fingerprint:
    proc = subprocess.run([key.node, *key.flags, "-e", _PROBE], capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        raise V8SnapError(f"cannot read the fingerprint of {key.node}: {proc.stderr.strip()[:300]}")
    d = json.loads(proc.stdout)
    return Fingerprint(d["node"], d["v8"], int(d["tag"]), d["arch"], d["platform"])


def node_fingerprint(node: Path, flags: tuple[str, ...] = ()) -> Fingerprint:
    """Fingerprint of ``node`` (app root and profile empty: see :meth:`Fingerprint.with_app`).

    Args:
        node: the node binary.
        flags: node/V8 flags the blob is built (and must be run) with. V8 flags such as ``--no-opt`` change
            ``cachedDataVersionTag()``, so the tag is read from a node started with them.

    Runs ``node -e`` once per binary and flags (cached per path, mtime and flags; ~30 ms).

    Raises:
        V8SnapError: the binary does not run (or rejects ``flags``).
    """
    st = node.stat()
    return _probe(_Key(str(node), st.st_mtime_ns, tuple(flags)))
