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
from v8snap.bake.timing import Variant
from v8snap.config import SnapshotConfig

pytestmark = pytest.mark.real

_PROBE = (
    "console.log(JSON.stringify({argv: process.argv.slice(2), execArgv: process.execArgv,"
    " env: Object.keys(process.env).filter((k) => /V8SNAP|COMPILE_CACHE/.test(k)),"
    " cache: Object.keys(require.cache).map((f) => require('path').basename(f)),"
    " preload: process._preload_modules}));\n"
)


def _app(root: Path, kind: str = "commonjs") -> Path:
    """A probe app; ``kind`` is its package.json ``type`` (``module``: index.js is an ES module)."""
    root.mkdir(parents=True)
    (root / "package.json").write_text(json.dumps({"name": root.name, "main": "index.js", "type": kind}))
    head = "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n"
    (root / "index.js").write_text((head if kind == "module" else "") + _PROBE)
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


@pytest.mark.parametrize(
    ("strategy", "kind"),
    [
        ("plain", "commonjs"),
        ("compile-cache", "commonjs"),
        ("snapshot", "commonjs"),
        ("compile-cache", "module"),
    ],
)
def test_each_strategy_runs_the_app_as_a_plain_run(
    tmp_path: Path, node: Path, strategy: str, kind: str
) -> None:
    # kind "module": the preload in APP/.v8snap must load as CommonJS under the app's "type": "module"
    # (a .js preload there was loaded as an ES module and failed: observed on prettier-app).
    app = _app(tmp_path / f"forced-{strategy}", kind)
    meta = build_app(SnapshotConfig(app, strategy=strategy)).meta  # type: ignore[arg-type]
    assert meta.strategy == StrategyChoice(strategy, {}, forced=True)
    plain = run_plain(node, app, ["a b", "--flag"])
    assert run_launcher(app, ["a b", "--flag"]) == plain
    if strategy == "compile-cache":
        assert any((app / ".v8snap" / "compile-cache").iterdir()), "the preload filled the cache"
        own = run_launcher(app, [], {"NODE_COMPILE_CACHE": str(tmp_path / "own")})
        assert own.returncode == 0 and (tmp_path / "own").is_dir(), "the app's own cache wins"
    assert SnapshotMeta.read(app / ".v8snap" / "snapshot-meta.json").strategy.chosen == strategy


def test_a_strategy_whose_output_differs_is_not_chosen(tmp_path: Path, node: Path) -> None:
    from v8snap.bake.strategy import choose_strategy

    app = _app(tmp_path / "rejected")
    out = app / ".v8snap"
    out.mkdir()
    seen: list[tuple[tuple[str, ...], str]] = []

    def differs(args: tuple[str, ...], v: Variant) -> str | None:
        seen.append((args, v.name))
        return "exit code 1 from the run, 0 plain" if v.name == "compile-cache" else None

    choice = choose_strategy(
        node,
        app / "index.js",
        out / "none.blob",
        out,
        (("x",),),
        cwd=app,
        rounds=1,
        healthy=0,
        differs=differs,
    )
    assert seen == [(("x",), "compile-cache")]  # judged once, before timing; the snapshot was accepted
    assert choice.chosen == "plain" and set(choice.medians_ms) == {"plain"}
    assert choice.rejected == {"compile-cache": "`x`: exit code 1 from the run, 0 plain"}


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
