"""The `module` object a healthy module sees at load time is the one a plain run gives it.

`module.paths` is node's node_modules chain at build time too; `module.parent` (the first requirer, known
only at run time) read at load time defers the module (NOT_IN_SNAPSHOT), while a healthy module reading it
later sees the run-time parent.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.helpers import run_launcher, run_plain

from v8snap.bake.app import build_app
from v8snap.config import SnapshotConfig

FILES = {
    "index.js": (
        "const p = require('./lib/paths');\nconst parent = require('./lib/parent');\n"
        "const later = require('./lib/later');\n"
        "console.log(JSON.stringify(p.paths.map((x) => require('path').relative(__dirname, x))));\n"
        "console.log(parent.parentName, later.parentName());\n"
    ),
    "lib/paths.js": "exports.paths = module.paths.slice(0, 3);\n",
    "lib/parent.js": (
        "const path = require('path');\n"
        "exports.parentName = module.parent ? path.basename(module.parent.filename) : 'none';\n"
    ),
    "lib/later.js": (
        "const path = require('path');\n"
        "exports.parentName = () => (module.parent ? path.basename(module.parent.filename) : 'none');\n"
    ),
}


def test_module_paths_and_parent_read_at_load(tmp_path: Path, node: Path) -> None:
    app = tmp_path / "app"
    (app / "lib").mkdir(parents=True)
    (app / "package.json").write_text(json.dumps({"name": "modobj", "main": "index.js"}))
    for rel, text in FILES.items():
        (app / rel).write_text(text)
    report = build_app(SnapshotConfig(app))
    meta = report.meta
    assert {"./lib/paths.js", "./lib/later.js"} <= set(meta.healthy)
    reason = meta.modules["./lib/parent.js"].reason
    assert reason is not None and (reason.code, reason.detail) == ("NOT_IN_SNAPSHOT", "module.parent")
    plain = run_plain(node, app, [])
    assert plain.stdout == '["lib/node_modules","node_modules","../node_modules"]\nindex.js index.js\n'
    assert run_launcher(app, []) == plain
