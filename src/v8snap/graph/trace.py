"""Run the app once under ``js/trace.js`` and collect what it loads on its whole startup path.

A trace run lasts until the app exits, or until ``until`` says (``"listen"``: its first server listens; a
module file: that module has loaded), and at most ``limit`` seconds (default 10): what was loaded by
then is the trace. Records after :attr:`TraceRun.first_tick` came from later event-loop turns.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from v8snap.errors import AppError, GraphError
from v8snap.node import js_path
from v8snap.util import last_lines, node_error_excerpt

TRACE_ENV = "V8SNAP_TRACE_OUT"
#: Default time limit of one trace run (seconds): what the app loaded by then is its trace.
TRACE_LIMIT_S = 10.0
_TAIL_LINES = 15


@dataclass(frozen=True)
class TraceRecord:
    """One ``require``/``import``/``require.resolve`` the app performed during startup, in the order it
    happened.

    Attributes:
        parent: absolute filename of the requiring module; ``None`` for the main module.
        request: the specifier as written (``"./lib"``, ``"lodash"``, ``"http"``).
        resolved: absolute filename, ``"node:<name>"`` for a built-in, ``""`` if resolution failed.
        is_main: this load is the app's main module.
        via: ``"require"`` (CJS loader), ``"import"`` (ESM loader) or ``"resolve"`` (a ``require.resolve``
            of the app: nothing was loaded; js/trace-resolve.js).
        ok: ``False`` when loading threw (e.g. a ``require`` inside ``try``/``catch`` that failed).
        error: error code or message of a failed resolution/load, else ``""``.
        format: format reported by the ESM loader (``"module"``, ``"commonjs"``...) or ``""``.
    """

    parent: str | None
    request: str
    resolved: str
    is_main: bool
    via: str
    ok: bool = True
    error: str = ""
    format: str = ""

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> TraceRecord:
        return cls(
            parent=d.get("parent"),
            request=str(d["request"]),
            resolved=str(d.get("resolved") or ""),
            is_main=bool(d.get("isMain")),
            via=str(d.get("via", "require")),
            ok=bool(d.get("ok", True)),
            error=str(d.get("error") or ""),
            format=str(d.get("format") or ""),
        )


@dataclass(frozen=True)
class TraceRun:
    """The result of one trace run.

    Attributes:
        args: arguments passed to the app.
        records: loads in order.
        reason: ``"exit"`` (the app exited), ``"listen"`` (its first server listened), ``"module"`` (the
            ``until`` module loaded) or ``"time-limit"``.
        exit_code: the app's exit code when it exited by itself, else ``None``.
        stdout: what the app printed on stdout (discarded from the user's view; kept for diagnostics).
        stderr: what the app printed on stderr.
        seconds: wall time of the run.
        first_tick: how many of ``records`` the first event-loop turn made (the main module's synchronous
            run and the immediates it queued); the rest came later. ``None``: all in the first turn.
    """

    args: tuple[str, ...]
    records: tuple[TraceRecord, ...]
    reason: str
    exit_code: int | None
    stdout: str
    stderr: str
    seconds: float
    first_tick: int | None = None

    def later_records(self) -> tuple[TraceRecord, ...]:
        """The records made after the first event-loop turn."""
        return () if self.first_tick is None else self.records[self.first_tick :]


def _cmd(entry: Path, args: list[str]) -> str:
    return " ".join([str(entry), *args])


def _tail(text: str) -> str:
    return last_lines(text, _TAIL_LINES) or "(no output)"


def until_env(root: Path, until: str) -> str:
    """``V8SNAP_TRACE_UNTIL`` for ``until``: ``"exit"``, ``"listen"``, or a module file (relative to
    ``root`` or absolute) -> ``"module:<real path>"``.

    Raises:
        AppError: the module file does not exist.
    """
    if until in ("exit", "listen"):
        return until
    path = Path(until) if Path(until).is_absolute() else root / until
    if not path.is_file():
        raise AppError(
            f"--trace-until {until!r}: no such module file under {root}",
            hint="use `exit`, `listen`, or a module's path relative to the app root (lib/server.js)",
        )
    return "module:" + str(path.resolve())


def trace_app(
    root: Path,
    entry: Path,
    *,
    node: Path,
    args: list[str],
    timeout: float = 60.0,
    until: str = "exit",
    limit: float = TRACE_LIMIT_S,
) -> TraceRun:
    """Run ``node --require trace.js <entry> <args>`` with cwd = ``root`` and return what it loaded.

    The app runs until it exits, or until ``until`` (:func:`until_env`), at most ``limit`` seconds, with
    stdin closed and its stdout/stderr captured.

    Args:
        root: app root (working directory of the run).
        entry: absolute path of the main module.
        node: node binary.
        args: command-line arguments for the app.
        timeout: seconds before the run is killed (an error); the limit is at most 3/4 of it.
        until: ``"exit"``, ``"listen"`` or a module file (:func:`until_env`).
        limit: seconds after which the trace is written and the run ends (reason ``"time-limit"``).

    Returns:
        The trace of this run.

    Raises:
        AppError: ``until`` names a module file that does not exist.
        GraphError: the run timed out, wrote no trace, or the app threw an uncaught exception during
            startup (the message holds the stderr tail).
    """
    with tempfile.TemporaryDirectory(prefix="v8snap-trace-") as tmp:
        out = Path(tmp) / "trace.json"
        env = dict(os.environ)
        env[TRACE_ENV] = str(out)
        env["V8SNAP_TRACE_UNTIL"] = until_env(root, until)
        # The time limit ends the trace (its result counts); the timeout kills a run whose event loop is
        # blocked (an error): the limit comes first.
        env["V8SNAP_TRACE_LIMIT_MS"] = str(int(min(limit, timeout * 0.75) * 1000))
        cmd = [str(node), "--require", str(js_path("trace.js")), str(entry), *args]
        start = time.perf_counter()
        try:
            proc = subprocess.run(
                cmd,
                cwd=root,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                errors="replace",
                timeout=timeout,
            )
        except subprocess.TimeoutExpired as exc:
            err = exc.stderr.decode("utf-8", "replace") if isinstance(exc.stderr, bytes) else exc.stderr or ""
            raise GraphError(
                f"tracing {entry} {' '.join(args)} did not finish within {timeout:.0f} s:\n{_tail(err)}",
                hint="the app may block its event loop; pass other trace args or a shorter --trace-limit",
            ) from exc
        seconds = time.perf_counter() - start
        if not out.is_file():
            raise GraphError(
                f"tracing {_cmd(entry, args)} produced no trace (exit {proc.returncode}):\n"
                f"{node_error_excerpt(proc.stderr or proc.stdout) or '(no output)'}"
            )
        doc = json.loads(out.read_text(encoding="utf-8"))
    if doc.get("uncaught"):
        excerpt = node_error_excerpt(proc.stderr or doc["uncaught"])
        missing = "MODULE_NOT_FOUND" in excerpt or "Cannot find module" in excerpt
        raise GraphError(
            f"the app threw during startup ({_cmd(entry, args)}):\n{excerpt}",
            hint="a module it requires is not installed: run `npm install` (or `npm ci`) in the app directory"
            if missing
            else "fix the app or pass trace args under which it starts cleanly",
        )
    exit_code = doc.get("exitCode")
    return TraceRun(
        args=tuple(args),
        records=tuple(TraceRecord.from_json(r) for r in doc.get("records", [])),
        reason=str(doc.get("reason", "")),
        exit_code=int(exit_code) if exit_code is not None else None,
        stdout=proc.stdout,
        stderr=proc.stderr,
        seconds=seconds,
        first_tick=int(doc["firstTick"]) if doc.get("firstTick") is not None else None,
    )
