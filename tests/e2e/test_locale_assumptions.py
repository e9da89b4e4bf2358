"""The time zone and the default locale are facts of the run: a module that computes a value from local
time or from the default locale at load is healthy under assumptions on TZ / LC_ALL / LC_MESSAGES / LANG
(prelude/guard-locale.js), and from the blob it gives what a plain run gives under other values of them.
Before, such values were baked with the build's time zone and locale."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.e2e.helpers import run_launcher, run_plain

from v8snap.bake.app import build_app
from v8snap.config import SnapshotConfig

LOCAL = """exports.offset = new Date(2020, 0, 1).getTimezoneOffset();
exports.parsed = Date.parse('2020-01-01 10:00');
exports.text = new Date(0).toString();
exports.number = (1234.5).toLocaleString();
exports.upper = 'i'.toLocaleUpperCase();
exports.fixed = (1234.5).toLocaleString('en-US');
"""


def test_time_zone_and_locale_read_at_load_are_assumptions(
    tmp_path: Path, node: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = tmp_path / "app"
    (app / "lib").mkdir(parents=True)
    (app / "package.json").write_text(json.dumps({"name": "locale-app", "main": "index.js"}))
    (app / "lib" / "local.js").write_text(LOCAL)
    (app / "index.js").write_text("console.log(JSON.stringify(require('./lib/local')));\n")
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("LANG", "C.UTF-8")
    report = build_app(SnapshotConfig(app))
    assert "./lib/local.js" in report.meta.healthy
    outputs = set()
    for env in ({}, {"TZ": "America/New_York"}, {"LANG": "de_DE.UTF-8"}, {"LC_ALL": "tr_TR.UTF-8"}):
        plain = run_plain(node, app, [], env=env)
        assert plain.returncode == 0, plain.stderr
        assert run_launcher(app, [], env=env) == plain, env
        outputs.add(plain.stdout)
    assert len(outputs) == 4  # each variable changes what the module computed
