"""Warm-up snippets and the app's own build options (package.json "v8snap")."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.e2e.helpers import run_launcher, run_plain

from v8snap.bake.app import build_app
from v8snap.config import SnapshotConfig
from v8snap.errors import AppError, SnapshotBuildError

pytestmark = pytest.mark.real

WARM = "require('typescript').transpileModule('let x: number = 1', { compilerOptions: { target: 2 } });"


def test_warmup_from_package_json_keeps_output_identical(app_copy: Callable[..., Path], node: Path) -> None:
    app = app_copy("typescript5")
    pkg = json.loads((app / "package.json").read_text())
    pkg["v8snap"] = {"warmup": [WARM]}
    (app / "package.json").write_text(json.dumps(pkg))
    report = build_app(SnapshotConfig(app))
    assert "./node_modules/typescript/lib/typescript.js" in report.meta.healthy
    assert run_launcher(app, []) == run_plain(node, app, [])


def test_warmup_that_reads_the_clock_fails_the_build(app_copy: Callable[..., Path]) -> None:
    app = app_copy("lodash4")
    with pytest.raises(SnapshotBuildError) as exc:
        build_app(SnapshotConfig(app, warmup=("globalThis.t = new Date().getTime();",)))
    assert "TIME_READ" in (exc.value.js_stack + str(exc.value))


def test_malformed_package_options_are_a_clear_error(app_copy: Callable[..., Path]) -> None:
    app = app_copy("lodash4")
    pkg = json.loads((app / "package.json").read_text())
    pkg["v8snap"] = {"warmUp": "oops"}
    (app / "package.json").write_text(json.dumps(pkg))
    with pytest.raises(AppError, match='"v8snap" must be an object'):
        build_app(SnapshotConfig(app))
