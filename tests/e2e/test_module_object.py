"""The `module` object a healthy module sees at load time is the one a plain run gives it.

`module.paths` is node's node_modules chain at build time too; `module.parent` (the first requirer, known
only at run time) read at load time defers the module (NOT_IN_SNAPSHOT), while a healthy module reading it
later sees the run-time parent. Requiring a module that stays on disk defers the requirer as
NOT_IN_SNAPSHOT.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.helpers import run_launcher, run_plain
from typer.testing import CliRunner

from v8snap.bake.app import build_app
from v8snap.cli import app as cli_app
from v8snap.config import SnapshotConfig

FILES = {
    "index.js": (
        "const p = require('./lib/paths');\nconst parent = require('./lib/parent');\n"
        "const later = require('./lib/later');\nconst user = require('./lib/user');\n"
        "console.log(JSON.stringify(p.paths.map((x) => require('path').relative(__dirname, x))));\n"
        "console.log(parent.parentName, later.parentName(), typeof user.imp);\n"
        "const main = require('./lib/main');\nconst isMain = require('./lib/ismain').isMain;\n"
        "const sab = require('./lib/sab');\n"
        "if (process.argv[2] === 'show') {\n"
        "  const kinds = [new SharedArrayBuffer(1), new ArrayBuffer(1)].map(sab.isSab);\n"
        "  console.log(main.mainName(), isMain, ...kinds);\n"
        "}\n"
        "const rand = require('./lib/rand');\nif (process.argv[2] === 'id') console.log(rand.id());\n"
    ),
    # require.main is made at run time: stored at load, the printer makes it lazy (the build's own output
    # check does not see it: printed only with `show`); any other read at load defers the module.
    "lib/main.js": (
        "const m = require.main;\nexports.mainName = () => require('path').basename(m.filename);\n"
    ),
    "lib/ismain.js": "exports.isMain = require.main === module;\n",
    # a global the builder lacks, read in an initializer: made lazy by the printer (healthy)
    "lib/sab.js": (
        "const g = Object.getOwnPropertyDescriptor(SharedArrayBuffer.prototype, 'byteLength').get;\n"
        "exports.isSab = (v) => { try { g.call(v); return true; } catch { return false; } };\n"
    ),
    # Web Crypto reached through the global (a getter in the builder's realm): random in every run
    "lib/rand.js": "const id = globalThis.crypto.randomUUID();\nexports.id = () => id;\n",
    "lib/paths.js": "exports.paths = module.paths.slice(0, 3);\n",
    "lib/parent.js": (
        "const path = require('path');\n"
        "exports.parentName = module.parent ? path.basename(module.parent.filename) : 'none';\n"
    ),
    "lib/later.js": (
        "const path = require('path');\n"
        "exports.parentName = () => (module.parent ? path.basename(module.parent.filename) : 'none');\n"
    ),
    # import() in code compiled at run time: the module stays on disk, and its requirer is deferred.
    "lib/ondisk.js": "exports.imp = new Function('id', 'return import(id);');\n",
    "lib/user.js": "exports.imp = require('./ondisk').imp;\nexports.kind = typeof exports.imp;\n",
}


def test_module_paths_and_parent_read_at_load(tmp_path: Path, node: Path) -> None:
    app = tmp_path / "app"
    (app / "lib").mkdir(parents=True)
    (app / "package.json").write_text(json.dumps({"name": "modobj", "main": "index.js"}))
    for rel, text in FILES.items():
        (app / rel).write_text(text)
    report = build_app(SnapshotConfig(app))
    meta = report.meta
    assert {"./lib/paths.js", "./lib/later.js", "./lib/main.js", "./lib/sab.js"} <= set(meta.healthy)
    reason = meta.modules["./lib/ismain.js"].reason
    assert reason is not None and (reason.code, reason.detail) == ("NOT_IN_SNAPSHOT", "require.main")
    reason = meta.modules["./lib/parent.js"].reason
    assert reason is not None and (reason.code, reason.detail) == ("NOT_IN_SNAPSHOT", "module.parent")
    # (not NATIVE_ADDON: that code is for .node files)
    reason = meta.modules["./lib/user.js"].reason
    assert reason is not None and (reason.code, reason.detail) == ("NOT_IN_SNAPSHOT", "./lib/ondisk.js")
    # the doctor names why the module it points at stays on disk
    res = CliRunner().invoke(cli_app, ["doctor", str(app), "--json", "-j", "1"])
    assert res.exit_code == 0, res.output
    on_disk = json.loads(res.stdout[res.stdout.index("{") :])["on_disk"]
    assert on_disk == {"./lib/ondisk.js": "import() it cannot route"}
    plain = run_plain(node, app, [])
    paths = '["lib/node_modules","node_modules","../node_modules"]'
    assert plain.stdout == f"{paths}\nindex.js index.js function\n"
    assert run_launcher(app, []) == plain
    shown = run_plain(node, app, ["show"])
    assert shown.stdout.endswith("\nindex.js false true false\n")
    assert run_launcher(app, ["show"]) == shown
    reason = meta.modules["./lib/rand.js"].reason
    assert reason is not None and (reason.code, reason.detail) == ("RANDOM_READ", "crypto.randomUUID()")
    assert run_launcher(app, ["id"]).stdout != run_launcher(app, ["id"]).stdout
