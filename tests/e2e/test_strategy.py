"""Issue #12 item 1: the launcher runs the fastest of snapshot / compile cache / plain, measured at build."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from tests.e2e.helpers import launcher, run_launcher, run_plain

from v8snap.bake.app import build_app
from v8snap.bake.meta import SnapshotMeta, StrategyChoice
from v8snap.bake.strategy import MARGIN
from v8snap.config import SnapshotConfig

pytestmark = pytest.mark.real

_PROBE = (
    "console.log(JSON.stringify({argv: process.argv.slice(2), execArgv: process.execArgv,"
    " env: Object.keys(process.env).filter((k) => /V8SNAP|COMPILE_CACHE/.test(k)),"
    " cache: Object.keys(require.cache).map((f) => require('path').basename(f)),"
    " preload: process._preload_modules}));\n"
)


def _app(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "package.json").write_text(json.dumps({"name": root.name, "main": "index.js"}))
    (root / "index.js").write_text(_PROBE)
    return root


def test_measured_choice_is_recorded_and_the_launcher_follows_it(tmp_path: Path, node: Path) -> None:
    app = _app(tmp_path / "tiny")
    report = build_app(SnapshotConfig(app, strategy="auto"))
    choice = report.meta.strategy
    # Nothing healthy in the blob (the main module runs at startup): the snapshot is not even timed.
    assert report.meta.healthy == [] and not choice.forced
    assert set(choice.medians_ms) == {"compile-cache", "plain"}
    m = choice.medians_ms
    # Plain unless the compile cache beats it by the margin (never slower than plain).
    assert choice.chosen == ("compile-cache" if m["compile-cache"] < m["plain"] * (1 - MARGIN) else "plain")
    text = launcher(app).read_text()
    assert ("--snapshot-blob" in text) == (choice.chosen == "snapshot")
    plain = run_plain(node, app, ["--x", "y"])
    assert run_launcher(app, ["--x", "y"]) == plain


@pytest.mark.parametrize("strategy", ["plain", "compile-cache", "snapshot"])
def test_each_strategy_runs_the_app_as_a_plain_run(tmp_path: Path, node: Path, strategy: str) -> None:
    app = _app(tmp_path / f"forced-{strategy}")
    meta = build_app(SnapshotConfig(app, strategy=strategy)).meta  # type: ignore[arg-type]
    assert meta.strategy == StrategyChoice(strategy, {}, forced=True)
    plain = run_plain(node, app, ["a b", "--flag"])
    assert run_launcher(app, ["a b", "--flag"]) == plain
    if strategy == "compile-cache":
        assert any((app / ".v8snap" / "compile-cache").iterdir()), "the preload filled the cache"
        own = run_launcher(app, [], {"NODE_COMPILE_CACHE": str(tmp_path / "own")})
        assert own.returncode == 0 and (tmp_path / "own").is_dir(), "the app's own cache wins"
    assert SnapshotMeta.read(app / ".v8snap" / "snapshot-meta.json").strategy.chosen == strategy


def test_strategy_default_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("V8SNAP_STRATEGY", "plain")
    assert SnapshotConfig(tmp_path).strategy == "plain"
    monkeypatch.setenv("V8SNAP_STRATEGY", "bogus")
    assert SnapshotConfig(tmp_path).strategy == "auto"
    assert os.environ.get("V8SNAP_STRATEGY") == "bogus"


def test_v8snap_run_follows_the_recorded_strategy(tmp_path: Path, node: Path) -> None:
    from tests.e2e.helpers import run_cli

    app = _app(tmp_path / "runplain")
    build_app(SnapshotConfig(app, strategy="plain"))
    (app / ".v8snap" / "snapshot.blob").write_bytes(b"")  # no blob is used: no warning, no check
    got, plain = run_cli(app, ["q"]), run_plain(node, app, ["q"])
    assert (got.stdout, got.stderr, got.returncode) == (plain.stdout, plain.stderr, plain.returncode)
