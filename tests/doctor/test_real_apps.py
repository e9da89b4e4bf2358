"""Real packages: verdicts stable across two runs; the built blob runs the app like a plain run."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from v8snap.bake.app import build_app
from v8snap.config import SnapshotConfig
from v8snap.node import find_node

APPS = ["express4", "typescript5", "yargs17", "ajv8", "rxjs7"]


@pytest.mark.real
@pytest.mark.parametrize("name", APPS)
def test_real_app_stable_and_identical(
    name: str, app_copy: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = app_copy(name)
    first = build_app(SnapshotConfig(app_root=root))
    monkeypatch.setenv("V8_SNAPSHOT_FROM_SCRATCH", "1")
    second = build_app(SnapshotConfig(app_root=root))
    assert (first.meta.healthy, first.meta.deferred) == (second.meta.healthy, second.meta.deferred)
    assert len(first.meta.healthy) > 0
    for m in first.meta.deferred:
        assert first.meta.modules[m].reason is not None and first.meta.modules[m].reason.code
    node = find_node()
    plain = subprocess.run([str(node), str(root / "index.js")], cwd=root, capture_output=True, text=True)
    snap = subprocess.run(
        [str(node), "--snapshot-blob", str(second.blob)], cwd=root, capture_output=True, text=True
    )
    assert (snap.returncode, snap.stdout) == (plain.returncode, plain.stdout)


# app -> does the printer rescue parents? (yargs17 has no parent deferred only for a deferred import;
# express4's were the requirers of debug and get-intrinsic, healthy on their own since the envNames
# assumption and the stand-in globals: its deferred modules now all use what they require at load.
# `rescue` is a tiny app where it does.)
RESCUES = {"express4": False, "yargs17": False, "rescue": True}
RESCUE_APP = {
    "package.json": '{"name": "rescue", "main": "index.js"}',
    "index.js": "console.log(require('./holder').later());\n",
    "holder.js": "const seed = require('./seed');\nexports.later = () => typeof seed.value;\n",
    "seed.js": "exports.value = Math.random();\n",  # RANDOM_READ: stays deferred
}


@pytest.mark.real
@pytest.mark.parametrize("name", sorted(RESCUES))
def test_rewrite_mode_pushes_deferral_down(name: str, app_copy: Callable[..., Path], tmp_path: Path) -> None:
    """With the snapshot printer wired in, parents that only hold a deferred import become healthy."""
    if name == "rescue":
        root = tmp_path / name
        root.mkdir()
        for rel, text in RESCUE_APP.items():
            (root / rel).write_text(text)
    else:
        root = app_copy(name)
    plain = build_app(SnapshotConfig(app_root=root, rewrite=False))
    cfg = SnapshotConfig(app_root=root, rewrite=True)
    first = build_app(cfg)
    second = build_app(cfg)
    assert set(plain.meta.healthy) <= set(first.meta.healthy)
    assert (set(plain.meta.healthy) < set(first.meta.healthy)) == RESCUES[name]
    assert first.meta.healthy == second.meta.healthy
    node = find_node()
    out_plain = subprocess.run([str(node), str(root / "index.js")], cwd=root, capture_output=True, text=True)
    snap = subprocess.run(
        [str(node), "--snapshot-blob", str(second.blob)], cwd=root, capture_output=True, text=True
    )
    assert (snap.returncode, snap.stdout) == (out_plain.returncode, out_plain.stdout)
