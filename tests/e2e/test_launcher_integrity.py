"""Issue #10, the launcher (items 4-7): no shell injection through names, no stale node_modules served,
no crash on a truncated blob whose mtime was kept, and `verify` refuses what the launcher refuses."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from tests.e2e.tiny import run as _run
from tests.e2e.tiny import tiny_app

from v8snap.bake.app import build_app
from v8snap.config import SnapshotConfig
from v8snap.launch.run import verify_app
from v8snap.node import find_node

ARGS = ["$(touch PWNED-arg)", "a b", "`touch PWNED-arg2`", "é"]


def _launcher(app: Path) -> Path:
    return app / ".v8snap" / "bin" / "tiny"


def _plain(app: Path, cwd: Path) -> tuple[str, str, int]:
    p = _run([str(find_node()), str(app / "index.js"), *ARGS], cwd)
    return p.stdout, p.stderr, p.returncode


def _launch(app: Path, cwd: Path) -> tuple[str, str, int]:
    p = _run([str(_launcher(app)), *ARGS], cwd)
    return p.stdout, p.stderr, p.returncode


def _assert_served(app: Path, cwd: Path) -> None:
    """The launcher ran the app from the blob: the plain run's output and no warning."""
    out, err, rc = _launch(app, cwd)
    assert (out, err, rc) == _plain(app, cwd), (out, err)


def _assert_fallback(app: Path, cwd: Path) -> str:
    """The launcher ran the app plainly: the plain run's stdout and exit code, plus one warning line."""
    out, err, rc = _launch(app, cwd)
    p_out, p_err, p_rc = _plain(app, cwd)
    assert (out, rc) == (p_out, p_rc), (out, err)
    extra = [line for line in err.splitlines() if line not in p_err.splitlines()]
    assert len(extra) == 1 and extra[0].startswith("v8snap: "), err
    return extra[0]


def _touch_later(path: Path) -> None:
    """``touch path``, after the build's meta was written (content unchanged)."""
    time.sleep(0.02)
    os.utime(path)


@pytest.mark.parametrize(
    "dirname",
    [
        "inj$(touch PWNED)",
        "tick`touch PWNED` $HOME ${IFS}",
        "quo'te\"s \\ back\\slash %s \\n",
        "new\nline; touch PWNED #",
        "ünï cödé ✓ 日本",
    ],
    ids=["dollar-paren", "backticks", "quotes", "newline", "non-ascii"],
)
def test_command_injection(tmp_path: Path, dirname: str) -> None:
    parent = tmp_path / "apps ' $(touch PWNED-parent)"
    app = tiny_app(parent, dirname)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    build_app(SnapshotConfig(app))
    assert _run(["sh", "-n", str(_launcher(app))], cwd).returncode == 0
    _assert_served(app, cwd)  # the snapshot branch
    _touch_later(app / "package-lock.json")
    line = _assert_fallback(app, cwd)  # the launcher's own fallback
    assert "stale" in line
    build_app(SnapshotConfig(app))
    _assert_served(app, cwd)
    _touch_later(app / "node_modules" / "dep" / "index.js")
    _assert_fallback(app, cwd)  # the loader's fallback
    assert not [p for p in tmp_path.rglob("*PWNED*") if p.is_file()], list(tmp_path.rglob("*PWNED*"))
    assert not list(Path.cwd().glob("*PWNED*"))


def test_stale_node_modules(tmp_path: Path) -> None:
    app = tiny_app(tmp_path, "app")
    dep = app / "node_modules" / "dep" / "index.js"
    lock = app / "package-lock.json"
    lock_mtime = lock.stat().st_mtime_ns
    build_app(SnapshotConfig(app))
    _assert_served(app, tmp_path)

    # Edited in place (patch-package, a hot-fix): new content served plainly.
    dep.write_text("module.exports = () => 'dep2';\n")
    assert "changed" in _assert_fallback(app, tmp_path)
    assert "dep2" in _launch(app, tmp_path)[0]

    # Replaced by a file of the same size and the same mtime (only the inode tells).
    build_app(SnapshotConfig(app))
    _assert_served(app, tmp_path)
    st = dep.stat()
    other = dep.with_name("new.js")
    other.write_text("module.exports = () => 'dep3';\n")
    assert other.stat().st_size == st.st_size
    os.utime(other, ns=(st.st_atime_ns, st.st_mtime_ns))
    other.replace(dep)
    assert "changed" in _assert_fallback(app, tmp_path)

    # Deleted (a partial reinstall): the plain run's "Cannot find module", not the blob's copy.
    build_app(SnapshotConfig(app))
    _assert_served(app, tmp_path)
    dep.unlink()
    assert "gone" in _assert_fallback(app, tmp_path)
    assert _launch(app, tmp_path)[2] == 1
    assert lock.stat().st_mtime_ns == lock_mtime  # the lockfile was never touched


def test_corrupt_blob_mtime_kept(tmp_path: Path) -> None:
    app = tiny_app(tmp_path, "app")
    build_app(SnapshotConfig(app))
    blob = app / ".v8snap" / "snapshot.blob"
    st = blob.stat()
    for size in (st.st_size // 2, 0, st.st_size + 4096):  # truncate -s, truncate -s 0, grown
        os.truncate(blob, size)
        os.utime(blob, ns=(st.st_atime_ns, st.st_mtime_ns))  # touch -r: the mtime check cannot see it
        _assert_fallback(app, tmp_path)
        assert any("sha256" in p or "size" in p for p in verify_app(SnapshotConfig(app)))


def test_verify_agrees_with_launcher(tmp_path: Path) -> None:
    app = tiny_app(tmp_path, "app")
    cfg = SnapshotConfig(app)
    build_app(cfg)
    assert verify_app(cfg) == []
    _assert_served(app, tmp_path)
    # `touch package-lock.json`: same content (hash unchanged), the launcher refuses the blob.
    _touch_later(app / "package-lock.json")
    _assert_fallback(app, tmp_path)
    assert verify_app(cfg) != []
    # `touch` of a snapshotted module: same content, the loader refuses the blob.
    build_app(cfg)
    assert verify_app(cfg) == []
    _touch_later(app / "node_modules" / "dep" / "index.js")
    _assert_fallback(app, tmp_path)
    assert verify_app(cfg) != []


def test_stale_file_read_at_load(tmp_path: Path) -> None:
    """A data file a healthy module read at load time (its content is in the blob) is checked like a
    module: edited, the launcher runs the app plainly instead of serving the old text."""
    app = tiny_app(tmp_path, "app")
    dep = app / "node_modules" / "dep"
    (dep / "greeting.txt").write_text("Hello\n")
    (dep / "index.js").write_text(
        "const t = require('fs').readFileSync(require('path').join(__dirname, 'greeting.txt'), 'utf8');\n"
        "module.exports = () => t.trim();\n"
    )
    report = build_app(SnapshotConfig(app))
    assert "./node_modules/dep/index.js" in report.meta.healthy
    _assert_served(app, tmp_path)
    (dep / "greeting.txt").write_text("Bye\n")
    assert "greeting.txt changed" in _assert_fallback(app, tmp_path)
    assert "Bye" in _launch(app, tmp_path)[0]
    assert any("greeting.txt changed" in p for p in verify_app(SnapshotConfig(app)))
