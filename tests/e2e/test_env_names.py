"""Listing the environment's names at load is an assumption on the set of names (debug's DEBUG_* options).

The module is healthy; with the same names it is served from the blob, with a variable added it runs again
and sees it, as in a plain run (docs/limits.md, "The environment's names").
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.helpers import run_launcher, run_plain, small_app

from v8snap.bake.app import build_app
from v8snap.config import SnapshotConfig

OPTS = (
    "module.exports = Object.keys(process.env).filter((k) => /^envn_/i.test(k)).sort()\n"
    "  .map((k) => `${k}=${process.env[k]}`);\n"
)


def test_listing_env_names_at_load_is_an_assumption(tmp_path: Path, node: Path) -> None:
    app = small_app(tmp_path, "envnames", {})
    (app / "opts.js").write_text(OPTS)
    # presence alone, without listing the names: recorded as a read (was baked: reviewer's case)
    (app / "has.js").write_text("exports.has = Object.hasOwn(process.env, 'ENVN_A');\n")
    index = "console.log(JSON.stringify(require('./opts.js')), require('./has.js').has);\n"
    (app / "index.js").write_text(index)
    report = build_app(SnapshotConfig(app))
    assert {"./opts.js", "./has.js"} <= set(report.meta.healthy)
    stats = tmp_path / "stats.json"
    for env in ({}, {"ENVN_A": "1", "envn_b": "x"}):
        assert run_launcher(app, [], env) == run_plain(node, app, [], env)
        run_launcher(app, [], {**env, "V8SNAP_STATS": str(stats)})
        invalidated = json.loads(stats.read_text())["invalidated"]
        assert ("./opts.js" in invalidated) == bool(env), (env, invalidated)
        assert ("./has.js" in invalidated) == bool(env), (env, invalidated)
