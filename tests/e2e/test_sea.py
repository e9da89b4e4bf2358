"""`v8snap sea`: the express benchmark app as one executable, run with no node and no node_modules.

A copy of ``benchmarks/apps/express-app`` that also prints ``require.resolve``, ``__filename``,
``require.cache`` facts and two data files read at run time (one found by recording a plain run's reads,
one shipped with ``--asset``) is built, made a single executable, and run from an empty
directory with ``PATH`` holding no node after ``node_modules`` and the data files are deleted: exit code,
stdout and stderr equal the plain run's (taken before the deletion).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from v8snap.bake.app import build_app
from v8snap.cli import app as cli
from v8snap.config import SnapshotConfig
from v8snap.errors import V8SnapError
from v8snap.graph import find_entry

pytestmark = pytest.mark.real

EXTRA = """
const path = require('path');
console.log(path.relative(__dirname, require.resolve('express')), path.basename(__filename));
console.log(require('fs').readFileSync(path.join(__dirname, 'data', 'note.txt'), 'utf8').trim());
const extra = path.join(__dirname, 'extra', 'x.txt');
if (process.env.READ_EXTRA) console.log(require('fs').readFileSync(extra, 'utf8'));
console.log(require.cache[require.resolve('express')].loaded, Object.keys(require.cache).length > 50);
"""


def test_single_executable_runs_without_node(
    app_copy: Callable[..., Path], node: Path, tmp_path: Path
) -> None:
    app = app_copy("bench/express-app")
    entry = find_entry(app)
    entry.write_text(entry.read_text() + EXTRA)
    (app / "data").mkdir()
    (app / "data" / "note.txt").write_text("a data file read at run time\n")  # found by recording reads
    (app / "extra").mkdir()
    (app / "extra" / "x.txt").write_text("read only with READ_EXTRA=1: shipped by --asset")
    build_app(SnapshotConfig(app))
    binary = tmp_path / "dist" / "express-app"
    res = CliRunner().invoke(cli, ["sea", str(app), "-o", str(binary), "--asset", "extra/*.txt"])
    assert res.exit_code == 0, res.output
    assert binary.stat().st_size > 50_000_000 and os.access(binary, os.X_OK)

    empty = tmp_path / "empty"
    empty.mkdir()
    env = {"HOME": str(tmp_path), "PATH": str(tmp_path / "no-such-bin"), "READ_EXTRA": "1"}
    plain = subprocess.run([str(node), str(entry)], cwd=empty, env=env, capture_output=True, timeout=60)
    assert plain.returncode == 0 and b"shipped by --asset" in plain.stdout, plain.stderr
    for gone in ("node_modules", "data", "extra"):
        shutil.rmtree(app / gone)
    sea = subprocess.run([str(binary)], cwd=empty, env=env, capture_output=True, timeout=60)
    assert (sea.returncode, sea.stdout, sea.stderr) == (plain.returncode, plain.stdout, plain.stderr)

    missing = CliRunner().invoke(cli, ["sea", str(app), "-o", str(binary), "--asset", "nothing/*.bin"])
    assert isinstance(missing.exception, V8SnapError) and "matches no file" in str(missing.exception)
