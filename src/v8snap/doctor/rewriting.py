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


def rewrite_transform(
    graph: ModuleGraph,
    profile: str = "node",
    builtin_verdicts: dict[str, str] | None = None,
    printer: Printer | None = None,
) -> Callable[[frozenset[str], bool], SourceTransform]:
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
        A factory ``(non_healthy, final=True) -> transform``; a transform raises :class:`NorewriteSignal`
        for norewrite. ``final`` (the build's script and the doctor's final check) prints the modules in
        ``non_healthy`` without rewrites; ``final=False`` (classification) rewrites every module.
    """
    printer = printer or Printer(graph, builtin_verdicts or {}, profile)

    def factory(non_healthy: frozenset[str], final: bool = True) -> SourceTransform:
        def transform(key: str, source: str) -> str:
            # In the blob (final), a module that is not healthy runs at run time, exactly as in a plain
            # run: no lazy requires or getters there (they would move its requires' side effects and its
            # initializers' reads of the clock or process state to first use); comments and one-byte only.
            # While classifying, every module is printed as it would be if it were healthy.
            rewrite = not (final and key in non_healthy)
            text = printer.print(key, source, non_healthy, rewrite=rewrite)
            why = printer.results[key].norewrite
            if why:
                raise NorewriteSignal(why)
            return text

        return transform

    return factory
