"""Apply the snapshot printer (``v8snap.rewrite``) to module sources for one heal state.

For a healthy candidate, every require whose target cannot be served at build time (a deferred module, a
built-in the builder does not support, anything outside the snapshot) becomes a lazy getter, and top-level
declarations that read run-time-only globals become getters too (DESIGN §6). Every module, healthy or not,
then loses its comments and is made one-byte (V8 stores a source string two bytes per character if any
character is above U+00FF: measured, webpack's 305 em-dashes in comments doubled its blob).

Results are cached per (module key, set of lazy specifiers), so re-assembling the script for the next
doctor round only re-prints modules whose lazy set changed.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from v8snap.graph.model import ModuleGraph
from v8snap.rewrite import (
    DEFAULT_RUNTIME_GLOBALS,
    ELECTRON_RUNTIME_GLOBALS,
    RewriteResult,
    rewrite_module,
    strip_comments,
    to_one_byte,
)


@dataclass
class Printer:
    """Rewrites module sources; one instance per build (it caches across doctor rounds).

    Attributes:
        graph: the module graph (specifier -> target resolution per module).
        builtin_verdicts: built-in name -> ``ok`` | ``warns`` | ``crashes``.
        profile: ``node`` or ``electron`` (``console`` is run-time-only there).
        rewrite: False keeps sources as they are (only comments/one-byte), for before/after figures.
        licences: module key -> licence comments dropped from it (for a side file).
        results: module key -> the last rewrite result used (for ``doctor --explain``).
    """

    graph: ModuleGraph
    builtin_verdicts: dict[str, str]
    profile: str = "node"
    rewrite: bool = True
    licences: dict[str, list[str]] = field(default_factory=dict)
    results: dict[str, RewriteResult] = field(default_factory=dict)
    _printed: dict[tuple[str, frozenset[str] | None], str] = field(default_factory=dict, repr=False)

    def lazy_specifiers(self, key: str, healthy: Collection[str]) -> frozenset[str]:
        """Specifiers of ``key`` that cannot be required at build time under ``healthy``."""
        info = self.graph.modules[key]
        lazy: set[str] = set()
        for spec in info.imports:
            target = info.resolved.get(spec, "")
            if target.startswith("node:"):
                if self.builtin_verdicts.get(target[5:], self.builtin_verdicts.get(target)) != "ok":
                    lazy.add(spec)
            elif target not in healthy:
                lazy.add(spec)
        return frozenset(lazy)

    def print(self, key: str, source: str, healthy: Collection[str]) -> str:
        """The text that goes into the module's definition under the heal state ``healthy``."""
        lazy = self.lazy_specifiers(key, healthy) if (self.rewrite and key in healthy) else None
        cached = self._printed.get((key, lazy))
        if cached is not None:
            return cached
        code = source
        if lazy is not None:
            res = rewrite_module(
                source,
                is_lazy=lazy.__contains__,
                profile=self.profile,
                lazy_globals=ELECTRON_RUNTIME_GLOBALS if self.profile == "electron" else DEFAULT_RUNTIME_GLOBALS,
            )
            self.results[key] = res
            code = res.code
        code, licences = strip_comments(code)
        if licences:
            self.licences[key] = licences
        printed = to_one_byte(code)
        self._printed[(key, lazy)] = printed
        return printed

    def norewrite(self) -> dict[str, str]:
        """Module key -> reason, for modules whose last rewrite was rejected (kept verbatim)."""
        return {k: r.norewrite for k, r in self.results.items() if r.norewrite}
