"""The error contract (issue 9): bad input and hard conditions end in one clear paragraph with a stable code
and a distinct exit status, never a traceback (unless --debug); a non-UTF-8 module runs as node runs it.

Apps are tiny and built in tmp_path; most checks stop before node's builder runs.
"""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import v8snap.embed.errors as embed_errors
import v8snap.errors as errors
from v8snap import cli
from v8snap.bake.node_builder import run_node_builder, write_failure
from v8snap.config import SnapshotConfig
from v8snap.doctor.builtins import probe_builtins
from v8snap.doctor.bundle import VerifierBundle
from v8snap.doctor.pool import VerifierPool
from v8snap.errors import (
    FileSystemError,
    NodeProcessError,
    NoSpaceError,
    SnapshotBuildError,
    V8SnapError,
)
from v8snap.util import error_line, node_error_excerpt, read_source


def _cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).parent / "v8snap"
    cmd = [str(exe)] if exe.is_file() else [sys.executable, "-m", "v8snap.cli"]
    full_env = {k: v for k, v in os.environ.items() if k not in ("V8SNAP_DEBUG", "NODE_OPTIONS")}
    full_env.update({"COLUMNS": "200", **(env or {})})
    return subprocess.run([*cmd, *args], capture_output=True, text=True, env=full_env, cwd=cwd, timeout=300)


def _app(root: Path, files: dict[str, bytes | str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "package.json").write_text(json.dumps({"name": root.name, "main": "index.js"}))
    for name, data in files.items():
        path = root / name
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data)
    return root


def _one_paragraph(proc: subprocess.CompletedProcess[str], code: str) -> str:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert f"error [{code}]:" in proc.stderr, proc.stderr
    return proc.stderr


def _can_mount() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("mount") is not None


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[object]:
    """``mount(size, *, files_from=None, read_only=False) -> Path``: a small tmpfs (root only)."""
    mounted: list[Path] = []

    def mount(size: str, *, files_from: Path | None = None, read_only: bool = False) -> Path:
        if not _can_mount():
            pytest.skip("needs root and mount(8) for a tmpfs")
        point = tmp_path / f"mnt{len(mounted)}"
        point.mkdir()
        if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(point)]).returncode:
            pytest.skip("mounting a tmpfs is not permitted here")
        mounted.append(point)
        if files_from is not None:
            shutil.copytree(files_from, point, dirs_exist_ok=True)
        if read_only:
            subprocess.run(["mount", "-o", "remount,ro", str(point)], check=True)
        return point

    yield mount
    for point in reversed(mounted):
        subprocess.run(["umount", "-l", str(point)], check=False)


# ---- codes and exit statuses ---------------------------------------------------------------------
def _subclasses(cls: type) -> list[type]:
    out = [cls]
    for sub in cls.__subclasses__():
        out += _subclasses(sub)
    return out


def test_every_error_class_has_its_own_stable_code() -> None:
    classes = {
        c for c in _subclasses(V8SnapError) if c.__module__ in (errors.__name__, embed_errors.__name__)
    }
    codes = [c.code for c in classes]
    assert len(codes) == len(set(codes)), sorted(codes)
    assert all(c.isupper() and c.replace("_", "").isalnum() for c in codes)
    for c in classes:  # each is documented in v8snap.errors
        assert f"``{c.code}``" in (errors.__doc__ or ""), c
    assert errors.SnapshotStaleError.exit_code == 3
    assert {c.exit_code for c in classes} == {1, 3}


def test_build_error_keeps_the_violation_apart_from_the_code() -> None:
    new = SnapshotBuildError("x", module="./a.js", violation="EXIT_CALLED")
    assert (new.code, new.violation, new.module) == ("BUILD_FAILED", "EXIT_CALLED", "./a.js")
    js = embed_errors.JsError("Error", "denied", "", "ERR_ACCESS_DENIED")
    assert (js.code, js.js_code) == ("JS_ERROR", "ERR_ACCESS_DENIED")


def test_exit_statuses_usage_2_failure_1_stale_3(tmp_path: Path) -> None:
    usage = _cli("build", "--no-such-option")
    assert usage.returncode == 2, usage.stderr
    app = _app(tmp_path / "never-built", {"index.js": "console.log(1)\n"})
    stale = _cli("verify", str(app))
    assert stale.returncode == 3, stale.stderr
    assert "no snapshot built" in _one_paragraph(stale, "SNAPSHOT_STALE")
    missing = _cli("bench", str(app))
    assert missing.returncode == 1
    _one_paragraph(missing, "NO_SNAPSHOT")


def test_a_bug_is_one_paragraph_without_traceback_unless_debug(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(**_kw: object) -> None:
        raise ValueError("boom")

    monkeypatch.setattr(cli, "app", broken)
    monkeypatch.delenv("V8SNAP_DEBUG", raising=False)
    with pytest.raises(SystemExit) as info:
        cli.main()
    text = capsys.readouterr().err
    assert info.value.code == 1
    assert "Traceback" not in text
    assert "bug in v8snap" in text and "ValueError: boom" in text and "--debug" in text and "report" in text
    monkeypatch.setenv("V8SNAP_DEBUG", "1")
    with pytest.raises(SystemExit):
        cli.main()
    text = capsys.readouterr().err
    assert "Traceback" in text and "ValueError: boom" in text


def test_an_environment_oserror_is_not_called_a_bug(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def full(**_kw: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", "/x/.v8snap/snapshot-meta.json")

    monkeypatch.setattr(cli, "app", full)
    monkeypatch.delenv("V8SNAP_DEBUG", raising=False)
    with pytest.raises(SystemExit) as info:
        cli.main()
    text = capsys.readouterr().err
    assert info.value.code == 1
    assert "error [NO_SPACE]" in text and "/x/.v8snap/snapshot-meta.json" in text and "bug" not in text


def test_debug_option_shows_the_traceback(tmp_path: Path) -> None:
    plain = _cli("build", str(tmp_path / "nope"))
    debug = _cli("--debug", "build", str(tmp_path / "nope"))
    assert plain.returncode == debug.returncode == 1
    assert "Traceback" not in plain.stderr and "Traceback" in debug.stderr
    assert "error [APP_NOT_FOUND]" in debug.stderr


# ---- bad input -----------------------------------------------------------------------------------
def test_nonexistent_app_directory(tmp_path: Path) -> None:
    proc = _cli("build", str(tmp_path / "no-such-app"))
    assert proc.returncode == 1
    text = _one_paragraph(proc, "APP_NOT_FOUND")
    assert "does not exist" in text and "package.json" not in text


def test_missing_dependency_shows_nodes_message(tmp_path: Path) -> None:
    app = _app(
        tmp_path / "missing-dep", {"index.js": "const x = require('not-installed-pkg');\nconsole.log(x);\n"}
    )
    proc = _cli("doctor", str(app))
    assert proc.returncode == 1
    text = _one_paragraph(proc, "GRAPH_FAILED")
    assert "Error: Cannot find module 'not-installed-pkg'" in text
    assert "MODULE_NOT_FOUND" in text and "npm install" in text
    assert "node:internal" not in text  # node's own frames are not the user's business


def test_node_error_excerpt_keeps_the_message_and_the_app_frame(node: Path, tmp_path: Path) -> None:
    (tmp_path / "deep.js").write_text(
        "function a(n) { if (n === 0) throw new TypeError('deep failure'); a(n - 1); }\na(30);\n"
    )
    proc = subprocess.run([str(node), str(tmp_path / "deep.js")], capture_output=True, text=True)
    excerpt = node_error_excerpt(proc.stderr)
    assert excerpt.splitlines()[0] == f"{tmp_path / 'deep.js'}:1"
    assert "TypeError: deep failure" in excerpt and "deep.js:1:" in excerpt
    assert len(excerpt.splitlines()) <= 12 and "Node.js v" not in excerpt
    assert node_error_excerpt("a\nb\n\nNode.js v24.0.0\n") == "a\nb"


def test_read_only_app_directory(tmp_path: Path, tmpfs) -> None:  # type: ignore[no-untyped-def]
    src = _app(tmp_path / "ro-app", {"index.js": "console.log('hi');\n"})
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        ro = src  # permissions bind a normal user (root needs a read-only mount)
        ro.chmod(0o555)
    else:
        ro = tmpfs("1m", files_from=src, read_only=True)
    try:
        for command in ("build", "doctor"):
            proc = _cli(command, str(ro))
            assert proc.returncode == 1, proc.stderr
            text = _one_paragraph(proc, "NOT_WRITABLE")
            assert str(ro / ".v8snap") in text and "writable" in text
    finally:
        src.chmod(0o755)


# ---- non-UTF-8 sources ---------------------------------------------------------------------
def test_replacement_decoding_matches_node(node: Path) -> None:
    rnd = random.Random(9)
    pool = [0x41, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF]
    cases = [b"caf\xe9", b"\xed\xa0\x80", b"\xf0\x9f\x98", b"\xc0\xaf", b"\xef\xbb\xbfx", b"\xf4\x90\x80\x80"]
    cases += [bytes(rnd.choice(pool) for _ in range(rnd.randint(1, 8))) for _ in range(1500)]
    js = (
        "const a = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(a.map((h) => Buffer.from(h, 'hex').toString('utf8'))))"
    )
    proc = subprocess.run(
        [str(node), "-e", js], input=json.dumps([c.hex() for c in cases]), capture_output=True, text=True
    )
    theirs = json.loads(proc.stdout)
    ours = [c.decode("utf-8", errors="replace") for c in cases]
    assert [i for i, (a, b) in enumerate(zip(theirs, ours, strict=True)) if a != b] == []


@pytest.mark.parametrize("rewrite", [True, False], ids=["printer", "no-rewrite"])
def test_non_utf8_module_runs_from_the_blob_as_plainly(tmp_path: Path, node: Path, rewrite: bool) -> None:
    lib = (
        b"const s = 'caf\xe9 \xff\xfe ok';\nexports.s = s;\n"
        b"exports.codes = [...s].map((c) => c.charCodeAt(0));\n"
    )
    app = _app(
        tmp_path / "latin",
        {
            "lib.js": lib,
            "index.js": "const l = require('./lib');\nconsole.log(l.s.length, JSON.stringify(l.codes));\n",
        },
    )
    assert "\ufffd" in read_source(app / "lib.js")
    proc = _cli("build", str(app), *([] if rewrite else ["--no-rewrite"]))
    assert proc.returncode == 0, proc.stderr
    meta = json.loads((app / ".v8snap" / "snapshot-meta.json").read_text())
    assert "./lib.js" in meta["healthy"]
    plain = subprocess.run([str(node), "index.js"], cwd=app, capture_output=True, text=True)
    launcher = next((app / ".v8snap" / "bin").iterdir())
    blob = subprocess.run([str(launcher)], cwd=app, capture_output=True, text=True)
    assert "65533" in plain.stdout
    assert (blob.stdout, blob.stderr, blob.returncode) == (plain.stdout, plain.stderr, plain.returncode)


# ---- hints and environment names -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("env", "keep"),
    [({"V8SNAP_KEEP_CONFIG": "1"}, True), ({"SNAPSHOT_KEEP_CONFIG": "1"}, True), ({}, False)],
)
def test_keep_config_reads_the_name_the_hints_give(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, env: dict[str, str], keep: bool
) -> None:
    for name in ("V8SNAP_KEEP_CONFIG", "SNAPSHOT_KEEP_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert SnapshotConfig(app_root=tmp_path).keep_config is keep


# ---- node processes v8snap runs for itself -------------------------------------------------------
def _fake_node(tmp_path: Path, node: Path, *, fail_when: str, message: str) -> Path:
    """A node that fails (``message``, exit 7) when an argument contains ``fail_when``, else is node."""
    fake = tmp_path / "fake-node"
    fake.write_text(
        "#!/bin/sh\n"
        f'for a in "$@"; do case "$a" in *{fail_when}*) echo "{message}" >&2; exit 7;; esac; done\n'
        f'exec "{node}" "$@"\n'
    )
    fake.chmod(0o755)
    return fake


def test_verifier_worker_failure_is_a_node_process_error(tmp_path: Path, node: Path) -> None:
    fake = _fake_node(tmp_path, node, fail_when="verifier.js", message="Error: verifier cannot start here")
    (tmp_path / "bundle.js").write_text("")
    (tmp_path / "config.json").write_text("{}")
    bundle = VerifierBundle(tmp_path / "bundle.js", tmp_path / "config.json", "d", {})
    with VerifierPool(fake, tmp_path, jobs=1) as pool:
        pool.load(bundle, {})
        with pytest.raises(NodeProcessError) as info:
            pool.submit("./a.js")
    assert info.value.code == "NODE_FAILED"
    assert "verifier cannot start here" in str(info.value) and "status 7" in str(info.value)


def test_builtin_probe_failures_are_node_process_errors(tmp_path: Path, node: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    lister = _fake_node(tmp_path / "a", node, fail_when="list-builtins.js", message="Error: cannot list")
    with pytest.raises(NodeProcessError) as info:
        probe_builtins(lister, cache_dir=tmp_path / "cache-a")
    assert "cannot list" in str(info.value)
    builder = _fake_node(tmp_path / "b", node, fail_when="--build-snapshot", message="Error: builder broken")
    with pytest.raises(NodeProcessError) as info:
        probe_builtins(builder, cache_dir=tmp_path / "cache-b", jobs=2)
    assert "builder broken" in str(info.value) and "require('path')" in str(info.value)
    assert not list((tmp_path / "cache-b").glob("builtins-*"))  # no poisoned cache


# ---- full disk -----------------------------------------------------------------------------------
_TOFILE_ABORT = (
    "  #  node[1]: void node::SnapshotData::ToFile(FILE*) const at ../src/node_snapshotable.cc:624\n"
    "  #  Assertion failed: (num_written) == (1)\n"
)


def test_a_failed_blob_write_is_not_a_builder_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "snapshot.blob"
    assert write_failure(0, "", out) is None
    assert write_failure(134, "Check failed: global handle not serialized", out) is None
    real = os.statvfs

    class Full:
        f_bavail, f_frsize = 3, 4096

    monkeypatch.setattr(os, "statvfs", lambda _p: Full())
    full = write_failure(134, _TOFILE_ABORT, out)
    assert isinstance(full, NoSpaceError) and full.code == "NO_SPACE" and str(out) in str(full)
    monkeypatch.setattr(os, "statvfs", real)
    other = write_failure(134, _TOFILE_ABORT, out)  # plenty of room: a write error, not a full disk
    assert isinstance(other, FileSystemError) and not isinstance(other, NoSpaceError)


def test_full_disk_while_writing_the_blob(tmp_path: Path, node: Path, tmpfs) -> None:  # type: ignore[no-untyped-def]
    small = tmpfs("256k")
    script = tmp_path / "snap.js"
    script.write_text("globalThis.x = 1;\n")
    with pytest.raises(NoSpaceError) as info:
        run_node_builder(node, script, small / "snapshot.blob", cwd=tmp_path)
    assert "no space left on device" in str(info.value) and str(small / "snapshot.blob") in str(info.value)
    assert not list(small.iterdir())  # no partial blob left behind


def test_build_error_paragraph_names_module_violation_and_nodes_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], node: Path, tmp_path: Path
) -> None:
    (tmp_path / "snap.js").write_text(
        "function load() { throw new RangeError('not at build time') }\nload();\n"
    )
    stderr = subprocess.run(
        [
            str(node),
            "--snapshot-blob",
            str(tmp_path / "b.blob"),
            "--build-snapshot",
            str(tmp_path / "snap.js"),
        ],
        capture_output=True,
        text=True,
    ).stderr

    def fails(**_kw: object) -> None:
        raise SnapshotBuildError(
            "node's snapshot builder failed",
            module="./lib/a.js",
            violation="UNKNOWN_ERROR",
            js_stack=stderr,
            hint="defer it",
        )

    monkeypatch.setattr(cli, "app", fails)
    monkeypatch.delenv("V8SNAP_DEBUG", raising=False)
    with pytest.raises(SystemExit) as info:
        cli.main()
    lines = capsys.readouterr().err.splitlines()
    assert info.value.code == 1
    assert lines[0] == "error [BUILD_FAILED]: ./lib/a.js: node's snapshot builder failed (UNKNOWN_ERROR)"
    assert any("RangeError: not at build time" in line for line in lines)
    assert lines[-1] == "hint: defer it"


def test_full_disk_build_says_so_instead_of_bisecting(tmp_path: Path, tmpfs) -> None:  # type: ignore[no-untyped-def]
    src = _app(
        tmp_path / "full-app",
        {"index.js": "console.log(require('./lib').x);\n", "lib.js": "exports.x = 1;\n"},
    )
    app = tmpfs("512k", files_from=src)
    proc = _cli("build", str(app))
    assert proc.returncode == 1
    text = _one_paragraph(proc, "NO_SPACE")
    assert "no space left on device" in text and str(app / ".v8snap") in text
    assert "bisect" not in text and "crashes even with no module" not in text


def test_error_line_is_the_message_not_the_last_frame() -> None:
    stderr = "/app/mock.js:4\nTypeError: Cannot set property cache of function require() {} which has"
    stderr += " only a getter\n"
    stderr += "    at Object.fresh (/app/mock.js:4:17)\n"
    stderr += "    at deserializeMain (node:internal/v8/startup_snapshot:117:5)\n"
    assert error_line(stderr).startswith("TypeError: Cannot set property cache")
    assert error_line("  3 failing\n") == "3 failing"
