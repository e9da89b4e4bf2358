"""import() in registry modules is routed through the run-time import (code the builder compiled has none)."""

from __future__ import annotations

from v8snap.rewrite.dynamic_import import IMPORT_HOOK, rewrite_dynamic_imports


def test_calls_are_routed_and_lookalikes_are_not() -> None:
    src = (
        'exports.load = () => import("./x.mjs");\n'
        "const o = { import(x) { return x; } }; o.import(1);\n"
        '// import("comment")\nconst s = "import(q)";\n'
        "async function f(b) { return import (`./${b}.mjs`, { with: { type: 'json' } }); }\n"
    )
    out = rewrite_dynamic_imports("./lib/a.js", src)
    assert out is not None
    assert out.count(IMPORT_HOOK) == 2
    assert f'{IMPORT_HOOK}("./lib/a.js", "./x.mjs")' in out
    assert f'{IMPORT_HOOK}("./lib/a.js", `./${{b}}.mjs`, {{ with:' in out
    assert "o.import(1)" in out and '// import("comment")' in out and '"import(q)"' in out
    assert out.count("\n") == src.count("\n")  # line numbers unchanged for stack traces


def test_no_import_is_identity_and_unparsable_is_refused() -> None:
    assert rewrite_dynamic_imports("./a.js", "module.exports = 1;") == "module.exports = 1;"
    assert rewrite_dynamic_imports("./a.js", "import('./x.mjs'); function (") is None


def test_import_in_code_compiled_at_run_time_is_refused() -> None:
    """prettier's bin: `new Function("module", "return import(module)")` compiled by a function in the blob
    has no import callback either, and a string cannot be routed: the module stays on disk."""
    assert rewrite_dynamic_imports("./a.js", 'var f = new Function("m", "return import(m)"); f(1);') is None
    assert rewrite_dynamic_imports("./a.js", "eval(`import(${JSON.stringify(x)})`);") is None
    assert rewrite_dynamic_imports("./a.js", 'const msg = "use import(x)"; log(msg);') is not None
