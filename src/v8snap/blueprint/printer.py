"""Apply the snapshot printer (``v8snap.rewrite``) to module sources for one heal state.

Every require whose target cannot be served at build time (a deferred module, a built-in the builder does not
support, anything outside the snapshot) becomes a lazy getter, and top-level declarations that read
run-time-only globals become getters too (docs/architecture.md, "The snapshot printer"). Every module, healthy
or not, then loses its comments and is made one-byte (V8 stores a source string two bytes per character if any
character is above U+00FF: measured, webpack's 305 em-dashes in comments doubled its blob).

Results are cached per (module key, set of lazy specifiers), so re-assembling the script for the next
doctor round only re-prints modules whose lazy set changed.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from v8snap.graph.model import ModuleGraph
from v8snap.kinds import BuiltinVerdict, Verdict
from v8snap.rewrite import (
    DEFAULT_RUNTIME_GLOBALS,
    ELECTRON_RUNTIME_GLOBALS,
    RewriteResult,
    rewrite_module,
    strip_comments,
    to_one_byte,
)
from v8snap.rewrite.dynamic_import import rewrite_dynamic_imports
from v8snap.util import read_source


@dataclass
class Printer:
    """Rewrites module sources; one instance per build (it caches across doctor rounds).

    Attributes:
        graph: the module graph (specifier -> target resolution per module).
        builtin_verdicts: built-in name -> ``ok`` | ``warns`` | ``crashes``.
        profile: ``node`` or ``electron`` (``console`` is run-time-only there).
        rewrite: False keeps sources as they are (only comments/one-byte), for before/after figures.
        licences: module key -> licence comments dropped from it (:meth:`licence_text` for a side file).
        results: module key -> the last rewrite result used (for ``doctor --explain``).
        lazy_globals: more run-time-only globals for the printer: those the builder lacks
            (:func:`v8snap.doctor.globals.builder_missing_globals`).
    """

    graph: ModuleGraph
    builtin_verdicts: dict[str, str]
    profile: str = "node"
    rewrite: bool = True
    lazy_globals: frozenset[str] = frozenset()
    licences: dict[str, list[str]] = field(default_factory=dict)
    results: dict[str, RewriteResult] = field(default_factory=dict)
    _printed: dict[tuple[str, frozenset[str] | None], tuple[str, RewriteResult]] = field(
        default_factory=dict, repr=False
    )

    def lazy_specifiers(self, key: str, non_healthy: Collection[str]) -> frozenset[str]:
        """Specifiers of ``key`` that cannot be required at build time: a target in ``non_healthy``, a
        built-in the builder does not support, or a target outside the snapshot (native addon, unresolved,
        not loaded at startup)."""
        info = self.graph.modules[key]
        lazy: set[str] = set()
        for spec in info.imports:
            target = info.resolved.get(spec, "")
            if target.startswith("node:"):
                verdict = self.builtin_verdicts.get(target[5:], self.builtin_verdicts.get(target))
                if verdict != BuiltinVerdict.OK:
                    lazy.add(spec)
            elif (
                target in non_healthy
                or target not in self.graph.modules
                or self.graph.modules[target].kind not in ("cjs", "json")
            ):
                lazy.add(spec)
        return frozenset(lazy)

    def print(self, key: str, source: str, non_healthy: Collection[str], *, rewrite: bool = True) -> str:
        """The text of ``key``'s definition when the modules in ``non_healthy`` are not initialized.

        ``rewrite=False`` (a module that runs at run time) only drops comments and makes the text one-byte.
        After the call, ``results[key]`` holds the rewrite result (``norewrite`` set when the rewrite was
        rejected; the text is then the verbatim source, still comment-free and one-byte).
        """
        lazy = self.lazy_specifiers(key, non_healthy) if self.rewrite and rewrite else None
        cached = self._printed.get((key, lazy))
        if cached is None:
            code = source
            result = RewriteResult(source)
            if lazy is not None:
                result = rewrite_module(
                    source,
                    is_lazy=lazy.__contains__,
                    profile=self.profile,
                    lazy_globals=(
                        ELECTRON_RUNTIME_GLOBALS if self.profile == "electron" else DEFAULT_RUNTIME_GLOBALS
                    )
                    | self.lazy_globals,
                )
                code = result.code
            code, licences = strip_comments(code)
            if licences:
                self.licences[key] = licences
            cached = (to_one_byte(code), result)
            self._printed[(key, lazy)] = cached
        self.results[key] = cached[1]
        return cached[0]


def licence_text(licences: dict[str, list[str]]) -> str:
    """The licence comments the printer dropped, per module, for ``APP/.v8snap/licenses.txt``."""
    return "".join(f"== {key}\n" + "\n".join(licences[key]) + "\n\n" for key in sorted(licences))


@dataclass(frozen=True)
class Explanation:
    """What the snapshot printer does to one module under the last build's verdicts.

    Attributes:
        key: module key.
        verdict: healthy / deferred / norewrite in the last build.
        lazy: specifiers made lazy (their targets cannot be served at build time).
        result: the rewrite (its ``rewrites`` carry line, kind, binding and reason; ``norewrite`` the reason
            the module is kept verbatim).
        printed: the text that goes into the snapshot script (rewritten, comment-free, one-byte).
    """

    key: str
    verdict: str
    lazy: frozenset[str]
    result: RewriteResult
    printed: str


def explain(
    graph: ModuleGraph,
    key: str,
    *,
    healthy: Collection[str],
    builtin_verdicts: dict[str, str],
    profile: str = "node",
    lazy_globals: frozenset[str] = frozenset(),
) -> Explanation:
    """Re-print ``key`` as the last build did (``v8snap doctor --explain``).

    Raises:
        KeyError: ``key`` is not a module of the graph.
    """
    info = graph.modules[key]
    source = read_source(info.path)
    non_healthy = frozenset(k for k in graph.modules if k not in healthy)
    printer = Printer(graph, builtin_verdicts, profile, lazy_globals=lazy_globals)
    # As in the build's final script: only healthy modules are rewritten; every module's import() calls
    # are routed to the run-time import.
    printed = printer.print(key, source, non_healthy, rewrite=key in healthy)
    if info.kind == "cjs":
        printed = rewrite_dynamic_imports(key, printed) or printed
    verdict = Verdict.HEALTHY if key in healthy else Verdict.DEFERRED
    lazy = printer.lazy_specifiers(key, non_healthy) if key in healthy else frozenset()
    return Explanation(key, verdict, lazy, printer.results[key], printed)
