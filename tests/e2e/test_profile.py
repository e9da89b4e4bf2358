"""Issue #12 item 4: `v8snap profile` splits the launcher's start-up into parts and writes a .cpuprofile."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.e2e.helpers import run_launcher, run_plain
from tests.e2e.tiny import tiny_app
from typer.testing import CliRunner

from v8snap.bake.app import build_app
from v8snap.cli import app as cli
from v8snap.config import SnapshotConfig
from v8snap.errors import NoSnapshotError
from v8snap.profile import profile_app

pytestmark = pytest.mark.real


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    app = tiny_app(tmp_path_factory.mktemp("prof"), "profiled")
    # A module the blob cannot hold (it reads the clock at load): deferred, run at start-up.
    (app / "node_modules" / "dep" / "index.js").write_text(
        "const t = Date.now();\nmodule.exports = () => (t > 0 ? 'dep1' : 'never');\n"
    )
    build_app(SnapshotConfig(app, strategy="snapshot"))
    return app


def test_profile_rows_cover_node_loader_and_modules(built: Path, node: Path) -> None:
    rep = profile_app(SnapshotConfig(built), node, ["a"], rounds=2)
    kinds = {r.kind for r in rep.rows}
    assert {"node", "loader check", "launcher", "app"} <= kinds
    whats = {r.what: r for r in rep.rows}
    assert whats["./node_modules/dep/index.js"].kind == "blob: deferred, compile + run"
    assert whats["./index.js"].kind.startswith("main module")
    assert any(w.startswith("stat of the 2 files") for w in whats)
    assert [r.ms for r in rep.rows] == sorted((r.ms for r in rep.rows), reverse=True)
    assert all(r.ms >= 0 for r in rep.rows) and rep.total_ms > 0 and rep.floor_ms > 0
    assert rep.cpuprofile is not None
    doc = json.loads(rep.cpuprofile.read_text())
    assert doc["nodes"] and doc["samples"] and doc["endTime"] > doc["startTime"]
    # Profiling leaves the app as it was: the launcher's output is still a plain run's.
    assert run_launcher(built, ["a"]) == run_plain(node, built, ["a"])


def test_profile_command_prints_the_table(built: Path) -> None:
    res = CliRunner().invoke(cli, ["profile", str(built), "--rounds", "1", "--", "--x"])
    assert res.exit_code == 0, res.output
    assert "shell launcher" in res.output and "cpu profile" in res.output and "node -e 0" in res.output


def test_profile_without_a_build_is_one_clear_error(tmp_path: Path) -> None:
    app = tiny_app(tmp_path, "unbuilt")
    res = CliRunner().invoke(cli, ["profile", str(app)])
    # main() renders a V8SnapError as one paragraph (tests/test_errors_contract.py)
    assert isinstance(res.exception, NoSnapshotError) and "no snapshot yet" in str(res.exception)
