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
