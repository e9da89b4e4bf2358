"""A module that passes the verifier but crashes node's builder is found by bisection and deferred."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.helpers import run_launcher, run_plain

from v8snap.bake.app import build_app
from v8snap.config import SnapshotConfig

# A native Hash object in the heap kills `node --build-snapshot` (SIGTRAP, no JS stack; node 24.19.0),
# while every guard lets it through: crypto is a supported built-in and nothing stale is read.
MODULES = {
    "a.js": "exports.name = 'a';\n",
    "b.js": (
        "const h = require('crypto').createHash('sha256');\nexports.digest = () => h.copy().digest('hex');\n"
    ),
    "c.js": "exports.name = 'c';\n",
    "d.js": "exports.name = 'd';\n",
}
MAIN = "for (const m of ['a', 'b', 'c', 'd']) console.log(m, JSON.stringify(require('./lib/' + m)));\n"


def test_builder_crash_is_bisected_to_the_culprit(tmp_path: Path, node: Path) -> None:
    app = tmp_path / "app"
    (app / "lib").mkdir(parents=True)
    (app / "package.json").write_text(json.dumps({"name": "crashy", "main": "index.js"}))
    for name, text in MODULES.items():
        (app / "lib" / name).write_text(text)
    (app / "index.js").write_text(MAIN)
    meta = build_app(SnapshotConfig(app)).meta
    reason = meta.modules["./lib/b.js"].reason
    assert meta.modules["./lib/b.js"].verdict == "deferred"
    assert reason is not None and reason.code == "BUILTIN_CRASHES" and "bisection" in reason.detail
    assert {"./lib/a.js", "./lib/c.js", "./lib/d.js"} <= set(meta.healthy)
    assert run_launcher(app, []) == run_plain(node, app, [])
