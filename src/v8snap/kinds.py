"""The closed vocabularies of the pipeline, as string enums (docs/architecture.md, "Data records").

Each member *is* its string (:class:`enum.StrEnum`): the values are what snapshot-meta.json, the caches,
``doctor --json`` and the JS side read and write, so they never change. Violation codes live with their
consequences in :data:`v8snap.doctor.violations.CODES`.
"""

from __future__ import annotations

from enum import StrEnum


class Verdict(StrEnum):
    """What the doctor decided for a module (docs/architecture.md, "Invariants")."""

    HEALTHY = "healthy"
    """Initialized in the snapshot blob."""
    DEFERRED = "deferred"
    """Its source is in the blob; it runs at run time, as in a plain run."""
    NOREWRITE = "norewrite"
    """Like deferred, and the snapshot printer leaves its text alone."""


class BuiltinVerdict(StrEnum):
    """What node's snapshot builder does with a built-in module (:mod:`v8snap.doctor.builtins`)."""

    OK = "ok"
    WARNS = "warns"
    """Builds, with node's "not yet fully verified" warning."""
    CRASHES = "crashes"
    ELECTRON = "electron"
    """Every built-in under the ``electron`` profile (mksnapshot has none)."""


class Strategy(StrEnum):
    """How the launcher starts the app (:mod:`v8snap.bake.strategy`)."""

    AUTO = "auto"
    """Build time measures the three below and picks the fastest (configuration only)."""
    SNAPSHOT = "snapshot"
    COMPILE_CACHE = "compile-cache"
    PLAIN = "plain"


class Profile(StrEnum):
    """Which builder's rules the verifiers enforce."""

    NODE = "node"
    ELECTRON = "electron"


class Mode(StrEnum):
    """Which modules go into the snapshot blob."""

    PRODUCTION = "production"
    """App modules and node_modules."""
    DEV = "dev"
    """node_modules only (app code loads from disk and can change freely)."""


class Code(StrEnum):
    """A violation code: why a module is not healthy. The JS verifiers emit the same strings; the consequence
    of each is in :data:`v8snap.doctor.violations.CODES`."""

    BUILTIN_UNSUPPORTED = "BUILTIN_UNSUPPORTED"
    BUILTIN_CRASHES = "BUILTIN_CRASHES"
    GLOBAL_MISSING = "GLOBAL_MISSING"
    NATIVE_ADDON = "NATIVE_ADDON"
    TIMER_AT_INIT = "TIMER_AT_INIT"
    ENV_READ = "ENV_READ"
    ARGV_READ = "ARGV_READ"
    CWD_READ = "CWD_READ"
    TIME_READ = "TIME_READ"
    RANDOM_READ = "RANDOM_READ"
    FS_OUTSIDE_APP = "FS_OUTSIDE_APP"
    STDIO_WRITE = "STDIO_WRITE"
    TTY_READ = "TTY_READ"
    NOT_IN_SNAPSHOT = "NOT_IN_SNAPSHOT"
    REWRITE_INVALID = "REWRITE_INVALID"
    DEPENDS_ON_DEFERRED = "DEPENDS_ON_DEFERRED"
    TIMEOUT = "TIMEOUT"
    EXIT_CALLED = "EXIT_CALLED"
    UNKNOWN_ERROR = "UNKNOWN_ERROR"
    GLOBAL_UNSAFE = "GLOBAL_UNSAFE"
    OUTPUT_MISMATCH = "OUTPUT_MISMATCH"
    EXPLICIT_DEFER = "EXPLICIT_DEFER"
    MAIN_MODULE = "MAIN_MODULE"
    DYNAMIC_IMPORT = "DYNAMIC_IMPORT"
    BUILDER_ERROR = "BUILDER_ERROR"
    NODE_LIMIT = "NODE_LIMIT"
    # ES modules that stay on disk (v8snap.esm.convert; docs/limits.md, "ES modules")
    TOP_LEVEL_AWAIT = "TOP_LEVEL_AWAIT"
    ESM_UNCONVERTIBLE = "ESM_UNCONVERTIBLE"
    ESM_UNRESOLVED = "ESM_UNRESOLVED"
    ESM_CJS_CYCLE = "ESM_CJS_CYCLE"
    LIVE_BINDING = "LIVE_BINDING"
