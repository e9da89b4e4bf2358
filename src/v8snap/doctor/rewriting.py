"""Wiring of the snapshot printer (``v8snap.rewrite.rewrite_module``) into the doctor, behind a flag.

With rewriting on, a module's requires of non-healthy modules become lazy getters, so a parent that does
not *use* a deferred import while loading stays healthy (the optimizer's push-down). The transform
depends on the set of non-healthy modules, so the doctor re-creates it when that set changes.
"""

from __future__ import annotations

from collections.abc import Callable

from v8snap.blueprint.assemble import NorewriteSignal, SourceTransform
from v8snap.blueprint.printer import Printer
from v8snap.graph.model import ModuleGraph


def rewriter_available() -> bool:
    """True when :mod:`v8snap.rewrite` exposes ``rewrite_module``."""
    try:
        from v8snap import rewrite
    except ImportError:
        return False
    return callable(getattr(rewrite, "rewrite_module", None))


def rewrite_transform(
    graph: ModuleGraph,
    profile: str = "node",
    builtin_verdicts: dict[str, str] | None = None,
    printer: Printer | None = None,
) -> Callable[[frozenset[str]], SourceTransform]:
    """``non_healthy -> transform`` for :class:`~v8snap.blueprint.Blueprint` and the verifier bundle.

    The transform is :class:`v8snap.blueprint.printer.Printer` (lazy requires of non-healthy modules and
    of built-ins the builder does not support, lazy run-time globals, no comments, one-byte text), shared
    across calls so unchanged modules are not re-printed.

    Args:
        graph: the module graph (specifiers are resolved with each module's ``resolved`` map).
        profile: ``node`` or ``electron``.
        builtin_verdicts: probed built-in verdicts (``ok`` ones may stay eager).
        printer: the printer to use (the caller keeps it to read its licences); default: a new one.

    Returns:
        A factory of source transforms; a transform raises :class:`NorewriteSignal` for norewrite.
    """
    printer = printer or Printer(graph, builtin_verdicts or {}, profile)

    def factory(non_healthy: frozenset[str]) -> SourceTransform:
        def transform(key: str, source: str) -> str:
            text = printer.print(key, source, non_healthy)
            why = printer.results[key].norewrite
            if why:
                raise NorewriteSignal(why)
            return text

        return transform

    return factory
