"""The number of CPUs read at load is an assumption (kind `os`), not a reason to defer the module.

`os.cpus().length` (of a stand-in array) and `os.availableParallelism()` read while loading are recorded and
checked at startup; reading anything else of `os.cpus()` at load defers the module (ENV_READ); an array a
module keeps answers from a live `os.cpus()` after the build. Under `taskset` (one CPU allowed) the
`availableParallelism()` assumption fails and the module runs again, as a plain run would see it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tests.e2e.helpers import _run, launcher, run_launcher, run_plain, small_app

from v8snap.bake.app import build_app
from v8snap.config import SnapshotConfig

FILES = {
    "pool.js": "const os = require('os');\nexports.size = Math.max(os.cpus().length - 1, 1);\n"
    "exports.par = os.availableParallelism();\n",
    "kept.js": "exports.cpus = require('os').cpus();\n",
    "model.js": "exports.model = typeof require('os').cpus()[0].model;\n",
    "index.js": "const os = require('os');\nconst { size, par } = require('./pool');\n"
    "const { cpus } = require('./kept');\nconst { model } = require('./model');\n"
    "console.log(size === Math.max(os.cpus().length - 1, 1), par, cpus.length === os.cpus().length,\n"
    "  Array.isArray(cpus), typeof cpus[0].times.user, model);\n",
}


def test_cpu_count_is_an_assumption(tmp_path: Path, node: Path) -> None:
    app = small_app(tmp_path, "cpucount", FILES)
    meta = build_app(SnapshotConfig(app)).meta
    assert {"./pool.js", "./kept.js"} <= set(meta.healthy)
    reason = meta.modules["./model.js"].reason
    assert reason is not None and (reason.code, reason.detail) == ("ENV_READ", "os.cpus()")
    assert run_launcher(app, []) == run_plain(node, app, [])
    taskset = shutil.which("taskset")
    if taskset is not None and (os.cpu_count() or 1) > 1:  # one CPU allowed: availableParallelism() is 1
        plain = _run([taskset, "-c", "0", str(node), str(app / "index.js")], app)
        assert " 1 " in plain.stdout
        assert _run([taskset, "-c", "0", str(launcher(app))], app) == plain
