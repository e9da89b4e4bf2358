"""Apps that install require hooks at startup (the class of @babel/register, ts-node, pirates,
esbuild-register, `require.extensions[...] = ...`): every module a plain run loads after the hook goes
through the hook, so from the blob too; files with an extension node's own loader does not handle stay on
disk (graph kind ``other``)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from tests.e2e.tiny import run

from v8snap.bake.app import build_app
from v8snap.config import SnapshotConfig
from v8snap.graph import discover_graph
from v8snap.node import find_node

# A pirates-style hook: wraps node's `.js` handler and rewrites the source of files under lib/.
HOOK = """
const Module = require('module');
const fs = require('fs');
const orig = Module._extensions['.js'];
Module._extensions['.js'] = function (mod, filename) {
  if (!filename.includes('/lib/')) return orig(mod, filename);
  const src = fs.readFileSync(filename, 'utf8').replace('ORIGINAL', 'HOOKED');
  mod._compile(src, filename);
};
"""

# A module loaded before the hook (served from the blob), then the hook, then modules after it.
INDEX = """
const before = require('./early/val.js');
require('./hook.js');
const after = require('./lib/val.js');
const fn = require('./lib/fn.js');
require.extensions['.txt'] = (m, f) => {
  m.exports = require('fs').readFileSync(f, 'utf8').trim().toUpperCase();
};
console.log(before, after, fn.toString(), require('./data.txt'));
"""


def _app(parent: Path, name: str, hook: str) -> Path:
    app = parent / name
    for d in ("early", "lib"):
        (app / d).mkdir(parents=True)
    (app / "package.json").write_text(json.dumps({"name": name, "version": "1.0.0", "main": "index.js"}))
    (app / "package-lock.json").write_text(json.dumps({"name": name, "lockfileVersion": 3, "packages": {}}))
    (app / "index.js").write_text(INDEX)
    (app / "hook.js").write_text(hook)
    (app / "early" / "val.js").write_text("module.exports = 'ORIGINAL-early';\n")
    (app / "lib" / "val.js").write_text("module.exports = 'ORIGINAL-late';\n")
    (app / "lib" / "fn.js").write_text("module.exports = function f() { return 'ORIGINAL'; };\n")
    (app / "data.txt").write_text("text file\n")
    return app


COMPILE_HOOK = """
const Module = require('module');
const orig = Module.prototype._compile;
Module.prototype._compile = function (content, filename) {
  const src = filename.includes('/lib/') ? content.replace('ORIGINAL', 'HOOKED') : content;
  return orig.call(this, src, filename);
};
"""

REGISTER_HOOKS = """
const { registerHooks } = require('module');
registerHooks({
  load(url, context, next) {
    const r = next(url, context);
    if (url.includes('/lib/') && r.source) r.source = String(r.source).replace('ORIGINAL', 'HOOKED');
    return r;
  },
});
"""


@pytest.mark.parametrize(
    "hook",
    [HOOK, COMPILE_HOOK, REGISTER_HOOKS],
    ids=["extensions-handler", "compile-wrapper", "registerHooks"],
)
def test_modules_after_a_require_hook_go_through_it(tmp_path: Path, hook: str) -> None:
    node = find_node()
    app = _app(tmp_path, "hooked", hook)
    plain = run([str(node), "index.js"], app)
    assert plain.returncode == 0, plain.stderr
    assert "ORIGINAL-early HOOKED-late" in plain.stdout and "TEXT FILE" in plain.stdout

    build_app(SnapshotConfig(app))
    stats = tmp_path / "stats.json"
    got = run([str(app / ".v8snap" / "bin" / "hooked")], app, env={"V8SNAP_STATS": str(stats)})
    assert (got.returncode, got.stdout, got.stderr) == (plain.returncode, plain.stdout, plain.stderr)
    served = json.loads(stats.read_text())["served"]
    assert served >= 2  # index.js and early/val.js came from the blob; lib/ went through the hook


def test_foreign_extensions_stay_on_disk(tmp_path: Path) -> None:
    app = _app(tmp_path, "foreign", HOOK)
    graph = discover_graph(app, node=find_node())
    kinds = {k: m.kind for k, m in graph.modules.items()}
    assert kinds["./data.txt"] == "other"
    assert kinds["./lib/val.js"] == "cjs"


# tsc output for src/lib.ts (`export function fail(): never { // comment\n throw new Error("mapped"); }`).
LIB_JS = """"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.fail = fail;
function fail() {
    // comment
    throw new Error("mapped");
}
//# sourceMappingURL=lib.js.map
"""
LIB_MAP = (
    '{"version":3,"file":"lib.js","sourceRoot":"","sources":["../src/lib.ts"],"names":[],'
    '"mappings":";;AAAA,oBAGC;AAHD,SAAgB,IAAI;IAClB,UAAU;IACV,MAAM,IAAI,KAAK,CAAC,QAAQ,CAAC,CAAC;AAC5B,CAAC"}'
)


def test_source_maps_enabled_at_run_time_map_frames_as_plain(tmp_path: Path) -> None:
    node = find_node()
    app = tmp_path / "mapped"
    (app / "dist").mkdir(parents=True)
    (app / "package.json").write_text(json.dumps({"name": "mapped", "version": "1.0.0", "main": "index.js"}))
    lock = {"name": "mapped", "lockfileVersion": 3, "packages": {}}
    (app / "package-lock.json").write_text(json.dumps(lock))
    (app / "index.js").write_text(
        "const lib = require('./dist/lib.js');\n"
        "try { lib.fail(); } catch (e) { console.log(e.stack.split('\\n').slice(0, 2).join('\\n')); }\n"
    )
    (app / "dist" / "lib.js").write_text(LIB_JS)
    (app / "dist" / "lib.js.map").write_text(LIB_MAP)
    build_app(SnapshotConfig(app))
    launcher = str(app / ".v8snap" / "bin" / "mapped")
    for options in ("", "--enable-source-maps"):
        env = {"NODE_OPTIONS": options} if options else {}
        plain = subprocess.run(
            [str(node), "index.js"], cwd=app, env={**os.environ, **env}, capture_output=True, text=True
        )
        got = subprocess.run([launcher], cwd=app, env={**os.environ, **env}, capture_output=True, text=True)
        assert ("src/lib.ts:3" in plain.stdout) == bool(options), plain.stdout
        assert (got.returncode, got.stdout, got.stderr) == (plain.returncode, plain.stdout, plain.stderr)
