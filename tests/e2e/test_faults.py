"""Issue #2 faults: whenever the snapshot cannot be used, one warning line and a correct plain run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.e2e.helpers import launcher, run_cli, run_launcher, run_plain

from v8snap.bake.app import build_app
from v8snap.config import SnapshotConfig
from v8snap.launch.run import verify_app

pytestmark = pytest.mark.real


@pytest.fixture
def built(app_copy: Callable[..., Path]) -> Path:
    app = app_copy("basics")
    build_app(SnapshotConfig(app))
    return app


def _one_warning(stderr: str, plain_stderr: str) -> None:
    extra = [line for line in stderr.splitlines() if line not in plain_stderr.splitlines()]
    assert len(extra) == 1 and extra[0].startswith("v8snap: "), stderr


def test_verify_passes_on_fresh_build(built: Path) -> None:
    assert verify_app(SnapshotConfig(built)) == []


def test_changed_blob_bytes(built: Path, node: Path) -> None:
    blob = built / ".v8snap" / "snapshot.blob"
    st = blob.stat()
    data = bytearray(blob.read_bytes())
    data[len(data) // 2] ^= 0xFF
    blob.write_bytes(bytes(data))
    os.utime(blob, ns=(st.st_atime_ns, st.st_mtime_ns))  # even with the old mtime, `run` sees it
    problems = verify_app(SnapshotConfig(built))
    assert any("sha256" in p for p in problems), problems
    plain = run_plain(node, built, ["a"])
    got = run_cli(built, ["a"])
    assert (got.stdout, got.returncode) == (plain.stdout, plain.returncode)
    _one_warning(got.stderr, plain.stderr)


def test_blob_rewritten_later_is_caught_by_launcher(built: Path, node: Path) -> None:
    blob = built / ".v8snap" / "snapshot.blob"
    time.sleep(0.01)
    blob.write_bytes(blob.read_bytes()[:-100])  # truncated and newer than the meta
    plain = run_plain(node, built, [])
    got = run_launcher(built, [])
    assert (got.stdout, got.returncode) == (plain.stdout, plain.returncode)
    _one_warning(got.stderr, plain.stderr)


def test_meta_from_another_node_version(built: Path, node: Path) -> None:
    meta_path = built / ".v8snap" / "snapshot-meta.json"
    meta = json.loads(meta_path.read_text())
    meta["fingerprint"]["node"] = "v22.0.0"
    meta["fingerprint"]["v8"] = "12.4.254.14-node.10"
    meta_path.write_text(json.dumps(meta))
    problems = verify_app(SnapshotConfig(built))
    assert any("fingerprint mismatch" in p and "v22.0.0" in p for p in problems), problems
    plain = run_plain(node, built, [])
    got = run_cli(built, [])
    assert (got.stdout, got.returncode) == (plain.stdout, plain.returncode)
    _one_warning(got.stderr, plain.stderr)


def test_changed_lockfile(app_copy: Callable[..., Path], node: Path) -> None:
    app = app_copy("lodash4")
    build_app(SnapshotConfig(app))
    lock = app / "package-lock.json"
    time.sleep(0.01)
    lock.write_text(lock.read_text().replace('"lockfileVersion": 3', '"lockfileVersion": 3 '))
    assert any("lockfile" in p for p in verify_app(SnapshotConfig(app)))
    plain = run_plain(node, app, [])
    for got in (run_launcher(app, []), run_cli(app, [])):
        assert (got.stdout, got.returncode) == (plain.stdout, plain.returncode)
        _one_warning(got.stderr, plain.stderr)


def test_edited_app_module_is_not_served_stale(built: Path, node: Path, tmp_path: Path) -> None:
    dep = built / "falsy.js"
    time.sleep(0.01)
    dep.write_text(dep.read_text() + "\n// edited after the build\n")
    plain = run_plain(node, built, [])
    got = run_launcher(built, [])
    assert (got.stdout, got.returncode) == (plain.stdout, plain.returncode)
    _one_warning(got.stderr, plain.stderr)
    assert "changed" in got.stderr


def test_opt_out_serves_nothing(built: Path, node: Path, tmp_path: Path) -> None:
    env = {"V8SNAP_DISABLE": "1"}
    assert run_launcher(built, [], env) == run_plain(node, built, [], env)  # launcher: a plain run
    # Booted from the blob directly, V8SNAP_DISABLE=1 resolves nothing from it (Cypress's opt-out).
    stats_file = tmp_path / "s.json"
    blob = built / ".v8snap" / "snapshot.blob"
    subprocess.run(
        [str(node), "--snapshot-blob", str(blob)],
        cwd=built,
        capture_output=True,
        check=True,
        env={**os.environ, **env, "V8SNAP_STATS": str(stats_file)},
    )
    stats = json.loads(stats_file.read_text())
    assert stats["enabled"] is False and stats["served"] == 0


def test_killed_build_leaves_no_usable_blob(app_copy: Callable[..., Path], node: Path) -> None:
    app = app_copy("express4")
    code = (
        "import sys; from pathlib import Path; from v8snap.bake.app import build_app; "
        "from v8snap.config import SnapshotConfig; build_app(SnapshotConfig(Path(sys.argv[1])))"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(app)], start_new_session=True)
    blob = app / ".v8snap" / "snapshot.blob"
    deadline = time.monotonic() + 60
    # Kill while the builder is writing (its temp file exists) or, failing that, just after start.
    while time.monotonic() < deadline and proc.poll() is None:
        if any((app / ".v8snap").rglob(".tmp-snapshot.blob-*")):  # the candidate is built in work/
            break
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not blob.exists() or verify_app(SnapshotConfig(app)) != [] or proc.returncode == 0
    plain = run_plain(node, app, [])
    if launcher(app).exists():
        got = run_launcher(app, [])
        assert (got.stdout, got.returncode) == (plain.stdout, plain.returncode)
    got = run_cli(app, [])
    assert (got.stdout, got.returncode) == (plain.stdout, plain.returncode)
    _one_warning(got.stderr, plain.stderr)
