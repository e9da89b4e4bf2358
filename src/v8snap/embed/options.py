"""Options of the embedding API: ``RuntimeOptions`` (a runtime) and ``BuilderOptions`` (a snapshot build)."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from v8snap.node.helpers import js_path

#: The ES module registry files js/embed/server.js joins before the embed runtime (``prelude/esm-*.js``).
ESM_PARTS = ("registry", "origins", "interop", "builtins")

ConsoleCallback = Callable[[str, str], None]
"""Called as ``callback(level, text)`` for every ``console.*`` call in the runtime."""


@dataclass(frozen=True)
class RuntimeOptions:
    """How to start a :class:`v8snap.embed.Runtime`.

    Attributes:
        startup_snapshot: blob bytes from :meth:`SnapshotBuilder.finish`, a path to a saved blob, or
            ``None`` (plain node; modules passed to ``Runtime(modules=...)`` are loaded at start).
        timeout: seconds one call may take before the process is killed (``RuntimeTimeoutError``);
            ``None`` for no limit.
        max_heap_size: V8 old-space limit in bytes (``--max-old-space-size``, rounded up to MiB);
            exceeding it raises ``HeapLimitError``. ``None``: node's default.
        allow_fs: paths the runtime may read and write (Node's ``--allow-fs-read``/``--allow-fs-write``);
            by default nothing on disk is readable or writable.
        allow_fs_read: paths the runtime may only read.
        allow_child_process: allow ``child_process`` (``--allow-child-process``) and signals to other
            processes (``process.kill(pid)``; without it only the runtime's own pid).
        allow_worker: allow ``worker_threads`` (``--allow-worker``).
        allow_addons: allow native addons (``--allow-addons``).
        allow_net: expose network built-ins (``net``, ``http``, ``fetch``, ...) to evaluated code; without it
            every path to them is closed (``docs/security.md``).
        env: environment of the node process (``process.env``); default: empty except ``PATH``-free basics.
        cwd: working directory of the node process; default: the caller's.
        node: node binary; default :func:`v8snap.node.find_node`.
        start_timeout: seconds to wait for a new process to report ready.
        on_console: ``callback(level, text)`` for each ``console.*`` call (also kept in
            ``Runtime.console_output``).
        node_flags: extra node flags (appended after the sandbox flags).
        huge_pages: start node with ``glibc.malloc.hugetlb=1`` appended to ``GLIBC_TUNABLES`` so malloc backs
            node's two copies of the blob with transparent huge pages (:mod:`v8snap.node.hugepages`); user
            code sees the ``env`` given here. TypeScript runtime, 60 alternating pairs: 103.9 vs 108.3 ms
            median, faster in 43 (``benchmarks/embed_startup.py`` reports both).
    """

    startup_snapshot: bytes | str | os.PathLike[str] | None = None
    timeout: float | None = None
    max_heap_size: int | None = None
    allow_fs: tuple[str | os.PathLike[str], ...] | list[str | os.PathLike[str]] = ()
    allow_fs_read: tuple[str | os.PathLike[str], ...] | list[str | os.PathLike[str]] = ()
    allow_child_process: bool = False
    allow_worker: bool = False
    allow_addons: bool = False
    allow_net: bool = False
    env: Mapping[str, str] | None = None
    cwd: str | os.PathLike[str] | None = None
    node: str | os.PathLike[str] | None = None
    start_timeout: float = 30.0
    on_console: ConsoleCallback | None = field(default=None, compare=False)
    node_flags: tuple[str, ...] = ()
    huge_pages: bool = True

    def node_args(self, *, plain_entry: bool) -> list[str]:
        """Node flags for the sandbox and heap limit (no binary, no blob).

        Args:
            plain_entry: the process starts from ``server.js`` (no snapshot), whose directory must then be
                readable.

        Returns:
            Flags such as ``["--permission", "--allow-fs-read=/data", "--max-old-space-size=64"]``.
        """
        args = ["--permission"]
        reads = [os.fspath(p) for p in (*self.allow_fs, *self.allow_fs_read)]
        if plain_entry:  # server.js, the embed runtime and the ES module registry it joins
            reads += [str(js_path("embed")), *(str(js_path(f"prelude/esm-{p}.js")) for p in ESM_PARTS)]
        args += [f"--allow-fs-read={os.path.abspath(p)}" for p in reads]
        args += [f"--allow-fs-write={os.path.abspath(os.fspath(p))}" for p in self.allow_fs]
        if self.allow_child_process:
            args.append("--allow-child-process")
        if self.allow_worker:
            args.append("--allow-worker")
        if self.allow_addons:
            args.append("--allow-addons")
        if self.max_heap_size is not None:
            mib = max(1, math.ceil(self.max_heap_size / (1 << 20)))
            args.append(f"--max-old-space-size={mib}")
        return [*args, *self.node_flags]


@dataclass(frozen=True)
class BuilderOptions:
    """How :class:`v8snap.embed.SnapshotBuilder` builds.

    Attributes:
        node: node binary that builds (and must later run) the blob; default :func:`v8snap.node.find_node`.
        node_modules_root: directory whose ``node_modules`` serves ``with_npm_package`` (an app root).
        timeout: seconds before the builder is killed.
        flags: extra flags for ``node --build-snapshot`` (part of the fingerprint).
    """

    node: str | os.PathLike[str] | None = None
    node_modules_root: str | os.PathLike[str] | None = None
    timeout: float = 300.0
    flags: tuple[str, ...] = ()

    def root(self) -> Path | None:
        """``node_modules_root`` as an absolute path, or ``None``."""
        return Path(self.node_modules_root).resolve() if self.node_modules_root is not None else None
