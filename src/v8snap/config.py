"""SnapshotConfig: what to snapshot and how."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from v8snap.kinds import Mode, Profile, Strategy

LOCKFILES = ("package-lock.json", "yarn.lock", "pnpm-lock.yaml", "npm-shrinkwrap.json")

#: Hazards vetted as harmless in specific packages (``CODE:detail@path part``), accepted by default.
#: Each entry needs a reason that a stale value cannot change behaviour:
#: - lodash's ``shortOut`` stamps ``lastCalled = Date.now()`` when ``baseRest``-made functions are created
#:   at load; an old stamp only makes the first run-time call see an expired "hot span" (count resets).
#: - typescript's load-time ``timeorigin = performance.now()`` is dead: ``measure()`` is a no-op until
#:   ``enable()``, which overwrites ``timeorigin`` with ``performance.timeOrigin`` (typescript 5.x
#:   ``lib/typescript.js``); its load-time read of ``performance.timeOrigin`` is a feature check
#:   (``typeof ... === "number"``). (Its ``perf_hooks`` references need no entry: that built-in is served
#:   with guards, js/prelude/guard-served.js.)
KNOWN_BENIGN_HAZARDS: tuple[str, ...] = (
    "TIME_READ:Date.now()@/node_modules/lodash/",
    "TIME_READ:performance.now()@/node_modules/typescript/lib/typescript.js",
    "TIME_READ:performance.timeOrigin@/node_modules/typescript/lib/typescript.js",
)


def _env_flag(*names: str) -> bool:
    """Any of the environment variables ``names`` is set and not empty."""
    return any(os.environ.get(n) for n in names)


def _env_strategy() -> Strategy:
    v = os.environ.get("V8SNAP_STRATEGY", "auto")
    return Strategy(v) if v in Strategy._value2member_map_ else Strategy.AUTO


@dataclass(frozen=True)
class SnapshotConfig:
    """Inputs of ``v8snap build``.

    Attributes:
        app_root: absolute app directory (holds package.json).
        entry: entry file relative to app_root, or None for package.json ``main``/``bin``.
        node: node binary chosen by the user (``--node``), or None for the default.
        trace_args: argument lists for trace runs (each run records the modules loaded at startup).
        include: extra globs (relative to app_root) of modules to include.
        mode: ``production`` (app modules + node_modules) or ``dev`` (node_modules only; app code loads
            from disk and can change freely).
        profile: ``node`` (default) or ``electron``.
        allow: hazards accepted knowingly (``ENV_READ:NODE_ENV``, ``CODE:detail@path part``); defaults to
            :data:`KNOWN_BENIGN_HAZARDS`.
        timeout: seconds per verification round / trace run.
        rewrite: apply the snapshot printer (lazy requires and run-time globals, one-byte, no comments).
        assume: a module reading env vars / argv / cwd at load is healthy under the values seen at build
            time, checked at startup (mismatch: it and its load-time dependents re-run); False: deferred.
        warmup: JS snippets run at build time after the healthy modules, under the hazard guards, so the
            code paths they exercise are compiled and warmed in the blob (``require`` from the app root).
        huge_pages: the launcher gives node's malloc transparent huge pages (:mod:`v8snap.node.hugepages`);
            the app sees its own environment. 1-11% faster starts here (``benchmarks/startup.py``).
        from_scratch: ignore a previous snapshot-meta.json (``V8_SNAPSHOT_FROM_SCRATCH=1``).
        keep_config: keep generated scripts in ``.v8snap/work`` (``V8SNAP_KEEP_CONFIG=1``; the older
            ``SNAPSHOT_KEEP_CONFIG=1`` works too).
        strategy: how the launcher starts the app (:mod:`v8snap.bake.strategy`): ``auto`` (default; the
            build times snapshot, compile cache and plain on the trace commands and picks the fastest),
            ``snapshot``, ``compile-cache`` or ``plain`` (forced). ``V8SNAP_STRATEGY`` sets the default.
        measure: with ``auto``, time the strategies (False: ``--no-measure``, the snapshot is used).
        trace_until: when a trace run stops (:func:`v8snap.graph.trace.until_env`): ``exit`` (default),
            ``listen`` (a server's first listen) or a module file relative to app_root.
        trace_limit: seconds a trace run may last; what was loaded by then is its trace.
        bin: build one named bin of an installed package (``v8snap install --bin``,
            :mod:`v8snap.launch.bins`): ``entry`` is that bin's script, the output goes to
            ``APP/.v8snap/bins/<bin>``, the launcher is named after the bin and gives the app the path it was
            called by as ``process.argv[1]`` (as node does for ``node_modules/.bin/<bin>``), and the
            project's own ``"v8snap"`` package options do not apply.
    """

    app_root: Path
    entry: str | None = None
    node: Path | None = None
    trace_args: tuple[tuple[str, ...], ...] = ((),)
    include: tuple[str, ...] = ()
    mode: Mode = Mode.PRODUCTION
    profile: Profile = Profile.NODE
    allow: tuple[str, ...] = KNOWN_BENIGN_HAZARDS
    timeout: float = 60.0
    rewrite: bool = True
    assume: bool = True
    warmup: tuple[str, ...] = ()
    huge_pages: bool = True
    from_scratch: bool = field(default_factory=lambda: os.environ.get("V8_SNAPSHOT_FROM_SCRATCH") == "1")
    keep_config: bool = field(default_factory=lambda: _env_flag("V8SNAP_KEEP_CONFIG", "SNAPSHOT_KEEP_CONFIG"))
    strategy: Strategy = field(default_factory=lambda: _env_strategy())
    measure: bool = True
    trace_until: str = "exit"
    trace_limit: float = 10.0
    bin: str | None = None

    def __post_init__(self) -> None:
        # The CLI and callers may pass the plain strings; the fields hold the enums (same values).
        for name, kind in (("mode", Mode), ("profile", Profile), ("strategy", Strategy)):
            value = getattr(self, name)
            if not isinstance(value, kind):
                if value not in kind._value2member_map_:
                    from v8snap.errors import AppError

                    raise AppError(
                        f"{name} {value!r} is not one of {', '.join(k.value for k in kind)}",
                        hint=f"pass --{name} with one of those values",
                    )
                object.__setattr__(self, name, kind(value))

    @property
    def out_dir(self) -> Path:
        """``APP/.v8snap``: blob, meta, deps, launcher (``APP/.v8snap/bins/<bin>`` for a bin build)."""
        base = self.app_root / ".v8snap"
        return base / "bins" / self.bin if self.bin else base

    @property
    def blob_path(self) -> Path:
        return self.out_dir / "snapshot.blob"

    @property
    def meta_path(self) -> Path:
        return self.out_dir / "snapshot-meta.json"

    def ensure_out_dir(self) -> Path:
        """Create ``APP/.v8snap`` if needed and check that a file can be created in it.

        Returns:
            :attr:`out_dir`.

        Raises:
            NotWritableError: the directory (or the app directory, to create it) is read-only or not
                permitted.
            NoSpaceError: the file system is full.
        """
        import errno
        import tempfile

        from v8snap.errors import FileSystemError, NotWritableError

        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            fd, probe = tempfile.mkstemp(prefix=".tmp-write-check-", dir=self.out_dir)
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
                raise NotWritableError(
                    f"cannot write the build directory {self.out_dir}: {exc.strerror}",
                    path=self.out_dir,
                    errno=exc.errno,
                ) from exc
            known = FileSystemError.from_os_error(exc, "creating the build directory")
            if known is None:
                raise
            raise known from exc
        return self.out_dir

    def with_package_options(self) -> SnapshotConfig:
        """This config plus the app's own build options: the ``"v8snap"`` field of its package.json.

        Recognised keys (lists of strings): ``warmup``, ``include``, ``allow``, ``traceArgs`` (each an
        argument list). They add to what the command line gave; unknown keys raise.

        Raises:
            AppError: the field is malformed.
        """
        import json

        from v8snap.errors import AppError

        if self.bin:  # a bin of a dependency: the project's options are about the project's own app
            return self
        try:
            opts = json.loads((self.app_root / "package.json").read_text()).get("v8snap") or {}
        except (OSError, ValueError):
            return self
        known = {"warmup", "include", "allow", "traceArgs"}
        if (
            not isinstance(opts, dict)
            or set(opts) - known
            or not all(isinstance(v, list) for v in opts.values())
        ):
            raise AppError(
                f'{self.app_root / "package.json"}: "v8snap" must be an object with list values among '
                f"{', '.join(sorted(known))}"
            )
        extra_traces = tuple(tuple(str(a) for a in t) for t in opts.get("traceArgs", []))
        return replace(
            self,
            warmup=self.warmup + tuple(str(w) for w in opts.get("warmup", [])),
            include=self.include + tuple(str(i) for i in opts.get("include", [])),
            allow=self.allow + tuple(str(a) for a in opts.get("allow", [])),
            trace_args=self.trace_args + tuple(t for t in extra_traces if t not in self.trace_args),
        )

    def lockfile(self) -> Path | None:
        """The lockfile of the manager that installed ``node_modules`` (npm, pnpm or yarn: its marker in
        ``node_modules``, :mod:`v8snap.graph.layout`), else the first found in the order of
        :data:`LOCKFILES`."""
        from v8snap.graph.layout import lockfile_of

        return lockfile_of(self.app_root, LOCKFILES)
