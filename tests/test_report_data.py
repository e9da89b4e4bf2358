"""The report's data helpers: package of a module key, the loosely read profile, the rewrite-only diff."""

from __future__ import annotations

import json
from pathlib import Path

from v8snap.report.data import _rewrite_diff, load_profile, package_of


def test_package_of() -> None:
    assert package_of("./cli.js") == "(app)"
    assert package_of("./node_modules/ms/index.js") == "ms"
    assert package_of("./node_modules/@babel/core/lib/index.js") == "@babel/core"
    assert package_of("./node_modules/send/node_modules/ms/index.js") == "ms"


def test_profile_shapes(tmp_path: Path) -> None:
    out, root = tmp_path / ".v8snap", tmp_path
    out.mkdir()
    assert load_profile(out, root) == ({}, None)
    shapes = [
        {"modules": {"./a.js": 1.5, "./b.js": {"loadMs": 2}}},
        {"modules": [{"key": "./a.js", "ms": 1.5}, {"file": str(root / "b.js"), "selfMs": 2}]},
        [{"module": "a.js", "durationMs": 1.5}, {"path": "./b.js", "totalMs": 2, "ignored": True}],
    ]
    for doc in shapes:
        (out / "profile.json").write_text(json.dumps(doc))
        times, source = load_profile(out, root)
        assert times == {"./a.js": 1.5, "./b.js": 2.0}, doc
        assert source == str(out / "profile.json")
    (out / "profile.json").write_text("not json")
    assert load_profile(out, root) == ({}, None)


def test_rewrite_diff_keeps_hunks_with_rewrites() -> None:
    source = "\n".join(
        ["// c1", "const a = require('a');", *[f"x{i}();" for i in range(20)], "// c2", "y();"]
    )
    printed = (
        source.replace("// c1", "")
        .replace("// c2", "")
        .replace("const a = require('a');", "let __a; Object.defineProperty(this, 'a', {get() {}});")
    )
    diff, note = _rewrite_diff(source, printed, "./m.js", {2})
    assert "+let __a" in diff and "-const a = require('a');" in diff
    assert "-// c2" not in diff
    assert note == "1 other hunks only drop comments or make text one-byte"
