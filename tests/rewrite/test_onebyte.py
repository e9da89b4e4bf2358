"""to_one_byte / strip_comments: Latin-1 output with identical meaning, comments gone, lines kept."""

from __future__ import annotations

from typing import Any

import pytest

from v8snap.node import find_node, run_helper
from v8snap.rewrite import strip_comments, to_one_byte
from v8snap.syntax.tree import parse

WIDE_MODULE = r"""
// comment with an em-dash — and CJK 漢字 and 😀
/* block — comment
   spanning lines 😀 */
const café = 'é stays Latin-1';
const ŝtr = 'em—dash, CJK 漢字, emoji 😀, escaped \— identity';
const π = 3.14;
const 𝑥 = 'astral identifier';
const tpl = `tpl — ${ŝtr.length} 漢 ${'😀'} end`;
const nested = `outer ${`inner — ${1}`} —`;
const re1 = /a—+b/;
const re2 = /[😀]/u;
const re3 = /[—漢]+/g;
const re4 = /\—/;
const re5 = /😀{2}/u;
const obj = { ŝ: 1, 'k—ey': 2, [`c—${1}`]: 3 };
module.exports = {
  café, ŝtr, π, 𝑥, tpl, nested,
  r1: [re1.test('a——b'), re1.test('ab'), re1.flags],
  r2: [re2.test('😀'), re2.test('\uD83D'), '😀'.match(/./gu).length],
  r3: 'x—漢—y'.match(re3),
  r4: re4.test('—'),
  r5: [re5.test('😀😀'), re5.test('😀')],
  keys: Object.keys(obj), s: obj.ŝ,
  ls: 'line\u2028sep',
  lit: ' ',
  cont: 'a\
b',
  fn: (function () { return 'ƒ' + 'unction—'; })(),
};
"""


def _eval(variants: list[str]) -> list[Any]:
    cases = [{"variants": variants, "targets": {}}]
    out: list[Any] = run_helper(find_node(), "rewrite/eval_modules.js", {"cases": cases}, timeout=60)
    return [v for v in out[0]["variants"]]


def test_to_one_byte_is_latin1_and_same_meaning() -> None:
    out = to_one_byte(WIDE_MODULE)
    out.encode("latin-1")  # raises if any character above U+00FF is left
    assert out.count("\n") == WIDE_MODULE.count("\n")
    assert not parse(out.encode()).root_node.has_error
    before, after = _eval([WIDE_MODULE, out])
    assert before["error"] is None, before["error"]
    assert after == before
    assert before["out"]["r1"] == [True, False, ""]  # the module really exercises non-Latin-1 regexes


def test_to_one_byte_escape_forms() -> None:
    assert to_one_byte("x = '—'") == "x = '\\u2014'"
    assert to_one_byte("x = '😀'") == "x = '\\uD83D\\uDE00'"
    assert to_one_byte("x = /😀/u") == "x = /\\u{1F600}/u"
    assert to_one_byte("x = /😀/") == "x = /\\uD83D\\uDE00/"
    assert to_one_byte("var ŝ = 1") == "var \\u015D = 1"
    assert to_one_byte("var 𝑥 = 1") == "var \\u{1D465} = 1"
    assert to_one_byte("x = '\\—'") == "x = '\\u2014'"  # identity escape: the backslash goes
    assert to_one_byte("x = 1 // —") == "x = 1 // ?"
    assert to_one_byte("x = 'é'") == "x = 'é'"  # Latin-1 is left alone
    src = "a = 1\u2028b = 2"
    assert to_one_byte(src) == "a = 1\nb = 2"


def test_raw_text_edge_cases_are_the_documented_ones() -> None:
    # cooked strings are identical; String.raw sees the escape text (documented in the module docstring)
    src = "module.exports = { c: `—`, raw: String.raw`—`, m: /—/.test('—'), source: /—/.source };"
    before, after = _eval([src, to_one_byte(src)])
    assert after["out"]["c"] == before["out"]["c"] == "—"
    assert after["out"]["m"] is before["out"]["m"] is True
    assert before["out"]["raw"] == "—" and after["out"]["raw"] == "\\u2014"
    assert before["out"]["source"] == "—" and after["out"]["source"] == "\\u2014"


def test_strip_comments_keeps_lines_and_licences() -> None:
    src = (
        "#!/usr/bin/env node\n"
        "/*! keep me — MIT */\n"
        "/**\n * @license Apache-2.0\n */\n"
        "const a = 1; // trailing — comment\n"
        "const b = a/* inline */+1;\n"
        "const c = '// not a comment', d = '/* nor this */';\n"
        "const r = /\\/\\/ nor \\/* this/;\n"
        "/* multi\n   line */ module.exports = { a, b, c, d, r: r.source, t: `/* no */` };\n"
    )
    out, licences = strip_comments(src)
    assert licences == ["/*! keep me — MIT */", "/**\n * @license Apache-2.0\n */"]
    assert out.count("\n") == src.count("\n")
    assert "—" not in out and "inline" not in out and "keep me" not in out and "#!" not in out
    assert "const b = a +1;" in out
    before, after = _eval([src.split("\n", 1)[1], out])
    assert after["out"] == before["out"]
    assert after["out"]["c"] == "// not a comment"


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("a /* x */ b", "a   b"),
        ("return /*\n*/ x", "return \n x"),
        ("x // y\nz", "x \nz"),
        ("no comments here", "no comments here"),
    ],
)
def test_strip_comments_exact(src: str, expected: str) -> None:
    assert strip_comments(src)[0] == expected


def test_strip_then_one_byte_makes_webpack_like_source_one_byte() -> None:
    src = "/* webpack — bootstrap */\nmodule.exports = 'x—y';\n// — end\n"
    out = to_one_byte(strip_comments(src)[0])
    out.encode("latin-1")
    assert out == " \nmodule.exports = 'x\\u2014y';\n\n"
