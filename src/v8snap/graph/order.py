"""Orders over the module graph: the doctor's components and the snapshot's initialization order.

Both walk the import edges of :meth:`v8snap.graph.model.ModuleGraph.deps_of` (docs/architecture.md,
"Stages"); they live here so the doctor, the blueprint and acceptance share one definition.
"""

from __future__ import annotations

from collections.abc import Iterable

from v8snap.graph.model import ModuleGraph


def components(keys: list[str], deps: dict[str, list[str]]) -> list[list[str]]:
    """Strongly connected components of the import graph, dependencies before dependents (Tarjan).

    Args:
        keys: module keys, in the order roots are tried.
        deps: key -> keys it imports (every key in ``keys`` must be present).

    Returns:
        The components (each a list of keys), a component after every component it imports.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in keys:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            v, i = work[-1]
            if i == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on.add(v)
            ds = deps[v]
            if i < len(ds):
                work[-1] = (v, i + 1)
                w = ds[i]
                if w not in index:
                    work.append((w, 0))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                u = work[-1][0]
                low[u] = min(low[u], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                out.append(comp)
    return out


def init_order(graph: ModuleGraph, keys: Iterable[str]) -> list[str]:
    """``keys`` in dependency order (a module after the modules it imports; cycles broken by load order).

    Every prefix of the result is closed under dependencies among ``keys``, which is what the builder
    bisection relies on.
    """
    wanted = set(keys)
    out: list[str] = []
    seen: set[str] = set()
    for start in graph.modules:
        if start not in wanted or start in seen:
            continue
        seen.add(start)
        stack: list[tuple[str, list[str]]] = [(start, [d for d in graph.deps_of(start) if d in wanted])]
        while stack:
            node, pending = stack[-1]
            if pending:
                nxt = pending.pop(0)
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [d for d in graph.deps_of(nxt) if d in wanted]))
            else:
                stack.pop()
                out.append(node)
    return out
