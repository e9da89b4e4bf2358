"""Issue #9: incremental builds give the verdicts of a build from scratch, at every step of a user's day.

build -> build -> touch and edit a module -> build -> change the lockfile -> build -> change a "v8snap"
option -> build, on the demo app; beside it a second copy gets the same edits and is built from scratch
(``V8_SNAPSHOT_FROM_SCRATCH=1``) each time.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.e2e.helpers import run_launcher, run_plain

from v8snap.bake.app import build_app
from v8snap.config import SnapshotConfig

pytestmark = pytest.mark.real


def _verdicts(app: Path) -> dict[str, list[str]]:
    meta = json.loads((app / ".v8snap" / "snapshot-meta.json").read_text())
    return {v: meta[v] for v in ("healthy", "deferred", "norewrite")}


def test_incremental_builds_match_builds_from_scratch(app_copy: Callable[..., Path], node: Path) -> None:
    inc = app_copy("demo")
    ref = app_copy("demo", inc.parent / "ref")
    lib = "node_modules/yargs/build/lib/yargs-factory.js"

    def edit(step: str) -> None:
        for app in (inc, ref):
            if step == "touch":
                p = app / lib
                p.write_text(p.read_text() + "\n// edited\n")
                os.utime(app / "node_modules/express/index.js")
            elif step == "lockfile":
                lock = app / "package-lock.json"
                lock.write_text(json.dumps(json.loads(lock.read_text()), indent=1) + "\n")
            elif step == "option":
                pkg = json.loads((app / "package.json").read_text())
                pkg["v8snap"]["allow"] = ["ENV_READ:FORCE_COLOR"]
                (app / "package.json").write_text(json.dumps(pkg, indent=2))

    first = build_app(SnapshotConfig(inc))
    assert not first.reused_verdicts
    again = build_app(SnapshotConfig(inc))
    assert again.reused_verdicts, "nothing changed: every verdict comes from the cache"
    assert _verdicts(inc) == {v: getattr(first.meta, v) for v in ("healthy", "deferred", "norewrite")}
    for step in ("touch", "lockfile", "option"):
        edit(step)
        build_app(SnapshotConfig(inc))
        build_app(SnapshotConfig(ref, from_scratch=True))
        assert _verdicts(inc) == _verdicts(ref), step
    plain = run_plain(node, inc, ["--name", "x"])
    assert run_launcher(inc, ["--name", "x"]) == plain
