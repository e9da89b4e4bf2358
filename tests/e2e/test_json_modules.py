"""JSON modules from the blob: parsed as node's loader parses them, and kept out of the snapshot script.

node loads a `.json` module with `JSON.parse` (an own `__proto__` key stays an own key, a BOM is dropped);
an object literal in the snapshot script would set the prototype instead. The JSON text is read by the
builder, not written into the script, so one character above U+00FF in a JSON file (or anywhere in the
script) does not make V8 hold the whole snapshot script two bytes a character.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.helpers import run_launcher, run_plain

from v8snap.bake.app import build_app
from v8snap.blueprint import Blueprint, assemble_script
from v8snap.config import SnapshotConfig
from v8snap.graph import discover_graph

INDEX = (
    "const d = require('./data.json');\nconst b = require('./bom.json');\n"
    "console.log(Object.keys(d).join(','), Object.getPrototypeOf(d) === Object.prototype, d.polluted);\n"
    "console.log(JSON.stringify(d.__proto__), d.dash, b.ok, require('./lib').dash);\n"
)


def _app(root: Path) -> Path:
    root.mkdir()
    (root / "package.json").write_text(json.dumps({"name": "jsonmods", "main": "index.js"}))
    (root / "index.js").write_text(INDEX)
    (root / "lib.js").write_text("exports.dash = 'x\u2014y';\n", encoding="utf-8")
    (root / "data.json").write_text(
        '{"a": 1, "__proto__": {"polluted": true}, "dash": "\u2014 \u2026 \U0001f600"}\n', encoding="utf-8"
    )
    (root / "bom.json").write_text('\ufeff{"ok": true}\n', encoding="utf-8")
    return root


def test_json_modules_parse_as_node_does(tmp_path: Path, node: Path) -> None:
    app = _app(tmp_path / "app")
    report = build_app(SnapshotConfig(app))
    assert {"./data.json", "./bom.json", "./lib.js"} <= set(report.meta.healthy)
    plain = run_plain(node, app, [])
    assert plain.stdout.startswith("a,__proto__,dash true undefined\n")
    assert run_launcher(app, []) == plain


def test_snapshot_script_stays_one_byte(tmp_path: Path, node: Path) -> None:
    app = _app(tmp_path / "app")
    graph = discover_graph(app, node=node)
    sources = tmp_path / "sources"
    sources.mkdir()
    script = assemble_script(Blueprint(graph=graph, healthy=frozenset(graph.modules), sources_dir=sources))
    script.encode("latin-1")  # one-byte: raises when any character is above U+00FF
    assert "polluted" not in script  # the JSON text is read by the builder
