"""The violation codes the JS verifiers emit and the Python table (``CODES``) stay in step.

Every upper-case string literal in ``src/v8snap/js/`` is either a violation code or one of node's own
error codes listed here; every code in the table is emitted by the JS or by a Python stage listed here.
"""

from __future__ import annotations

import re
from pathlib import Path

import v8snap
from v8snap.doctor.violations import CODES
from v8snap.kinds import Code

JS_DIR = Path(v8snap.__file__).parent / "js"

#: Error codes of node (or of the embedding protocol) that are not violation codes.
NOT_VIOLATIONS = {
    "ERR_ACCESS_DENIED",
    "MODULE_NOT_FOUND",
    "ERR_MODULE_NOT_FOUND",
    "ERR_REQUIRE_CYCLE_MODULE",
    "EAGAIN",
    "ENOENT",
    "EROFS",
    "UNKNOWN",
    "CODE",
    # environment variable names (js/prelude/guard-locale.js: the time zone and locale assumptions)
    "TZ",
    "LANG",
    "LC_ALL",
    "LC_MESSAGES",
}

#: Codes only Python stages record (acceptance, the doctor's seeds, the printer, the builder).
PYTHON_ONLY = {
    Code.OUTPUT_MISMATCH,
    Code.EXPLICIT_DEFER,
    Code.MAIN_MODULE,
    Code.BUILDER_ERROR,
    Code.NODE_LIMIT,
    Code.REWRITE_INVALID,
    Code.ESM_UNRESOLVED,  # v8snap.esm.convert decides these three
    Code.ESM_CJS_CYCLE,
    Code.LIVE_BINDING,
}

_LITERAL = re.compile(r"""(['"`])([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)\1""")


def _js_literals() -> set[str]:
    files = [p for p in JS_DIR.rglob("*") if p.suffix in (".js", ".mjs", ".cjs")]
    assert files, f"no JS under {JS_DIR}"
    found: set[str] = set()
    for p in files:
        found |= {m.group(2) for m in _LITERAL.finditer(p.read_text())}
    return found


def test_every_code_has_a_consequence() -> None:
    assert set(CODES) == set(Code)


def test_js_codes_and_python_table_agree() -> None:
    js = {c for c in _js_literals() if not c.startswith("V8SNAP_")} - NOT_VIOLATIONS  # env var names
    assert js - set(Code) == set(), "the JS emits codes the Python table does not know"
    assert set(Code) - PYTHON_ONLY - js == set(), "codes in the table that nothing emits"
    assert not (js & PYTHON_ONLY), "a code listed as Python-only is emitted by the JS"
