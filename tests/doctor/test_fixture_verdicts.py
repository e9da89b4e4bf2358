"""Expected verdicts of the doctor on the fixture app (one module per behaviour), cache behaviour."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.doctor.conftest import EXPECTED, NOT_LOADED, write_fixture_app

from v8snap.bake.app import DiagnoseReport, diagnose_app
from v8snap.config import SnapshotConfig


def _cfg(root: Path, **kw: object) -> SnapshotConfig:
    include = tuple(f"lib/{n}" for n in sorted(NOT_LOADED))
    kw.setdefault("assume", False)  # each hazard's own code; assumptions are tested below
    return SnapshotConfig(app_root=root, include=include, timeout=5.0, from_scratch=False, **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DiagnoseReport]:
    root = write_fixture_app(tmp_path_factory.mktemp("doctor") / "app")
    return root, diagnose_app(_cfg(root), jobs=2)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_expected_verdict(fixture_run: tuple[Path, DiagnoseReport], name: str) -> None:
    _, rep = fixture_run
    st = rep.result.state
    key = f"./lib/{name}"
    verdict, code = EXPECTED[name]
    got = "healthy" if key in st.healthy else "deferred" if key in st.deferred else "norewrite"
    reason = st.reasons.get(key)
    assert got == verdict, f"{key}: {got} ({reason})"
    if code is not None:
        assert reason is not None and reason.code == code, f"{key}: {reason}"


def test_reasons_carry_detail_and_app_relative_frame(fixture_run: tuple[Path, DiagnoseReport]) -> None:
    st = fixture_run[1].result.state
    env = st.reasons["./lib/env_leaf.js"]
    assert env.detail == "HOME"
    assert env.stack.startswith("./lib/env_leaf.js:1:")
    assert st.reasons["./lib/deep3.js"].detail == "./lib/deep4.js"
    assert "non-Error thrown: nope" in st.reasons["./lib/throws_string.js"].detail
    assert "TypeError" in st.reasons["./lib/late_defined.js"].detail
    assert st.reasons["./lib/needs_http.js"].detail == "http"


def test_own_package_file_read_joins_the_hash(fixture_run: tuple[Path, DiagnoseReport]) -> None:
    st = fixture_run[1].result.state
    assert st.fs_reads["./node_modules/pkgdata/index.js"] == ["./node_modules/pkgdata/data.json.txt"]


def test_hang_and_exit_do_not_stop_the_doctor(fixture_run: tuple[Path, DiagnoseReport]) -> None:
    stats = fixture_run[1].result.stats
    assert stats.total == len(EXPECTED) + 2  # + index.js, node_modules/pkgdata/index.js
    assert stats.verified >= len(EXPECTED)
    assert stats.restarts >= 1  # kills_worker.js took its worker down; it was restarted


def test_allow_accepts_a_hazard_knowingly(tmp_path: Path) -> None:
    root = write_fixture_app(tmp_path / "app")
    rep = diagnose_app(_cfg(root, allow=("ENV_READ:NODE_ENV",)), jobs=2)
    st = rep.result.state
    assert "./lib/hz_env_node_env.js" in st.healthy
    assert "./lib/env_leaf.js" in st.deferred  # HOME is not allowed


def test_doctor_honours_package_json_options(tmp_path: Path) -> None:
    """`v8snap doctor` starts from the build's prepared context: the package.json "v8snap" allow list
    applies (it used to be read by `v8snap build` only)."""
    root = write_fixture_app(tmp_path / "app")
    pkg = json.loads((root / "package.json").read_text())
    (root / "package.json").write_text(json.dumps({**pkg, "v8snap": {"allow": ["ENV_READ:NODE_ENV"]}}))
    st = diagnose_app(_cfg(root), jobs=2).result.state
    assert "./lib/hz_env_node_env.js" in st.healthy
    assert "./lib/env_leaf.js" in st.deferred


def test_cache_nothing_changed_then_one_file_changed(tmp_path: Path) -> None:
    root = write_fixture_app(tmp_path / "app")
    first = diagnose_app(_cfg(root), jobs=2)
    assert first.result.stats.verified > 0
    again = diagnose_app(_cfg(root), jobs=2)
    assert again.result.stats.verified == 0
    assert again.result.state.healthy == first.result.state.healthy
    assert again.result.state.deferred == first.result.state.deferred
    # change a leaf: it and its (transitive) importers are re-verified, nothing else
    (root / "lib" / "deep4.js").write_text("module.exports = 4;\n")
    third = diagnose_app(_cfg(root), jobs=2)
    assert third.result.stats.reverified == {f"./lib/deep{i}.js" for i in (1, 2, 3, 4)}
    assert {f"./lib/deep{i}.js" for i in (1, 2, 3, 4)} <= third.result.state.healthy
    # a module moves from healthy back to deferred when its dependency changes
    (root / "lib" / "deep4.js").write_text("module.exports = process.argv.length;\n")
    fourth = diagnose_app(_cfg(root), jobs=2)
    assert fourth.result.state.reasons["./lib/deep1.js"].code == "DEPENDS_ON_DEFERRED"


def test_from_scratch_ignores_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_fixture_app(tmp_path / "app")
    diagnose_app(_cfg(root), jobs=2)
    monkeypatch.setenv("V8_SNAPSHOT_FROM_SCRATCH", "1")
    cfg = SnapshotConfig(app_root=root, include=_cfg(root).include, timeout=5.0)
    assert diagnose_app(cfg, jobs=2).result.stats.cached == 0


def test_other_v8snap_code_ignores_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Verdicts cached by another version of the verifier/prelude/printer are not reused."""
    import v8snap.doctor.engine as engine

    root = write_fixture_app(tmp_path / "app")
    diagnose_app(_cfg(root), jobs=2)
    assert diagnose_app(_cfg(root), jobs=2).result.stats.verified == 0
    monkeypatch.setattr(engine, "code_identity", lambda: "another v8snap")
    assert diagnose_app(_cfg(root), jobs=2).result.stats.cached == 0


def test_seeds_previous_deferred_and_healthy(tmp_path: Path) -> None:
    root = write_fixture_app(tmp_path / "app")
    rep = diagnose_app(
        _cfg(root),
        jobs=2,
        previous_deferred=frozenset({"./lib/pure.js"}),
        previous_healthy=frozenset({"./lib/hz_cwd.js"}),
    )
    st = rep.result.state
    assert "./lib/pure.js" in st.deferred and st.reasons["./lib/pure.js"].code == "EXPLICIT_DEFER"
    # a wrong healthy seed is caught by the verify-all run
    assert "./lib/hz_cwd.js" in st.deferred and st.reasons["./lib/hz_cwd.js"].code == "CWD_READ"


def test_electron_profile_strict_rules(tmp_path: Path) -> None:
    root = write_fixture_app(tmp_path / "app")
    rep = diagnose_app(_cfg(root, profile="electron"), jobs=2)
    st = rep.result.state
    assert st.reasons["./lib/buffer_at_load.js"].code == "GLOBAL_MISSING"
    assert st.reasons["./lib/hz_os.js"].code == "BUILTIN_UNSUPPORTED"
    assert "./lib/pure.js" in st.healthy


def test_cli_doctor_json(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from v8snap.cli import app

    root = write_fixture_app(tmp_path / "app")
    args = ["doctor", str(root), "--json", "-j", "2", "--no-assume"]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout[res.stdout.index("{") :])
    assert doc["modules"]["./lib/env_leaf.js"]["reason"]["code"] == "ENV_READ"
    assert "./lib/pure.js" in doc["healthy"]


def test_assumptions_make_replayable_reads_healthy(tmp_path: Path) -> None:
    """With assumptions on (the default), env / cwd / argv reads at load are healthy under a startup check;
    the hazards that cannot be checked at startup (clock, random, timers, files outside) still defer."""
    root = write_fixture_app(tmp_path / "app")
    st = diagnose_app(_cfg(root, assume=True), jobs=2).result.state
    for name in ("env_leaf.js", "hz_cwd.js", "hz_argv.js", "hz_tz.js"):
        assert f"./lib/{name}" in st.healthy, (name, st.reasons.get(f"./lib/{name}"))
    for name, (_verdict, code) in EXPECTED.items():
        if code in ("TIME_READ", "RANDOM_READ", "TIMER_AT_INIT", "FS_OUTSIDE_APP"):
            assert f"./lib/{name}" in st.deferred, name
