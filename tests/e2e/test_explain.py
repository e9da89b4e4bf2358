"""`v8snap doctor --explain MODULE` shows the printer's work on one module, as last built."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from v8snap.bake.app import build_app
from v8snap.cli import app as cli
from v8snap.config import SnapshotConfig


@pytest.mark.real
def test_explain_shows_lazy_requires_with_reasons(app_copy: Callable[..., Path]) -> None:
    root = app_copy("express4")
    build_app(SnapshotConfig(root))
    key = "node_modules/get-intrinsic/index.js"  # healthy; requires async-function (deferred) lazily
    res = CliRunner().invoke(cli, ["doctor", str(root), "--explain", key])
    assert res.exit_code == 0, res.output
    line = "lazy-require getAsyncFunction (async-function): 'async-function' is not healthy"
    assert line in " ".join(res.stdout.split())
    assert "+++ b/node_modules/get-intrinsic/index.js (snapshot)" in res.stdout
    # A deferred module goes into the blob unrewritten (it runs at run time as in a plain run).
    deferred = CliRunner().invoke(
        cli, ["doctor", str(root), "--explain", "node_modules/express/lib/application.js"]
    )
    assert "deferred" in deferred.stdout and "no rewrite" in deferred.stdout
    assert "lazy-require" not in deferred.stdout
    missing = CliRunner().invoke(cli, ["doctor", str(root), "--explain", "nope.js"])
    assert missing.exit_code != 0
