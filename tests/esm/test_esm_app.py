"""An ESM app ("type": "module") from the blob: its healthy ES modules' stack frames name the original
file URL, line and column as in a plain run; argv and import.meta.main as plain."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.helpers import run_launcher, run_plain

from v8snap.bake.app import build_app
from v8snap.config import SnapshotConfig

LIB = """// a comment line, dropped by the converter (line numbers must not move)
import { sep } from 'node:path';

export const SEP = sep;
export function fail(what) {
    const detail = { what,
      where: 'lib' };
    throw new Error(`late failure: ${detail.what}`);
}
"""
MAIN = """import { fail, SEP } from './lib/thrower.js';
try {
  fail('x');
} catch (err) {
  console.log(err.stack.split('\\n').slice(0, 3).join('\\n'));
}
console.log(import.meta.main, process.argv.slice(2), SEP);
"""


def test_esm_app_stack_frames_and_main(tmp_path: Path, node: Path) -> None:
    app = tmp_path / "app"
    (app / "lib").mkdir(parents=True)
    (app / "package.json").write_text(json.dumps({"name": "esm-stacks", "type": "module", "main": "main.js"}))
    (app / "lib" / "thrower.js").write_text(LIB)
    (app / "main.js").write_text(MAIN)
    report = build_app(SnapshotConfig(app))
    assert "./lib/thrower.js" in report.meta.healthy
    plain = run_plain(node, app, ["a", "b"])
    assert f"file://{app}/lib/thrower.js:8:11" in plain.stdout
    assert run_launcher(app, ["a", "b"]) == plain
