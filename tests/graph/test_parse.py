from __future__ import annotations

from v8snap.graph.parse import parse_source


def specs(src: str) -> tuple[str, ...]:
    return parse_source(src.encode()).specifiers


def test_require_anywhere_in_source_order() -> None:
    src = """
    const a = require('a');
    function later() { return require("./b"); }
    if (x) { const { c } = require(`c`); }
    class K { m() { return require('d/e.js'); } }
    """
    assert specs(src) == ("a", "./b", "c", "d/e.js")


def test_esm_forms() -> None:
    src = """
    import x from 'x';
    import 'side-effect';
    import * as ns from "ns";
    export { y } from './y.js';
    export * from './all.js';
    const lazy = () => import('./dyn.js');
    """
    parsed = parse_source(src.encode())
    assert parsed.specifiers == ("x", "side-effect", "ns", "./y.js", "./all.js", "./dyn.js")
    assert parsed.has_esm_syntax


def test_dynamic_specifiers_are_ignored() -> None:
    src = "require(name); require('a' + b); require(`c${d}`); import(e); require.resolve('f'); x.require('g')"
    assert specs(src) == ()


def test_duplicates_removed_and_hashbang_ok() -> None:
    src = "#!/usr/bin/env node\nrequire('a'); require('a'); require('b')"
    parsed = parse_source(src.encode())
    assert parsed.specifiers == ("a", "b")
    assert not parsed.has_esm_syntax
    assert not parsed.has_errors


def test_shadowed_require_is_skipped() -> None:
    src = """
    require('top');
    (function (require, module, exports) { require('./bundled-1'); })();
    const f = (require) => require('./bundled-2');
    function g() { const require = makeRequire(); return require('./local'); }
    function h() { return require('./real'); }
    """
    assert specs(src) == ("top", "./real")


def test_escaped_specifier_is_treated_as_dynamic() -> None:
    assert specs("require('a\\x2fb'); require('ok')") == ("ok",)


def test_syntax_errors_are_reported_not_raised() -> None:
    parsed = parse_source(b"require('a'); module.exports = function ( {")
    assert parsed.has_errors
    assert "a" in parsed.specifiers


def test_import_meta_counts_as_esm() -> None:
    assert parse_source(b"console.log(import.meta.url)").has_esm_syntax
    assert not parse_source(b"const s = 'import.meta'").has_esm_syntax


def test_shadowing_follows_the_printers_scope_rules() -> None:
    """catch parameters, destructured names and classes shadow `require` too (v8snap.syntax.scopes)."""
    src = """
    try { x(); } catch (require) { require('./caught'); }
    function d({ require }) { return require('./destructured'); }
    { class require {} require('./klass'); }
    if (a) { require('./after-block'); }
    """
    assert specs(src) == ("./after-block",)
