"""Issue #2 acceptance: real npm apps run from the snapshot exactly as without it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.e2e.helpers import run_cli, run_launcher, run_plain, snapshot_stats

from v8snap.bake.app import build_app
from v8snap.config import SnapshotConfig

# app name -> argument lists to compare (the first is what the trace ran).
CASES: dict[str, list[list[str]]] = {
    "express4": [[]],
    "typescript5": [[]],
    "yargs17": [[], ["--count", "3", "--tag", "a", "--tag", "b"], ["greet", "ada"], ["--fail"], ["--nope"]],
    "lodash4": [[]],
    "moment2": [[]],
    "ajv8": [[]],
    "rxjs7": [[]],
    "basics": [[], ["x", "--y"]],
}

@pytest.mark.real
@pytest.mark.parametrize("name", sorted(CASES))
def test_app_runs_identically_from_snapshot(
    name: str, app_copy: Callable[..., Path], node: Path, tmp_path: Path
) -> None:
    app = app_copy(name)
    report = build_app(SnapshotConfig(app))
    assert report.blob.is_file() and report.meta.blob_size > 0
    assert report.meta.healthy, "nothing was initialized in the snapshot"
    for args in CASES[name]:
        plain = run_plain(node, app, args)
        snap = run_launcher(app, args)
        assert snap == plain, f"{name} {args}: launcher output differs"
        assert run_cli(app, args) == plain, f"{name} {args}: `v8snap run` output differs"
    stats = snapshot_stats(app, CASES[name][0], tmp_path)
    assert stats.get("enabled") is True and stats.get("stale") is None, stats
    assert int(stats["served"]) >= max(1, len(report.meta.healthy) // 2), stats


@pytest.mark.real
def test_basics_env_read_at_load_is_an_assumption(
    app_copy: Callable[..., Path], node: Path, tmp_path: Path
) -> None:
    """A module reading an env var at load is healthy under that value; with another value it re-runs."""
    app = app_copy("basics")
    report = build_app(SnapshotConfig(app))
    assert "./env_greeting.js" in report.meta.healthy
    for env in ({}, {"BASICS_GREETING": "bonjour"}):
        assert run_launcher(app, [], env) == run_plain(node, app, [], env)
    stats_file = tmp_path / "stats.json"
    run_launcher(app, [], {"BASICS_GREETING": "bonjour", "V8SNAP_STATS": str(stats_file)})
    invalidated = json.loads(stats_file.read_text())["invalidated"]
    assert "./env_greeting.js" in invalidated and "./index.js" not in invalidated
    run_launcher(app, [], {"V8SNAP_STATS": str(stats_file)})
    assert json.loads(stats_file.read_text())["invalidated"] == []


@pytest.mark.real
def test_basics_verdicts(app_copy: Callable[..., Path]) -> None:
    meta = build_app(SnapshotConfig(app_copy("basics"))).meta
    codes = {k: m.reason.code if m.reason else None for k, m in meta.modules.items()}
    assert codes["./index.js"] == "MAIN_MODULE"
    assert codes["./http_at_load.js"] == "BUILTIN_CRASHES"  # http aborts node's builder
    # A module that throws at load in the trace is left to Node's loader (same error, same cache state).
    assert "./throws_at_load.js" not in meta.modules
    assert meta.modules["./data.json"].verdict == "healthy"
    assert meta.modules["./a.js"].verdict == meta.modules["./b.js"].verdict == "healthy"
    assert "./broken.js" not in meta.modules  # never loaded: its syntax error is not our problem
    assert not any(k.endswith(".node") for k in meta.modules)  # addons always load from disk


@pytest.mark.real
def test_express_needs_http_yet_runs(app_copy: Callable[..., Path], node: Path) -> None:
    """express@4 loads `http` at load time: bundling it naively crashes node's builder."""
    app = app_copy("express4")
    meta = build_app(SnapshotConfig(app)).meta
    # the printer dropped comments from the blob; the licence ones are kept beside it
    assert "MIT Licensed" in (app / ".v8snap" / "licenses.txt").read_text()
    crash = [k for k, m in meta.modules.items() if m.reason and m.reason.detail == "http"]
    assert crash, "some express module must have been deferred for requiring http"
    assert run_launcher(app, []) == run_plain(node, app, [])
