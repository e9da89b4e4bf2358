"""Run Node's own snapshot builder: ``node --snapshot-blob OUT --build-snapshot SCRIPT``.

Facts this relies on (docs/architecture.md, "Node's snapshot builder", measured on node 24.19.0): the script
may ``require()`` built-ins only; a crash inside the serializer (e.g. a live ``http`` handle: ``global handle
not serialized``) kills node with SIGTRAP / exit 133 and prints no JS stack; a JS exception prints a stack and
exits 1. """

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from v8snap.errors import FileSystemError, NoSpaceError
from v8snap.util import atomic_move

#: What node prints when it cannot write the blob: a failed ``fwrite`` in ``SnapshotData::ToFile`` aborts
#: (SIGABRT, ``Assertion failed: (num_written) == (1)``; node 24.19.0), which looks like a builder crash.
_WRITE_FAILED = ("SnapshotData::ToFile", "ENOSPC", "No space left on device")
#: Below this many free bytes after a failed blob write, the file system counts as full.
_FULL_BELOW = 1 << 20


@dataclass(frozen=True)
class BuildOutcome:
    """Result of one builder run.

    Attributes:
        ok: the blob was written (and moved into place atomically).
        returncode: builder exit code (negative: killed by that signal).
        crashed: the builder died without a JS exception (signal, V8 fatal error, no JS stack).
        stderr: builder stderr (tail, at most 20,000 characters).
        stdout: builder stdout (tail, at most 20,000 characters).
        seconds: wall time of the run.
        blob_size: bytes of the blob written, 0 when not ok.
    """

    ok: bool
    returncode: int
    crashed: bool
    stderr: str
    stdout: str
    seconds: float
    blob_size: int = 0


def _looks_like_crash(returncode: int, stderr: str) -> bool:
    if returncode < 0 or returncode in (133, 134, 139):  # SIGTRAP/SIGABRT/SIGSEGV as 128+n
        return True
    markers = ("FATAL ERROR", "Fatal error", "Check failed", "CheckGlobalAndEternalHandles", "not serialized")
    return any(m in stderr for m in markers)


def write_failure(returncode: int, stderr: str, out: Path) -> FileSystemError | None:
    """The error for a builder run that failed because the blob could not be written to ``out``, else None.

    Node reports a failed blob write as an assertion failure (an abort, like a serializer crash); that must
    not send the build bisecting for a module to blame. Call it while the partial temp file still exists.
    """
    if returncode == 0 or not any(m in stderr for m in _WRITE_FAILED):
        return None
    try:
        st = os.statvfs(out.parent)
        free = st.f_bavail * st.f_frsize
    except OSError:
        free = 0
    if free < _FULL_BELOW or "ENOSPC" in stderr or "No space left on device" in stderr:
        return NoSpaceError(
            f"no space left on device: node's snapshot builder could not write the blob {out} "
            f"({free // 1024} KiB free on that file system)",
            path=out,
        )
    return FileSystemError(
        f"node's snapshot builder could not write the blob {out} ({free // 1024} KiB free)",
        path=out,
        hint="check that the file system holding APP/.v8snap is writable and healthy (quota, I/O errors)",
    )


def run_node_builder(
    node: Path,
    script: Path,
    out: Path,
    *,
    cwd: Path | None = None,
    flags: tuple[str, ...] = (),
    timeout: float = 300.0,
    env: dict[str, str] | None = None,
) -> BuildOutcome:
    """Build ``out`` from ``script``; the blob appears at ``out`` only if the builder succeeded.

    The builder writes to a temp file beside ``out`` which is renamed into place on success, so a killed
    or crashed build never leaves a half-written blob at ``out``.

    Args:
        node: node binary (its version is baked into the blob).
        script: the snapshot script (must only ``require`` built-ins).
        out: where the blob goes.
        cwd: builder working directory.
        flags: extra node flags (part of the fingerprint).
        timeout: seconds before the builder is killed (counted as a crash).
        env: environment for the builder (default: ``os.environ``, as every other node run of a build gets
            it: the C-level environment can hold more, e.g. the ``LINES``/``COLUMNS`` GNU readline sets
            in a process that loaded it, which would make an ``envNames`` assumption fail at startup).

    Returns:
        A :class:`BuildOutcome`; a failed build is an outcome, not an exception, except:

    Raises:
        NoSpaceError: the blob could not be written because the disk is full (node aborts in that case,
            which would otherwise read as a crash of the builder).
        FileSystemError: node could not write the blob for another reason.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".tmp-{out.name}-", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    cmd = [str(node), *flags, "--snapshot-blob", str(tmp), "--build-snapshot", str(script)]
    t0 = time.perf_counter()
    try:
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env=dict(os.environ) if env is None else env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            so, se = proc.communicate(timeout=timeout)
            rc = proc.returncode
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            so, se = proc.communicate()
            rc = -signal.SIGKILL
            se += f"\nv8snap: builder killed after {timeout:.0f} s".encode()
        stdout, stderr = so.decode("utf-8", "replace")[-20000:], se.decode("utf-8", "replace")[-20000:]
        seconds = time.perf_counter() - t0
        if rc == 0 and tmp.stat().st_size > 0:
            size = tmp.stat().st_size
            atomic_move(tmp, out)
            return BuildOutcome(True, 0, False, stderr, stdout, seconds, size)
        failure = write_failure(rc, stderr, out)
        if failure is not None:
            raise failure
        return BuildOutcome(False, rc, _looks_like_crash(rc, stderr), stderr, stdout, seconds)
    finally:
        tmp.unlink(missing_ok=True)
