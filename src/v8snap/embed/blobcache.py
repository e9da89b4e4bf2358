"""The embedding blob cache: blob bytes given as ``startup_snapshot`` are written once per content, as
``<cache>/<sha256>.blob``, for ``node --snapshot-blob``.

What it trusts, and why:

- ``<cache>`` is the user's own cache directory (platformdirs ``user_cache_dir``: ``$XDG_CACHE_HOME`` or
  ``~/.cache`` on Linux, then ``v8snap/embed``), created with mode 0700. Before each use it must be a
  directory owned by the user (``os.getuid()``) with no group or other permission bits. One of the user's
  own with looser bits is tightened to 0700 and, if it was group/other-writable, emptied of its entries
  (someone else could have written them). One owned by someone else is not used: this process gets a
  private temporary directory (``mkdtemp``, 0700, removed at exit) and a warning.
- An entry is never trusted by its name or size: a process hashes it (sha256) against its name the first
  time it uses it, and again whenever its stat stamp (size, mtime, inode) differs from the verified one.
  A mismatching entry (substituted, truncated, zeroed) is rewritten from the bytes in hand, atomically.

Not covered: another process of the same user (it can write the user's files anyway), and a change made
between the hash check and node's read of the file by someone able to write the 0700 directory (the user).
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

from v8snap.util import atomic_write_bytes, private_dir, sha256_file, user_cache_path

_lock = threading.Lock()
_verified: dict[Path, tuple[int, int, int]] = {}  # entry -> stat stamp when its sha256 was last checked


def cache_dir() -> Path:
    """Where the cache lives when its directory passes the checks: ``user_cache_dir("v8snap")/embed``."""
    return user_cache_path("embed")


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def is_verified(path: Path) -> bool:
    """True when ``path`` was hash-checked by this process and has not changed since (one ``stat``)."""
    with _lock:
        stamp = _verified.get(path)
        return stamp is not None and _stamp(path) == stamp


def blob_file(blob: bytes) -> Path:
    """A file holding exactly ``blob`` in the user's private cache (written, or verified, by this call).

    Returns:
        An absolute path, ``<cache>/<sha256>.blob``.
    """
    digest = hashlib.sha256(blob).hexdigest()
    with _lock:
        path = private_dir(cache_dir()).resolve() / f"{digest}.blob"
        stamp = _stamp(path)
        if stamp is None or _verified.get(path) != stamp:
            if stamp is None or stamp[0] != len(blob) or sha256_file(path) != digest:
                atomic_write_bytes(path, blob)  # absent, substituted or corrupt: rebuilt from the bytes
            new = _stamp(path)
            if new is not None:
                _verified[path] = new
        return path
