"""A module that calls require.resolve at load time for a file that is not a module of the graph (a data
file, a package's package.json: uglify-js lists its sources so) initializes in the snapshot: the trace
records the app's require.resolve calls and the resolver map answers them at build time."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.e2e.helpers import run_launcher, run_plain

from v8snap.bake.app import build_app
from v8snap.config import SnapshotConfig

INFO = """const path = require('path');
const fs = require('fs');
exports.depDir = path.basename(path.dirname(require.resolve('dep/package.json')));
exports.data = fs.readFileSync(require.resolve('./data.txt'), 'utf8').trim();
"""
INDEX = """const info = require('./lib/info');
console.log(info.depDir, info.data, require.resolve('./lib/data.txt') === require.resolve('./lib/data.txt'));
"""


def test_require_resolve_of_a_data_file_at_load_is_healthy(tmp_path: Path, node: Path) -> None:
    app = tmp_path / "app"
    dep = app / "node_modules" / "dep"
    dep.mkdir(parents=True)
    (app / "lib").mkdir()
    (app / "package.json").write_text(json.dumps({"name": "resolve-at-load", "main": "index.js"}))
    (dep / "package.json").write_text(json.dumps({"name": "dep", "version": "1.0.0"}))
    (app / "lib" / "info.js").write_text(INFO)
    (app / "lib" / "data.txt").write_text("some data\n")
    (app / "index.js").write_text(INDEX)
    report = build_app(SnapshotConfig(app))
    assert "./lib/info.js" in report.meta.healthy
    plain = run_plain(node, app, [])
    assert plain.stdout == "dep some data true\n"
    assert run_launcher(app, []) == plain
    # The data file changes: a file read at load time is stale, the launcher says so and runs plainly.
    (app / "lib" / "data.txt").write_text("new data!\n")
    stale = run_launcher(app, [])
    assert stale.stdout == "dep new data! true\n" and "data.txt changed" in stale.stderr


OPTIONAL = """let color = 'none';
try {
  color = require('optional-dep').level;
} catch (e) {
  color = 'missing:' + e.code + ':' + JSON.stringify([e.message, e.requireStack]);
}
let where = 'none';
try {
  where = require.resolve('optional-dep/package.json');
} catch (e) {
  where = e.code;
}
exports.info = color + ' ' + where;
"""


def test_optional_dependency_not_installed_is_an_assumption(tmp_path: Path, node: Path) -> None:
    # `try { require('x') } catch {}` with x not installed: node's answer can change without any file the
    # blob holds changing (x installed later, a file created at a path node looked at, NODE_PATH). The
    # module is healthy under an assumption: the registry's require throws node's error at build time, and
    # the loader asks node's resolver again at startup; where it finds x, the module runs again.
    app = tmp_path / "app"
    (app / "lib").mkdir(parents=True)
    (app / "package.json").write_text(json.dumps({"name": "optional-missing", "main": "index.js"}))
    (app / "lib" / "opt.js").write_text(OPTIONAL)
    (app / "index.js").write_text("console.log(require('./lib/opt').info);\n")
    report = build_app(SnapshotConfig(app))
    assert "./lib/opt.js" in report.meta.healthy
    plain = run_plain(node, app, [])
    stack = [str(app / "lib" / "opt.js"), str(app / "index.js")]
    message = "Cannot find module 'optional-dep'\nRequire stack:\n- " + "\n- ".join(stack)
    caught = json.dumps([message, stack], separators=(",", ":"))
    assert plain.stdout == f"missing:MODULE_NOT_FOUND:{caught} MODULE_NOT_FOUND\n"
    assert run_launcher(app, []) == plain
    # Found through NODE_PATH, then installed after the build (no lockfile to change): as node does.
    elsewhere = tmp_path / "global"
    for at, level in ((elsewhere, 2), (app / "node_modules", 3)):
        dep = at / "optional-dep"
        dep.mkdir(parents=True)
        (dep / "package.json").write_text(json.dumps({"name": "optional-dep", "main": "index.js"}))
        (dep / "index.js").write_text(f"exports.level = {level};\n")
    env = {"NODE_PATH": str(elsewhere)}
    assert run_plain(node, app, [], env=env).stdout.startswith("3 ")
    found = run_plain(node, app, [])
    assert found.stdout.startswith("3 ")
    assert run_launcher(app, []) == found
    shutil.rmtree(app / "node_modules")
    via_path = run_plain(node, app, [], env=env)
    assert via_path.stdout.startswith("2 ")
    assert run_launcher(app, [], env=env) == via_path
