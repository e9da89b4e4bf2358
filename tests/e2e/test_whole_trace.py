"""Issue #12 item 3: the build traces the whole startup; modules required in later ticks go in the blob."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.e2e.helpers import run_launcher, run_plain, snapshot_stats

from v8snap.bake.app import build_app
from v8snap.config import SnapshotConfig

pytestmark = pytest.mark.real

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_modules_after_the_first_tick_are_snapshotted_and_counted(tmp_path: Path, node: Path) -> None:
    app = tmp_path / "graph-later"
    shutil.copytree(FIXTURES / "graph-later", app)
    report = build_app(SnapshotConfig(app, strategy="snapshot"))
    assert report.later == ("./lib/after-await.js", "./lib/plugin.js")
    keys = set(report.meta.healthy) | set(report.meta.deferred)
    assert {"./lib/in-immediate.js", "./lib/after-await.js", "./lib/plugin.js"} <= keys
    assert run_launcher(app, []) == run_plain(node, app, [])
    stats = snapshot_stats(app, [], tmp_path)
    assert stats["served"] == 5, stats  # every module, the late ones included, came from the blob
