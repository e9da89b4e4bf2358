"""Issue #10 item 8: the embedding blob cache is the user's own 0700 directory, and an entry is hash-checked
before a process boots it (a substituted or corrupt entry is rewritten, never booted)."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from v8snap.embed import Module, SnapshotBuilder
from v8snap.embed.runtime import blob_path

BOOT = (
    "import sys; from v8snap.embed import Runtime, RuntimeOptions\n"
    "blob = open(sys.argv[1], 'rb').read()\n"
    "with Runtime(RuntimeOptions(startup_snapshot=blob, timeout=30)) as rt: print(rt.eval('hello()'))\n"
)


@pytest.fixture(scope="module")
def blobs() -> tuple[bytes, bytes]:
    """Two blobs; the second one's ``hello()`` says so. Either may be the larger."""
    one = SnapshotBuilder().with_module(Module("h.js", "globalThis.hello = () => 'genuine';")).finish()
    two = SnapshotBuilder().with_module(Module("h.js", "globalThis.hello = () => 'SUBSTITUTE';")).finish()
    return one, two


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    yield home


def _boot_in_new_process(blob: bytes, tmp_path: Path) -> str:
    src = tmp_path / "in.blob"
    src.write_bytes(blob)
    proc = subprocess.run(
        [sys.executable, "-c", BOOT, str(src)], capture_output=True, text=True, timeout=120, env=os.environ
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_substituted_blob_same_size_is_not_booted(
    blobs: tuple[bytes, bytes], cache_home: Path, tmp_path: Path
) -> None:
    genuine, other = blobs
    # The substitute: the other blob padded with zeros to the genuine one's size (node boots it as is).
    if len(other) > len(genuine):
        genuine = genuine + b"\0" * (len(other) - len(genuine))
    substitute = other + b"\0" * (len(genuine) - len(other))
    assert len(substitute) == len(genuine)
    path = blob_path(genuine)
    try:
        path.write_bytes(substitute)
        assert _boot_in_new_process(genuine, tmp_path) == "genuine"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == hashlib.sha256(genuine).hexdigest()
    finally:
        path.unlink(missing_ok=True)


def test_zeroed_blob_is_rebuilt(blobs: tuple[bytes, bytes], cache_home: Path, tmp_path: Path) -> None:
    genuine = blobs[0]
    path = blob_path(genuine)
    try:
        path.write_bytes(b"\0" * len(genuine))
        for _ in range(2):  # every later process too
            assert _boot_in_new_process(genuine, tmp_path) == "genuine"
        assert path.read_bytes() == genuine
    finally:
        path.unlink(missing_ok=True)


def test_world_writable_cache_dir_is_replaced(blobs: tuple[bytes, bytes], cache_home: Path) -> None:
    genuine, other = blobs
    cache = cache_home / "v8snap" / "embed"
    cache.mkdir(parents=True)
    os.chmod(cache, 0o777)
    planted = cache / "planted.blob"
    planted.write_bytes(other)
    path = blob_path(genuine)
    st = os.stat(path.parent)
    assert st.st_uid == os.getuid() and stat.S_IMODE(st.st_mode) == 0o700
    assert path.read_bytes() == genuine
    assert not planted.exists()  # what others could write is not kept


def test_foreign_owned_cache_dir_is_refused(
    blobs: tuple[bytes, bytes], cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    genuine = blobs[0] + b"\0" * 16  # a content no other test cached in this process
    cache = cache_home / "v8snap" / "embed"
    cache.mkdir(parents=True, mode=0o700)
    real_uid = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: real_uid + 4242)  # the dir now belongs to someone else
    with pytest.warns(UserWarning, match="not a directory owned by this user"):
        path = blob_path(genuine)
    assert path.parent.resolve() != cache.resolve()
    st = os.stat(path.parent)
    assert st.st_uid == real_uid and stat.S_IMODE(st.st_mode) == 0o700
    assert path.read_bytes() == genuine
