"""Table-driven tests of the snapshot printer: exact expected output for each construct."""

from __future__ import annotations

from typing import Any

import pytest

from v8snap.rewrite import rewrite_module
from v8snap.syntax.tree import parse, syntax_error_line

from .cases import CASES


def _is_lazy(spec: str) -> bool:
    return spec.startswith("lazy")


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 60
    assert len({c[0] for c in CASES}) == len(CASES)


@pytest.mark.parametrize(
    ("source", "options", "code", "norewrite", "rewrites", "eager"),
    [pytest.param(*c[1:], id=c[0]) for c in CASES],
)
def test_case(
    source: str,
    options: dict[str, Any],
    code: str,
    norewrite: str | None,
    rewrites: list[tuple[str, str, str | None]],
    eager: list[str],
) -> None:
    res = rewrite_module(source, is_lazy=_is_lazy, **options)
    assert res.code == code
    assert res.norewrite == norewrite
    assert [(r.kind, r.binding, r.specifier) for r in res.rewrites] == rewrites
    assert res.eager_requires == eager
    if norewrite is not None:
        assert res.code == source and not res.rewrites
    else:
        # the output is a valid module body and every line stays where it was (stack traces stay right)
        assert syntax_error_line(parse(res.code.encode()).root_node) is None
        assert res.code.count("\n") == source.count("\n")
    for r in res.rewrites:
        assert 1 <= r.line <= source.count("\n") + 1
        assert r.reason


def test_is_lazy_called_once_per_specifier() -> None:
    calls: list[str] = []

    def is_lazy(spec: str) -> bool:
        calls.append(spec)
        return True

    rewrite_module(
        "const a = require('m');\nconst b = require('m');\nexports.x = require('m');", is_lazy=is_lazy
    )
    assert calls == ["m"]


def test_rewrite_lines_point_at_declarations() -> None:
    src = (
        "'use strict';\n\nconst a = require('lazy');\n"
        "let {b, c} = require('lazy2');\nexports.d = require('lazy3');\n"
    )
    res = rewrite_module(src, is_lazy=_is_lazy)
    assert [(r.line, r.binding) for r in res.rewrites] == [(3, "a"), (4, "b"), (4, "c"), (5, "d")]


def test_utf8_offsets_before_edits() -> None:
    # multi-byte characters before an edit: byte offsets from tree-sitter must not be used as str offsets
    src = "const s = '— 😀 é';\nconst x = require('lazy');\nexports.f = () => s + x;"
    res = rewrite_module(src, is_lazy=_is_lazy)
    assert res.code.startswith("const s = '— 😀 é';\nvar x, __x_ok__;")
    assert res.code.endswith("exports.f = () => s + __get_x__();")


def test_references_keep_their_columns() -> None:
    # A reference becomes a getter call of the same length: a stack frame later on the line keeps its column.
    src = "var _configChain = require('lazy');\nexports.f = (a) => (0, _configChain.build)(a, 1) + g(a);"
    out = rewrite_module(src, is_lazy=_is_lazy).code.split("\n")[1]
    assert "_configChain" not in out
    assert out.index("(a, 1)") == src.split("\n")[1].index("(a, 1)")
    assert out.index("g(a)") == src.split("\n")[1].index("g(a)")
