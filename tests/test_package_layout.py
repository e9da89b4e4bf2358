"""The layout shows the pipeline: no package of src/v8snap imports another in a circle (issue 13; the
stages and their order are in docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "v8snap"


def _package_imports() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for f in SRC.rglob("*.py"):
        rel = f.relative_to(SRC).parts
        pkg = rel[0] if len(rel) > 1 else rel[0].removesuffix(".py")
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            names = [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] == "v8snap" and len(parts) > 1 and parts[1] != pkg:
                    graph.setdefault(pkg, set()).add(parts[1])
    return graph


def test_no_package_imports_in_a_circle() -> None:
    graph = _package_imports()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(pkg: str, path: list[str]) -> None:
        state[pkg] = 1
        for dep in sorted(graph.get(pkg, ())):
            if state.get(dep) == 1:
                cycles.append([*path[path.index(dep) :], dep] if dep in path else [pkg, dep])
            elif dep not in state:
                visit(dep, [*path, dep])
        state[pkg] = 2

    for pkg in sorted(graph):
        if pkg not in state:
            visit(pkg, [pkg])
    assert cycles == [], cycles
    assert "bake" in graph and "graph" in graph["bake"]  # the check sees real imports
