"""``RuntimePool``: N runtimes booted ahead of time from the same options, handed out in microseconds.

A background thread keeps ``size`` runtimes started. ``with pool.runtime() as rt`` takes a ready one
(or waits for one); on exit the runtime is closed and replaced (fresh state for every use) unless the pool
was made with ``reuse=True``, in which case a runtime that is still healthy goes back to the pool.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import weakref
from collections.abc import Iterable, Iterator

from v8snap.embed.errors import EmbedError, RuntimeClosedError
from v8snap.embed.module import Module
from v8snap.embed.options import RuntimeOptions
from v8snap.embed.runtime import Runtime


class RuntimePool:
    """Keep ``size`` warm :class:`Runtime` objects.

    Attributes:
        options: options of every runtime.
        size: runtimes kept ready.
        reuse: return healthy runtimes to the pool instead of replacing them.
    """

    def __init__(
        self,
        options: RuntimeOptions | None = None,
        size: int = 2,
        *,
        modules: Iterable[Module] = (),
        reuse: bool = False,
        wait_ready: bool = True,
    ) -> None:
        """Start the pool.

        Args:
            options: runtime options (usually with ``startup_snapshot``).
            size: number of runtimes kept ready (>= 1).
            modules: modules loaded into each runtime at start.
            reuse: give runtimes back to the pool after use (state persists between uses).
            wait_ready: block until the first runtime is ready (surfaces start errors at once).

        Raises:
            ValueError: ``size`` < 1.
            SnapshotMismatchError, RuntimeCrashedError: the first runtime did not start (``wait_ready``).
        """
        if size < 1:
            raise ValueError("size must be >= 1")
        self.options = options or RuntimeOptions()
        self.size = size
        self.reuse = reuse
        self._modules = list(modules)
        self._ready: queue.Queue[Runtime] = queue.Queue()
        self._wanted = threading.Semaphore(0)
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._all: weakref.WeakSet[Runtime] = weakref.WeakSet()
        self._lock = threading.Lock()
        if wait_ready:
            self._ready.put(self._new())
            for _ in range(size - 1):
                self._wanted.release()
        else:
            for _ in range(size):
                self._wanted.release()
        self._thread = threading.Thread(target=self._fill, name="v8snap-runtime-pool", daemon=True)
        self._thread.start()

    def _new(self) -> Runtime:
        rt = Runtime(self.options, self._modules)
        with self._lock:
            self._all.add(rt)
        return rt

    def _fill(self) -> None:
        while True:
            self._wanted.acquire()
            if self._stop.is_set():
                return
            try:
                rt = self._new()
            except BaseException as exc:  # surfaced by the next runtime() call
                self._error = exc
                self._ready.put_nowait(None)  # type: ignore[arg-type]  # wakes a waiting taker
                continue
            if self._stop.is_set():
                rt.close()
                return
            self._ready.put(rt)

    @contextlib.contextmanager
    def runtime(self, timeout: float | None = 60.0) -> Iterator[Runtime]:
        """Hand out a ready runtime for the ``with`` block.

        Args:
            timeout: seconds to wait when none is ready.

        Yields:
            A started runtime.

        Raises:
            RuntimeClosedError: the pool is closed.
            EmbedError: no runtime became ready in time, or starting one failed (the cause is chained).
        """
        if self._stop.is_set():
            raise RuntimeClosedError("this pool is closed")
        try:
            rt = self._ready.get(timeout=timeout)
        except queue.Empty:
            raise EmbedError(f"no runtime became ready within {timeout} s") from self._error
        if rt is None:
            self._wanted.release()
            raise EmbedError("starting a pooled runtime failed") from self._error
        try:
            yield rt
        finally:
            if self.reuse and not rt.closed and not self._stop.is_set():
                self._ready.put(rt)
            else:
                rt.close()
                self._wanted.release()

    def close(self) -> None:
        """Stop replenishing and close every runtime of the pool (also those handed out). Idempotent."""
        self._stop.set()
        self._wanted.release()
        while True:
            try:
                rt = self._ready.get_nowait()
            except queue.Empty:
                break
            if rt is not None:
                rt.close()
        with self._lock:
            for rt in list(self._all):
                rt.close()
        self._thread.join(timeout=30)

    def __enter__(self) -> RuntimePool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
