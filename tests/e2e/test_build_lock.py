"""Issue #10 item 9: one build of an app at a time (a lock per app); what killed builds left is cleaned."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.e2e.tiny import run, tiny_app

from v8snap.bake.app import build_app
from v8snap.config import SnapshotConfig
from v8snap.launch.run import verify_app

BUILD = (
    "import sys; from pathlib import Path; from v8snap.bake.app import build_app; "
    "from v8snap.config import SnapshotConfig; build_app(SnapshotConfig(Path(sys.argv[1])))"
)


def test_concurrent_builds_serialize(tmp_path: Path) -> None:
    app = tiny_app(tmp_path, "app")
    for _ in range(2):
        procs = [
            subprocess.Popen([sys.executable, "-c", BUILD, str(app)], stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        errors = [p.communicate(timeout=300)[1] for p in procs]
        assert [p.returncode for p in procs] == [0, 0], errors
    assert verify_app(SnapshotConfig(app)) == []
    assert not (app / ".v8snap" / "work").exists()
    got = run([str(app / ".v8snap" / "bin" / "tiny")], tmp_path)
    assert (got.stdout, got.stderr, got.returncode) == ("tiny dep1 []\n", "", 0)


def test_stale_temporaries_are_cleaned(tmp_path: Path) -> None:
    app = tiny_app(tmp_path, "app")
    out = app / ".v8snap"
    planted = [
        out / ".tmp-snapshot.blob-k1ll3d",
        out / ".tmp-snapshot-meta.json-abc",
        out / "bin" / ".tmp-tiny-xyz",
        out / "work" / ".tmp-snapshot.blob-old",
        out / "work" / "modules" / "leftover.js",
    ]
    for p in planted:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"\0" * 4096)
    build_app(SnapshotConfig(app))
    assert [p for p in planted if p.exists()] == []
    assert not (out / "work").exists()
    assert verify_app(SnapshotConfig(app)) == []
