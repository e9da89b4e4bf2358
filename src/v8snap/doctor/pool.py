"""The verifier pool: long-lived node workers (``js/verifier.js``), one verification at a time each.

A worker loads the verifier bundle once and then verifies module after module, each in a fresh ``vm``
context. Verdict changes are streamed to workers as deltas, so a request is a few hundred bytes. A module
that hangs is stopped by the worker's own ``vm`` timeout (``TIMEOUT``); if the worker does not answer
``grace`` seconds after that (a blocking native call) it is killed and restarted. A worker that dies
(``process.exit`` past the guards, a crash) yields ``EXIT_CALLED`` for the module it was verifying and is
restarted; neither stops the doctor.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import selectors
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from v8snap.doctor.bundle import VerifierBundle
from v8snap.doctor.violations import Violation
from v8snap.errors import NodeProcessError
from v8snap.kinds import Code
from v8snap.node.helpers import js_path
from v8snap.util import node_error_excerpt


@dataclass(frozen=True)
class VerifyResult:
    """What one verification found.

    Attributes:
        key: the module verified (or ``""`` for a verify-all run).
        violations: every violation recorded, attributed to the module responsible.
        fs_reads: key -> app files read at load time.
        load_deps: key -> module keys it required while loading.
        ms: wall time of the verification in the worker (milliseconds).
    """

    key: str
    violations: list[Violation]
    fs_reads: dict[str, list[str]] = field(default_factory=dict)
    load_deps: dict[str, list[str]] = field(default_factory=dict)
    ms: float = 0.0


class _Worker:
    def __init__(self, node: Path, cwd: Path, index: int) -> None:
        self.index = index
        r, w = os.pipe()
        env = {k: v for k, v in os.environ.items() if k != "NODE_OPTIONS"}
        env["V8SNAP_VERIFY_CWD"] = str(cwd)
        env["V8SNAP_RESULT_FD"] = str(w)
        self.err = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the worker)
        try:
            self.proc = subprocess.Popen(
                [str(node), str(js_path("verifier.js"))],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=self.err,
                pass_fds=(w,),
                cwd=cwd,
                env=env,
            )
        except OSError as exc:
            for fd in (r, w):
                os.close(fd)
            self.err.close()
            raise NodeProcessError(f"cannot start a verifier worker ({node}): {exc}") from exc
        os.close(w)
        self.out: IO[bytes] = os.fdopen(r, "rb", buffering=0)
        self.buf = b""
        self.job: tuple[int, str, float] | None = None  # (id, key, deadline)
        self.synced = 0  # index into the pool's verdict log
        self.bundle = ""

    def send(self, msg: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(msg).encode() + b"\n")
        self.proc.stdin.flush()

    def read_lines(self) -> list[dict[str, Any]] | None:
        """Lines available now; None on EOF (the worker died)."""
        chunk = os.read(self.out.fileno(), 1 << 20)
        if not chunk:
            return None
        self.buf += chunk
        *lines, self.buf = self.buf.split(b"\n")
        return [json.loads(x) for x in lines if x.strip()]

    def stderr_tail(self) -> str:
        try:
            self.err.seek(0)
            return self.err.read()[-2000:].decode(errors="replace")
        except (OSError, ValueError):
            return ""

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for f in (self.out, self.proc.stdin, self.err):
            try:
                if f is not None:
                    f.close()
            except OSError:
                pass


class VerifierPool:
    """``jobs`` verifier workers for one app.

    Args:
        node: node binary.
        cwd: working directory of the workers (the app root).
        jobs: number of workers (default: CPU count).
        timeout: seconds one verification may take (``TIMEOUT``).
        grace: extra seconds before an unresponsive worker is killed.
    """

    def __init__(
        self, node: Path, cwd: Path, *, jobs: int | None = None, timeout: float = 20.0, grace: float = 5.0
    ) -> None:
        self.node = node
        self.cwd = cwd
        self.jobs = max(1, jobs or os.cpu_count() or 2)
        self.timeout = timeout
        self.grace = grace
        self.bundle: VerifierBundle | None = None
        self.log: list[tuple[str, bool]] = []  # (key, deferred?) in order of change
        self.workers: list[_Worker] = []
        self.sel = selectors.DefaultSelector()
        self.next_id = 0
        self.restarts = 0
        self.verifications = 0

    # ---- lifecycle -------------------------------------------------------------------------------------
    def __enter__(self) -> VerifierPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop every worker."""
        for w in self.workers:
            self.sel.unregister(w.out)
            w.kill()
        self.workers = []

    def _spawn(self, index: int) -> _Worker:
        w = _Worker(self.node, self.cwd, index)
        self.sel.register(w.out, selectors.EVENT_READ, w)
        return w

    def _replace(self, w: _Worker) -> _Worker:
        self.sel.unregister(w.out)
        w.kill()
        self.restarts += 1
        nw = self._spawn(w.index)
        self.workers[w.index] = nw
        return nw

    def load(self, bundle: VerifierBundle, verdicts: dict[str, bool]) -> None:
        """Use ``bundle`` from now on; ``verdicts`` = key -> deferred? for keys not healthy by default.

        Workers are started on first use and reload the bundle lazily before their next job.
        """
        self.bundle = bundle
        self.log = [(k, d) for k, d in verdicts.items() if d]
        while len(self.workers) < self.jobs:
            self.workers.append(self._spawn(len(self.workers)))

    def set_verdict(self, key: str, deferred: bool) -> None:
        """Record that ``key`` is now deferred/norewrite (True) or healthy (False)."""
        self.log.append((key, deferred))

    # ---- jobs ------------------------------------------------------------------------------------------
    def idle(self) -> list[_Worker]:
        """Workers without a job."""
        return [w for w in self.workers if w.job is None]

    def busy(self) -> int:
        """Number of workers verifying right now."""
        return sum(1 for w in self.workers if w.job is not None)

    def _prepare(self, w: _Worker) -> None:
        assert self.bundle is not None
        if w.bundle != self.bundle.digest:
            # A worker that died at start: _wait_loaded reads its EOF and raises with its stderr.
            with contextlib.suppress(BrokenPipeError):
                w.send({"op": "load", "bundle": str(self.bundle.script), "config": str(self.bundle.config)})
            w.bundle = self.bundle.digest
            w.synced = 0
            self._wait_loaded(w)
        if w.synced < len(self.log):
            delta = self.log[w.synced :]
            final: dict[str, bool] = {}
            for k, d in delta:
                final[k] = d
            w.send(
                {
                    "op": "verdicts",
                    "deferred": [k for k, d in final.items() if d],
                    "healthy": [k for k, d in final.items() if not d],
                }
            )
            w.synced = len(self.log)

    def _wait_loaded(self, w: _Worker) -> None:
        deadline = time.monotonic() + 120
        while (left := deadline - time.monotonic()) > 0:
            if not select.select([w.out], [], [], left)[0]:
                break
            lines = w.read_lines()
            if lines is None:
                tail = node_error_excerpt(w.stderr_tail()) or "(no output)"
                raise NodeProcessError(
                    f"the verifier worker exited (status {w.proc.wait()}) before loading the module bundle:\n"
                    f"{tail}",
                    hint=f"check the node binary (--node) and the bundle it loads: {self.bundle.script}"
                    if self.bundle
                    else "check the node binary (--node)",
                )
            for m in lines:
                if m.get("op") == "loaded" and m.get("error"):
                    raise NodeProcessError(
                        f"the verifier could not compile the module bundle: {m['error']}",
                        hint=f"a module in {self.bundle.script if self.bundle else 'the bundle'} is not "
                        "JavaScript node's loader can run; please report it",
                    )
                if m.get("op") == "loaded":
                    return
        raise NodeProcessError("the verifier worker did not load the module bundle within 120 s")

    def submit(self, key: str, *, order: list[str] | None = None) -> None:
        """Start verifying ``key`` (or, with ``order``, initializing ``order`` in one context) on an idle
        worker.

        Raises:
            RuntimeError: no idle worker (a caller's bug).
            NodeProcessError: a worker cannot start or load the bundle, twice in a row.
        """
        free = self.idle()
        if not free:
            raise RuntimeError("no idle verifier worker")
        w = free[0]
        try:
            self._prepare(w)
        except (BrokenPipeError, NodeProcessError):
            w = self._replace(w)
            try:
                self._prepare(w)
            except BrokenPipeError:  # died again before it could read the bundle: say why
                self._wait_loaded(w)
                raise NodeProcessError("the verifier worker exited before loading its bundle") from None
        self.next_id += 1
        limit = self.timeout * (4 if order else 1)
        msg: dict[str, Any] = {"op": "verifyAll" if order else "verify", "id": self.next_id, "key": key}
        msg["timeoutMs"] = int(limit * 1000)
        if order:
            msg["order"] = order
        w.job = (self.next_id, key, time.monotonic() + limit + self.grace)
        with contextlib.suppress(BrokenPipeError):  # a dead worker is noticed as EOF by collect()
            w.send(msg)
        self.verifications += 1

    def collect(self, wait: float = 1.0) -> Iterator[VerifyResult]:
        """Yield results that arrive within ``wait`` seconds (and blame for dead or stuck workers)."""
        for sk, _ in self.sel.select(timeout=wait):
            w: _Worker = sk.data
            lines = w.read_lines()
            if lines is None:
                if w.job is not None:
                    _, key, _ = w.job
                    tail = w.stderr_tail().strip().splitlines()
                    detail = f"the verifier process died (exit {w.proc.wait()})" + (
                        f": {tail[-1]}" if tail else ""
                    )
                    self._replace(w)
                    yield VerifyResult(key, [Violation(key, Code.EXIT_CALLED, detail)])
                else:
                    self._replace(w)
                continue
            for m in lines:
                if w.job is None or m.get("id") != w.job[0]:
                    continue
                key = w.job[1]
                w.job = None
                yield VerifyResult(
                    key,
                    [Violation.from_wire(v, key) for v in m["violations"]],
                    {k: list(v) for k, v in m.get("fsReads", {}).items()},
                    {k: list(v) for k, v in m.get("loadDeps", {}).items()},
                    float(m.get("ms", 0.0)),
                )
        now = time.monotonic()
        for w in list(self.workers):
            if w.job is not None and now > w.job[2]:
                _, key, _ = w.job
                self._replace(w)
                detail = f"did not finish loading within {self.timeout:.0f} s (worker killed)"
                yield VerifyResult(key, [Violation(key, Code.TIMEOUT, detail)])
