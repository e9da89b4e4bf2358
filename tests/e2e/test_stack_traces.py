"""Stack traces from modules served by the blob name the original file and line, as in a plain run."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.helpers import run_launcher, run_plain

from v8snap.bake.app import build_app
from v8snap.config import SnapshotConfig

LIB = """'use strict';
// a comment line, dropped from the blob (line numbers must not move)
function inner() {
  throw new Error('boom');
}
exports.fail = function fail() {
  inner();
};
"""
MAIN = """'use strict';
const lib = require('./lib/thrower');
try {
  lib.fail();
} catch (err) {
  console.log(err.stack.split('\\n').slice(0, 3).join('\\n'));
}
"""


def test_stack_frames_name_original_file_and_line(tmp_path: Path, node: Path) -> None:
    app = tmp_path / "app"
    (app / "lib").mkdir(parents=True)
    (app / "package.json").write_text(json.dumps({"name": "stacks", "main": "index.js"}))
    (app / "lib" / "thrower.js").write_text(LIB)
    (app / "index.js").write_text(MAIN)
    report = build_app(SnapshotConfig(app))
    assert "./lib/thrower.js" in report.meta.healthy
    plain = run_plain(node, app, [])
    assert f"{app}/lib/thrower.js:4:9" in plain.stdout
    assert run_launcher(app, []) == plain


DEP = "if (Math.random() > 2) exports.x = 1;\nexports.boom = () => { throw new Error('dep'); };\n"
USER = "const depModule = require('./dep');\nexports.run = () => depModule.boom.call(null, isFinite(1));\n"


def test_frame_on_a_rewritten_line_keeps_its_column(tmp_path: Path, node: Path) -> None:
    # user.js requires a deferred module (dep.js draws Math.random() at load): the printer makes the
    # binding lazy, and the frame of run() on the rewritten line names the column of a plain run.
    app = tmp_path / "app"
    (app / "lib").mkdir(parents=True)
    (app / "package.json").write_text(json.dumps({"name": "cols", "main": "index.js"}))
    (app / "lib" / "dep.js").write_text(DEP)
    (app / "lib" / "user.js").write_text(USER)
    (app / "index.js").write_text(
        "try {\n  require('./lib/user').run();\n} catch (e) {\n"
        "  console.log(e.stack.split('\\n').slice(0, 3).join('\\n'));\n}\n"
    )
    report = build_app(SnapshotConfig(app))
    assert "./lib/user.js" in report.meta.healthy and "./lib/dep.js" not in report.meta.healthy
    plain = run_plain(node, app, [])
    assert f"{app}/lib/user.js:2:36" in plain.stdout
    assert run_launcher(app, []) == plain
