"""The launcher gives node's malloc huge pages (GLIBC_TUNABLES) while the app sees its own environment."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.e2e.helpers import launcher

from v8snap.bake.app import build_app
from v8snap.config import SnapshotConfig
from v8snap.node.hugepages import HUGE_PAGES_TUNABLE

INDEX = """
const lib = require('./lib');
if (process.env.SHOW_PROC) {
  const raw = require('fs').readFileSync('/proc/self/environ', 'latin1').split('\\0');
  process.stderr.write('exec: ' + raw.filter((kv) => kv.startsWith('GLIBC_TUNABLES=')).join(' ') + '\\n');
}
const probe = 'process.env.GLIBC_TUNABLES === undefined ? "unset" : process.env.GLIBC_TUNABLES';
const child = require('child_process').execFileSync(process.execPath, ['-p', probe]).toString().trim();
console.log(JSON.stringify({
  seen: process.env.GLIBC_TUNABLES === undefined ? null : process.env.GLIBC_TUNABLES,
  v8snapVars: Object.keys(process.env).filter((k) => k.startsWith('V8SNAP')),
  child,
  lib: lib.x,
}));
"""


def _env(**extra: str) -> dict[str, str]:
    # V8SNAP_STRATEGY is the test session's own setting (tests/conftest.py), not the launcher's.
    drop = ("GLIBC_TUNABLES", "NODE_OPTIONS", "V8SNAP_STRATEGY")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    return {**env, **extra}


def _run(argv: list[str], app: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=app, env=env, capture_output=True, text=True, timeout=120, check=True)


def test_app_sees_its_own_glibc_tunables(tmp_path: Path, node: Path) -> None:
    app = tmp_path / "hp"
    app.mkdir()
    (app / "package.json").write_text(json.dumps({"name": "hp", "main": "index.js"}))
    (app / "lib.js").write_text("exports.x = 42;\n")
    (app / "index.js").write_text(INDEX)
    build_app(SnapshotConfig(app))
    run = [str(launcher(app))]
    plain = [str(node), str(app / "index.js")]
    for env in (_env(), _env(GLIBC_TUNABLES="glibc.malloc.arena_max=2")):
        assert _run(run, app, env).stdout == _run(plain, app, env).stdout
    out = json.loads(_run(run, app, _env()).stdout)
    assert out == {"seen": None, "v8snapVars": [], "child": "unset", "lib": 42}
    # ld.so did get the tunable: the exec-time environment block holds it.
    shown = _run(run, app, _env(SHOW_PROC="1")).stderr
    assert f"exec: GLIBC_TUNABLES={HUGE_PAGES_TUNABLE}" in shown


def test_no_huge_pages_launcher(tmp_path: Path) -> None:
    app = tmp_path / "nohp"
    app.mkdir()
    (app / "package.json").write_text(json.dumps({"name": "nohp", "main": "index.js"}))
    (app / "index.js").write_text("console.log(1);\n")
    build_app(SnapshotConfig(app, huge_pages=False))
    assert "GLIBC_TUNABLES" not in launcher(app).read_text()
