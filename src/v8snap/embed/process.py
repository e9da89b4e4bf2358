"""One node process of a runtime: spawn with the protocol pipes, read/write frames, kill and reap.

Frames are a 4-byte big-endian length then UTF-8 JSON. The process gets three pipes by fd number
(``V8SNAP_EMBED_FDS=in,out,cb`` in its environment): requests in, replies/events out, and callback
replies in (read with a blocking ``readSync`` on the JS side). stdout and stderr go to an anonymous temp file
read only to explain a death (heap limit, refused blob). The node side exits on EOF of its request pipe, so
a Python process that dies without cleanup leaves no node process behind once that pipe closes.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import struct
import subprocess
import tempfile
import time
from dataclasses import dataclass
from typing import IO, Any

from v8snap.embed.codec import decode, encode

_HEADER = struct.Struct(">I")
_READ_CHUNK = 1 << 16


class ProcessGone(Exception):
    """The node process closed its reply pipe (it exited or was killed)."""


class Deadline(Exception):
    """No complete frame arrived before the deadline."""


@dataclass
class NodeProcess:
    """A running node process and the Python ends of its pipes."""

    popen: subprocess.Popen[bytes]
    req_w: int
    rep_r: int
    cb_w: int
    log: IO[bytes]
    buf: bytearray

    @classmethod
    def spawn(cls, argv: list[str], *, env: dict[str, str], cwd: str | None) -> NodeProcess:
        """Start ``argv`` with the three protocol pipes.

        Args:
            argv: node command line.
            env: environment (``V8SNAP_EMBED_FDS`` is added).
            cwd: working directory.

        Returns:
            The process; nothing has been read yet.
        """
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        cb_r, cb_w = os.pipe()
        child_ends = (req_r, rep_w, cb_r)
        log = tempfile.TemporaryFile(prefix="v8snap-embed-log-")  # noqa: SIM115 (closed by close_fds)
        full_env = {**env, "V8SNAP_EMBED_FDS": f"{req_r},{rep_w},{cb_r}"}
        try:
            popen = subprocess.Popen(
                argv,
                env=full_env,
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                pass_fds=child_ends,
                close_fds=True,
            )
        except BaseException:
            for fd in (*child_ends, req_w, rep_r, cb_w):
                os.close(fd)
            log.close()
            raise
        for fd in child_ends:
            os.close(fd)
        return cls(popen, req_w, rep_r, cb_w, log, bytearray())

    # ---- frames -----------------------------------------------------------------------------------

    @staticmethod
    def _write_all(fd: int, data: bytes) -> None:
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]

    def send(self, message: dict[str, Any]) -> None:
        """Write one request frame.

        Raises:
            ProcessGone: the process no longer reads (broken pipe).
        """
        body = encode(message)
        try:
            self._write_all(self.req_w, _HEADER.pack(len(body)) + body)
        except (BrokenPipeError, OSError) as exc:
            raise ProcessGone(str(exc)) from exc

    def send_callback_reply(self, message: dict[str, Any]) -> None:
        """Write one frame on the callback-reply pipe (JS is blocked reading it)."""
        body = encode(message)
        try:
            self._write_all(self.cb_w, _HEADER.pack(len(body)) + body)
        except (BrokenPipeError, OSError) as exc:
            raise ProcessGone(str(exc)) from exc

    def _take_frame(self) -> Any | None:
        buf = self.buf
        if len(buf) < 4:
            return None
        (n,) = _HEADER.unpack_from(buf, 0)
        if len(buf) < 4 + n:
            return None
        body = bytes(buf[4 : 4 + n])
        del buf[: 4 + n]
        return decode(body)

    def read_frame(self, deadline: float | None) -> Any:
        """Block until one frame arrives and return it decoded.

        Args:
            deadline: ``time.monotonic()`` value to give up at, or ``None`` to wait forever.

        Raises:
            Deadline: the deadline passed first.
            ProcessGone: EOF on the reply pipe.
        """
        while True:
            frame = self._take_frame()
            if frame is not None:
                return frame
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([self.rep_r], [], [], left)[0]:
                    raise Deadline()
            chunk = os.read(self.rep_r, _READ_CHUNK)
            if not chunk:
                raise ProcessGone("EOF")
            self.buf += chunk

    def poll_frame(self) -> Any | None:
        """Return a frame if one is fully available without blocking, else ``None``.

        Raises:
            ProcessGone: EOF on the reply pipe.
        """
        while True:
            frame = self._take_frame()
            if frame is not None:
                return frame
            if not select.select([self.rep_r], [], [], 0)[0]:
                return None
            chunk = os.read(self.rep_r, _READ_CHUNK)
            if not chunk:
                raise ProcessGone("EOF")
            self.buf += chunk

    # ---- lifecycle ----------------------------------------------------------------------------------

    def log_tail(self, limit: int = 4000) -> str:
        """Last ``limit`` characters the process wrote to stdout/stderr."""
        try:
            self.log.flush()
            size = self.log.seek(0, os.SEEK_END)
            self.log.seek(max(0, size - limit))
            return self.log.read().decode("utf-8", "replace")
        except (OSError, ValueError):
            return ""

    def reap(self, timeout: float = 5.0) -> int:
        """Wait for the process to exit (kill it if it does not within ``timeout``); return its status."""
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            return self.popen.wait()

    def kill(self) -> None:
        """SIGKILL the process, reap it and close every pipe and the log. Idempotent."""
        if self.popen.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.popen.pid, signal.SIGKILL)
            self.popen.wait()
        self.close_fds()

    def close_fds(self) -> None:
        """Close the Python ends of the pipes and the log file. Idempotent."""
        for name in ("req_w", "rep_r", "cb_w"):
            fd = getattr(self, name)
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
                setattr(self, name, -1)
        with contextlib.suppress(OSError):
            self.log.close()
