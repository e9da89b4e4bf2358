"""Keep the snapshot script small: one-byte (Latin-1) source text and no comments.

V8 stores a source string with two bytes per character as soon as one character is above U+00FF, so
a single em-dash in a comment doubles the size of a module's source in the blob.

``to_one_byte`` escapes, with escapes of identical meaning:

* string literals and template literal text: ``\\uXXXX`` (astral characters as a surrogate pair);
* regular expressions: ``\\uXXXX`` / surrogate pairs, ``\\u{...}`` when the ``u`` or ``v`` flag is set;
* identifiers: ``\\uXXXX`` (``\\u{...}`` for astral characters);
* comments: the character is replaced by ``?`` (comments have no meaning; usually they are stripped
  anyway by :func:`strip_comments`);
* U+2028/U+2029 outside literals are line terminators and become ``\\n`` (same line count); other
  Unicode spaces between tokens become a plain space.

Edge case, accepted and documented: in a *tagged* template the tag sees the raw text
(``String.raw`\\u2014` `` is six characters, not one), so a tag that reads ``strings.raw`` observes the
escape. Cooked strings (what untagged templates and almost every tag use) are identical. Likewise
``RegExp.prototype.source`` (and ``Function.prototype.toString``) show the escaped text; what a regex
matches is identical.
"""

from __future__ import annotations

import re

import tree_sitter as ts

from v8snap.syntax.tree import LANGUAGE, parse

_WIDE_CHAR = re.compile(rb"[\xc4-\xf4][\x80-\xbf]+")
"""One UTF-8 encoded character above U+00FF (lead bytes 0xC4.. encode U+0100 and up)."""

_COMMENTS = ts.Query(LANGUAGE, "[(comment) (hash_bang_line)] @c")

_IDENTIFIER_TYPES = frozenset(
    {
        "identifier",
        "property_identifier",
        "shorthand_property_identifier",
        "shorthand_property_identifier_pattern",
        "private_property_identifier",
        "statement_identifier",
    }
)
_LINE_TERMINATORS = ("\u2028", "\u2029")


def _utf16_escape(ch: str) -> str:
    cp = ord(ch)
    if cp <= 0xFFFF:
        return f"\\u{cp:04X}"
    cp -= 0x10000
    return f"\\u{0xD800 + (cp >> 10):04X}\\u{0xDC00 + (cp & 0x3FF):04X}"


def _code_point_escape(ch: str) -> str:
    cp = ord(ch)
    return f"\\u{cp:04X}" if cp <= 0xFFFF else f"\\u{{{cp:X}}}"


def _context(node: ts.Node) -> tuple[str, ts.Node]:
    """(context kind, context node) of the innermost token holding a character."""
    n: ts.Node | None = node
    while n is not None:
        t = n.type
        if t in ("comment", "hash_bang_line"):
            return "comment", n
        if t == "template_string":
            return "template", n
        if t == "string":
            return "string", n
        if t == "regex":
            return "regex", n
        if t in _IDENTIFIER_TYPES:
            return "identifier", n
        if t in ("string_fragment", "escape_sequence", "regex_pattern", "template_substitution"):
            n = n.parent
            continue
        return "code", n
    return "code", node


def _odd_backslashes(src: bytes, pos: int, floor: int) -> bool:
    count = 0
    while pos - 1 - count >= floor and src[pos - 1 - count] == 0x5C:
        count += 1
    return count % 2 == 1


def to_one_byte(code: str) -> str:
    """Return ``code`` with every character above U+00FF replaced by an escape of identical meaning.

    Args:
        code: JavaScript source (a module body or the whole snapshot script).

    Returns:
        Source whose ``.encode("latin-1")`` succeeds for any input that parses (characters in places
        tree-sitter cannot classify are left alone). Unchanged if already Latin-1.
    """
    src = code.encode("utf-8")
    matches = list(_WIDE_CHAR.finditer(src))
    if not matches:
        return code
    root = parse(src).root_node
    out: list[bytes] = []
    cursor = 0
    for m in matches:
        start, end = m.span()
        ch = m.group().decode("utf-8")
        node = root.descendant_for_byte_range(start, end) or root
        kind, ctx = _context(node)
        drop_backslash = False
        if kind == "comment":
            rep = "\n" if ch in _LINE_TERMINATORS else "?"
        elif kind in ("string", "template"):
            if _odd_backslashes(src, start, ctx.start_byte):
                if ch in _LINE_TERMINATORS:
                    rep = "\n"  # backslash + line terminator: a line continuation either way
                else:
                    rep, drop_backslash = _utf16_escape(ch), True
            else:
                rep = _utf16_escape(ch)
        elif kind == "regex":
            flags_node = ctx.child_by_field_name("flags")
            flags = flags_node.text.decode() if flags_node is not None and flags_node.text else ""
            unicode_mode = "u" in flags or "v" in flags
            rep = _code_point_escape(ch) if unicode_mode else _utf16_escape(ch)
            drop_backslash = _odd_backslashes(src, start, ctx.start_byte)
        elif kind == "identifier":
            rep = _code_point_escape(ch)
        elif ch in _LINE_TERMINATORS:
            rep = "\n"
        elif ch.isspace() or ch == "\ufeff":
            rep = " "
        else:
            rep = ch
        out.append(src[cursor : start - 1 if drop_backslash else start])
        out.append(rep.encode("utf-8"))
        cursor = end
    out.append(src[cursor:])
    return b"".join(out).decode("utf-8")


def is_licence(comment: str) -> bool:
    """Whether a comment must be kept for licence reasons (``/*!``, ``@license``, ``@preserve``)."""
    return comment.startswith("/*!") or "@license" in comment or "@preserve" in comment


def strip_comments(code: str) -> tuple[str, list[str]]:
    """Drop every comment (and a leading ``#!`` line), keeping the line count.

    A block comment becomes as many newlines as it spanned (a single space if none, so tokens never
    merge); a line comment becomes nothing (its newline stays). ``Function.prototype.toString`` of a
    function then shows no comments: accepted.

    Args:
        code: JavaScript source.

    Returns:
        ``(code without comments, licence comments in source order)``; licence comments are removed from
        the code too and are meant for a side file next to the blob.
    """
    src = code.encode("utf-8")
    if b"//" not in src and b"/*" not in src and not src.startswith(b"#!"):
        return code, []
    root = parse(src).root_node
    nodes = ts.QueryCursor(_COMMENTS).captures(root).get("c", [])
    nodes.sort(key=lambda n: n.start_byte)
    licences: list[str] = []
    out: list[bytes] = []
    cursor = 0
    for n in nodes:
        raw = src[n.start_byte : n.end_byte]
        if n.type == "comment" and is_licence(raw.decode("utf-8", "replace")):
            licences.append(raw.decode("utf-8", "replace"))
        out.append(src[cursor : n.start_byte])
        newlines = raw.count(b"\n")
        if raw.startswith(b"/*"):
            out.append(b"\n" * newlines if newlines else b" ")
        else:
            out.append(b"\n" * newlines)
        cursor = n.end_byte
    out.append(src[cursor:])
    return b"".join(out).decode("utf-8"), licences
