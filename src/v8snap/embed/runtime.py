"""``Runtime``: a node process booted from a snapshot blob (or plain), driven over a framed pipe protocol.

Calls are serialised per runtime (a lock); ``*_async`` twins run the same call in a worker thread, so an
asyncio loop never blocks. JS promises returned by a call are awaited inside node before the reply.
A Python function registered with :meth:`Runtime.register_function` is called from JS as
``v8snap.functions.name(...)`` (or ``v8snap.call("name", ...)``) and returns its value *synchronously*:
the JS thread blocks until Python replies, so callbacks work in plain (non-async) JS code; they are served
while a call is in progress.
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from v8snap.embed import blobcache
from v8snap.embed.codec import to_wire
from v8snap.embed.errors import (
    EmbedError,
    HeapLimitError,
    JsError,
    RuntimeClosedError,
    RuntimeCrashedError,
    RuntimeTimeoutError,
)
from v8snap.embed.module import Module, module_sources
from v8snap.embed.options import RuntimeOptions
from v8snap.embed.process import Deadline, NodeProcess, ProcessGone
from v8snap.errors import SnapshotMismatchError
from v8snap.node import find_node, js_path
from v8snap.node.fingerprint import Fingerprint
from v8snap.node.hugepages import with_huge_pages

_IDENTITY_FIELDS = ("node", "v8", "cached_data_tag", "arch", "platform")
_HEAP_MARKERS = ("heap out of memory", "Reached heap limit", "Ineffective mark-compacts")
_MISMATCH_MARKERS = ("different version of V8", "Failed to load the startup snapshot")
_SNAPSHOT_FAILURE_EXIT = 14  # node's documented exit code for snapshot failures
_blob_paths: dict[tuple[int, int], Path] = {}
_blob_lock = threading.Lock()


@dataclass(frozen=True)
class ConsoleMessage:
    """One ``console.*`` call made in the runtime. ``level``: log, info, warn, error, debug or trace."""

    level: str
    text: str


def blob_path(blob: bytes | str | os.PathLike[str]) -> Path:
    """A file holding ``blob`` for ``node --snapshot-blob`` (bytes are written once per content, by sha256,
    to the user's private cache: :mod:`v8snap.embed.blobcache`, which hash-checks an entry on first use).

    Args:
        blob: blob bytes, or a path to a blob file (returned as is, made absolute).

    Returns:
        An absolute path.
    """
    if not isinstance(blob, bytes | bytearray):
        return Path(blob).resolve()
    key = (len(blob), hash(bytes(blob)) if isinstance(blob, bytearray) else hash(blob))
    with _blob_lock:
        hit = _blob_paths.get(key)
        if hit is not None and blobcache.is_verified(hit):
            return hit
        path = blobcache.blob_file(bytes(blob))
        _blob_paths[key] = path
        return path


async def _in_thread(fn: Callable[..., Any], *args: Any) -> Any:
    # asyncio is imported by whoever awaits this; `import v8snap` does not pay for it (test_import_cost).
    import asyncio

    return await asyncio.to_thread(fn, *args)


class _Holder:
    """The current process of a runtime; what the finalizer kills (it must not reference the Runtime)."""

    def __init__(self) -> None:
        self.proc: NodeProcess | None = None

    def kill(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None:
            proc.kill()


class Runtime:
    """A JavaScript runtime in a node process, booted from ``options.startup_snapshot`` when given.

    Example::

        with Runtime(RuntimeOptions(startup_snapshot=blob)) as rt:
            rt.eval("importantFunction()")

    Attributes:
        options: the options it was started with.
        console_output: every ``console.*`` call so far, oldest first (clear it at will).
        modules: names of the modules available (from the snapshot and ``modules=``).
    """

    def __init__(
        self,
        options: RuntimeOptions | None = None,
        modules: Iterable[Module] = (),
        *,
        start: bool = True,
    ) -> None:
        """Start the runtime.

        Args:
            options: runtime options; default ``RuntimeOptions()`` (no snapshot).
            modules: modules loaded at start (after the snapshot's own), in order.
            start: start the process now (default) or on first use.

        Raises:
            SnapshotMismatchError: the blob was built by another node/V8/platform.
            RuntimeCrashedError: the process did not start (the message holds its output).
            JsError: a module in ``modules`` threw.
        """
        self.options = options or RuntimeOptions()
        self.console_output: list[ConsoleMessage] = []
        self.modules: list[str] = []
        self._node = find_node(self.options.node)
        self._blob = (
            blob_path(self.options.startup_snapshot) if self.options.startup_snapshot is not None else None
        )
        mods = list(modules)
        converted = module_sources(mods, node=self._node)
        self._module_sources = [(m.name, src, esm) for m, (src, esm) in zip(mods, converted, strict=True)]
        self._functions: dict[str, Callable[..., Any]] = {}
        self._lock = threading.RLock()
        self._next_id = 0
        self._callback_error: Exception | None = None
        self._closed = False
        self._holder = _Holder()
        self._finalizer = weakref.finalize(self, self._holder.kill)
        if start:
            with self._lock:
                self._ensure_process()

    # ---- lifecycle ----------------------------------------------------------------------------------

    def __enter__(self) -> Runtime:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Kill the node process; later calls raise :class:`RuntimeClosedError`. Idempotent."""
        with self._lock:
            self._closed = True
            self._holder.kill()

    @property
    def closed(self) -> bool:
        """True after :meth:`close`."""
        return self._closed

    @property
    def pid(self) -> int | None:
        """Process id of the current node process, or ``None`` when none is running."""
        proc = self._holder.proc
        return proc.popen.pid if proc is not None else None

    def _argv(self) -> list[str]:
        flags = self.options.node_args(plain_entry=self._blob is None)
        if self._blob is not None:
            return [str(self._node), *flags, "--snapshot-blob", str(self._blob)]
        return [str(self._node), *flags, str(js_path("embed/server.js"))]

    def _env(self) -> dict[str, str]:
        env = dict(self.options.env or {})
        env["V8SNAP_EMBED_ALLOW_NET"] = "1" if self.options.allow_net else "0"
        return with_huge_pages(env) if self.options.huge_pages else env

    def _ensure_process(self) -> NodeProcess:
        if self._closed:
            raise RuntimeClosedError("this runtime is closed")
        proc = self._holder.proc
        if proc is not None:
            return proc
        cwd = os.fspath(self.options.cwd) if self.options.cwd is not None else None
        proc = NodeProcess.spawn(self._argv(), env=self._env(), cwd=cwd)
        deadline = time.monotonic() + self.options.start_timeout
        try:
            while True:
                msg = proc.read_frame(deadline)
                if msg.get("op") == "hello":
                    break
                self._event(proc, msg)
        except (ProcessGone, Deadline) as exc:
            if isinstance(exc, ProcessGone):
                proc.reap()
            failure = self._start_failure(proc, timed_out=isinstance(exc, Deadline))
            proc.kill()
            raise failure from None
        except BaseException:
            proc.kill()
            raise
        try:
            self._check_fingerprint(msg)
        except BaseException:
            proc.kill()
            raise
        self._holder.proc = proc
        self.modules = list(msg.get("modules") or [])
        # Declared together, then run in order (a module may import a later one; cycles work).
        for name, source, esm in self._module_sources:
            self._request(proc, {"op": "declare", "name": name, "source": source, "esm": esm})
        for name, _source, _esm in self._module_sources:
            self._request(proc, {"op": "load", "name": name, "declared": True})
            self.modules.append(name)
        return proc

    def _start_failure(self, proc: NodeProcess, *, timed_out: bool) -> EmbedError | SnapshotMismatchError:
        log = proc.log_tail()
        rc = proc.popen.returncode
        if self._blob is not None and (
            rc == _SNAPSHOT_FAILURE_EXIT or any(m in log for m in _MISMATCH_MARKERS)
        ):
            return SnapshotMismatchError(
                f"node refused the snapshot {self._blob}: "
                "snapshots must be used on the system that built them\n"
                f"{log.strip()[-1500:]}"
            )
        why = (
            f"did not report ready within {self.options.start_timeout:.0f} s"
            if timed_out
            else f"exited ({rc})"
        )
        return RuntimeCrashedError(
            f"the node runtime {why}:\n{log.strip()[-1500:]}", returncode=rc, stderr=log
        )

    def _check_fingerprint(self, hello: dict[str, Any]) -> None:
        baked_raw = hello.get("fingerprint")
        if self._blob is None or baked_raw is None:
            return
        baked = msgspec.convert(baked_raw, Fingerprint)
        live = msgspec.convert(hello["live"], Fingerprint)
        diff = [f for f in baked.differences(live) if f in _IDENTITY_FIELDS]
        if diff:
            raise SnapshotMismatchError(
                "snapshots must be used on the system that built them: the blob was built for "
                + ", ".join(f"{f}={getattr(baked, f)!r}" for f in diff)
                + " but this node is "
                + ", ".join(f"{f}={getattr(live, f)!r}" for f in diff)
                + f" (built: {baked_raw}; running: {hello['live']})",
                expected=baked,
                actual=live,
            )

    # ---- the call loop -------------------------------------------------------------------------------

    def _event(self, proc: NodeProcess, msg: dict[str, Any]) -> None:
        op = msg.get("op")
        if op == "console":
            item = ConsoleMessage(str(msg["level"]), str(msg["text"]))
            self.console_output.append(item)
            if self.options.on_console is not None:
                self.options.on_console(item.level, item.text)
        elif op == "callback":
            self._serve_callback(proc, str(msg["name"]), list(msg.get("args") or []))

    def _serve_callback(self, proc: NodeProcess, name: str, args: list[Any]) -> None:
        fn = self._functions.get(name)
        if fn is None:
            reply: dict[str, Any] = {
                "ok": False,
                "error": {"name": "ReferenceError", "message": f"no Python function registered as {name!r}"},
            }
        else:
            try:
                reply = {"ok": True, "value": to_wire(fn(*args))}
            except Exception as exc:  # the exception crosses to JS as an Error
                self._callback_error = exc
                reply = {
                    "ok": False,
                    "error": {"name": "PythonError", "message": f"{type(exc).__name__}: {exc}"},
                }
        proc.send_callback_reply(reply)

    def _request(self, proc: NodeProcess, message: dict[str, Any]) -> Any:
        self._next_id += 1
        rid = message["id"] = self._next_id
        self._callback_error = None
        timeout = self.options.timeout
        deadline = time.monotonic() + timeout if timeout is not None else None
        try:
            while (extra := proc.poll_frame()) is not None:  # console output since the last call
                self._event(proc, extra)
            proc.send(message)
            while True:
                msg = proc.read_frame(deadline)
                if msg.get("id") == rid:
                    break
                self._event(proc, msg)
        except Deadline:
            self._holder.kill()
            raise RuntimeTimeoutError(
                f"call took longer than {timeout} s; the runtime was killed and restarts on next use"
            ) from None
        except ProcessGone:
            raise self._died(proc) from None
        if msg.get("ok"):
            return msg.get("value")
        err = msg.get("error") or {}
        js = JsError(
            str(err.get("name")), str(err.get("message")), str(err.get("stack") or ""), err.get("code")
        )
        if self._callback_error is not None:
            raise js from self._callback_error
        raise js

    def _died(self, proc: NodeProcess) -> EmbedError:
        rc = proc.reap()
        log = proc.log_tail()
        self._holder.proc = None
        proc.kill()
        if any(m in log for m in _HEAP_MARKERS):
            limit = self.options.max_heap_size
            which = (
                f"max_heap_size={limit} bytes"
                if limit is not None
                else "node's own heap limit; no max_heap_size was set"
            )
            return HeapLimitError(f"JavaScript heap exhausted ({which}); the runtime restarts on next use")
        return RuntimeCrashedError(
            f"the node process died (exit status {rc}); the runtime restarts on next use\n"
            f"{log.strip()[-800:]}",
            returncode=rc,
            stderr=log,
        )

    def _call(self, message: dict[str, Any]) -> Any:
        with self._lock:
            proc = self._ensure_process()
            return self._request(proc, message)

    # ---- public API -----------------------------------------------------------------------------------

    def eval(self, code: str) -> Any:
        """Evaluate ``code`` in the global scope (indirect eval) and return its value.

        A returned promise is awaited. ``var``/function declarations become globals; ``let``/``const``
        stay local to this evaluation.

        Args:
            code: JavaScript expression or statements.

        Returns:
            The value converted to Python (see :mod:`v8snap.embed.codec`).

        Raises:
            JsError: the code threw (or the promise rejected).
            RuntimeTimeoutError: it ran past ``options.timeout`` (the process is killed).
            HeapLimitError: it exhausted ``options.max_heap_size``.
            RuntimeCrashedError: the process died (e.g. killed from outside).
            RuntimeClosedError: the runtime was closed.
        """
        return self._call({"op": "eval", "code": code})

    def call_function(self, module: str | None, name: str, *args: Any) -> Any:
        """Call ``name`` from module ``module``'s exports, or the global ``name`` when ``module`` is None.

        Args:
            module: module name as given to :class:`Module`, or ``None`` for a global function.
            name: the function's name.
            *args: arguments (converted with :func:`v8snap.embed.codec.to_wire`).

        Returns:
            The result, promises awaited.

        Raises:
            JsError: the function threw, does not exist or is not a function (``TypeError``), or the
                module does not exist (``ReferenceError``).
            TypeError: an argument cannot cross to JavaScript.
            RuntimeTimeoutError, HeapLimitError, RuntimeCrashedError, RuntimeClosedError: as for :meth:`eval`.
        """
        return self._call({"op": "call", "module": module, "name": name, "args": to_wire(list(args))})

    def call_entrypoint(self, *args: Any) -> Any:
        """Call the entrypoint: the function given to ``v8snap.registerEntrypoint(fn)``, else the first
        module's ``export default`` function.

        Raises:
            JsError: there is no entrypoint (``ReferenceError``) or it threw.
        """
        return self._call({"op": "entry", "args": to_wire(list(args))})

    def get_value(self, name: str, module: str | None = None) -> Any:
        """Read a global (``module=None``) or an export of ``module``.

        Returns:
            The value converted to Python (``None`` when absent); a promise is awaited.
        """
        return self._call({"op": "get", "module": module, "name": name})

    def load_module(self, module: Module) -> None:
        """Load one more module into the running process (not kept across a restart).

        Raises:
            JsError: the module threw.
        """
        [(source, _esm)] = module_sources([module], node=self._node)
        self._call({"op": "load", "name": module.name, "source": source})
        self.modules.append(module.name)

    def register_function(self, name: str, fn: Callable[..., Any]) -> None:
        """Make ``fn`` callable from JS as ``v8snap.functions[name](...args)``.

        The JS call blocks until ``fn`` returns and gets its value (JSON/bytes/int converted); an exception
        in ``fn`` is thrown in JS as an ``Error`` named ``PythonError`` and, if uncaught, surfaces here as
        :class:`JsError` whose ``__cause__`` is the original exception. Registrations survive restarts.
        """
        self._functions[name] = fn

    def drain_console(self) -> list[ConsoleMessage]:
        """Collect ``console.*`` output that arrived outside calls (e.g. from timers) and return all of it."""
        with self._lock:
            proc = self._holder.proc
            if proc is not None:
                try:
                    while (msg := proc.poll_frame()) is not None:
                        self._event(proc, msg)
                except ProcessGone:
                    pass
            return list(self.console_output)

    async def eval_async(self, code: str) -> Any:
        """Async twin of :meth:`eval` (runs in a worker thread; the loop stays free)."""
        return await _in_thread(self.eval, code)

    async def call_function_async(self, module: str | None, name: str, *args: Any) -> Any:
        """Async twin of :meth:`call_function`."""
        return await _in_thread(self.call_function, module, name, *args)

    async def call_entrypoint_async(self, *args: Any) -> Any:
        """Async twin of :meth:`call_entrypoint`."""
        return await _in_thread(self.call_entrypoint, *args)

    async def get_value_async(self, name: str, module: str | None = None) -> Any:
        """Async twin of :meth:`get_value`."""
        return await _in_thread(self.get_value, name, module)
