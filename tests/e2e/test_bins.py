"""Issue 14 item 4: ``v8snap install --bin NAME`` / ``uninstall --bin NAME`` on real npm CLIs.

One project (``tests/apps/clis``: typescript, eslint, prettier) copied once per module; each bin is built
once (module-scoped fixture, through the CLI). The cheap tests fake the launcher and check that uninstall
puts back exactly what was there (symlink, file with its bytes and mode, or nothing).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.e2e.helpers import Outcome

from v8snap.errors import BinNotFoundError
from v8snap.launch.bins import find_bin, find_installed, install_bin, installed_state, uninstall_bin
from v8snap.node.locate import npm_command

# bin -> (what the build also traces, the commands compared, the package.json script that runs it)
BINS: dict[str, tuple[str, list[list[str]], str]] = {
    "tsc": ("--noEmit src/bad.ts", [["--version"], ["--noEmit", "src/bad.ts"]], "typecheck"),
    "eslint": ("src/bad.js", [["src/bad.js"], ["src/ok.js"]], "lint"),
    "prettier": ("--check src", [["--check", "src"], ["--check", "src/ok.js"]], "format"),
}


def _cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).parent / "v8snap"
    cmd = [str(exe)] if exe.is_file() else [sys.executable, "-m", "v8snap.cli"]
    return subprocess.run([*cmd, *args], cwd=cwd, capture_output=True, text=True, timeout=900, check=False)


def _run(argv: list[str], cwd: Path, node: Path) -> Outcome:
    env = {**os.environ, "PATH": f"{node.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("NODE_OPTIONS", None)
    proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)
    return Outcome(proc.stdout, proc.stderr, proc.returncode)


@pytest.fixture(scope="module")
def project(installed_app: Callable[[str], Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("bins") / "clis"
    subprocess.run(["cp", "-a", str(installed_app("clis")), str(dest)], check=True)
    shutil.rmtree(dest / ".v8snap", ignore_errors=True)
    return dest


@pytest.fixture(scope="module")
def installed(project: Path) -> dict[str, subprocess.CompletedProcess[str]]:
    originals = {name: os.readlink(project / "node_modules" / ".bin" / name) for name in BINS}
    done = {}
    for name, (traced, _, _) in BINS.items():
        done[name] = _cli(["install", "--bin", name, "--trace-args", traced], project)
        assert done[name].returncode == 0, done[name].stderr
    (project / "originals.json").write_text(json.dumps(originals))
    return done


@pytest.mark.real
@pytest.mark.parametrize("name", sorted(BINS))
def test_bin_runs_identically_through_npx_and_npm_run(
    name: str, project: Path, installed: dict[str, subprocess.CompletedProcess[str]], node: Path
) -> None:
    shadow = project / "node_modules" / ".bin" / name
    state = installed_state(shadow)
    assert state == project / ".v8snap" / "bins" / name, "the shadow is not v8snap's launcher"
    original = json.loads((project / "originals.json").read_text())[name]
    script = (shadow.parent / original).resolve()
    _, traced, script_name = BINS[name]
    for args in traced:
        ref = _run([str(script), *args], project, node)
        assert _run([str(shadow), *args], project, node) == ref, f"{name} {args}"
        assert ref.stdout or ref.stderr
    npm = [*npm_command(node), "run", "--silent", script_name]
    got = _run(npm, project, node)
    shadow.unlink()
    shadow.symlink_to(original)
    try:
        assert got == _run(npm, project, node), f"npm run {script_name}"
    finally:
        shadow.unlink()
        shadow.symlink_to(state / "bin" / name)
    assert got.returncode != 0  # each script reports a problem in a file, with the CLI's own exit code


@pytest.mark.real
def test_updated_package_falls_back_then_uninstall_restores(
    project: Path, installed: dict[str, subprocess.CompletedProcess[str]], node: Path
) -> None:
    shadow = project / "node_modules" / ".bin" / "tsc"
    meta = json.loads((project / ".v8snap" / "bins" / "tsc" / "snapshot-meta.json").read_text())
    script = project / "node_modules" / "typescript" / "bin" / "tsc"
    ref = _run([str(script), "--noEmit", "src/bad.ts"], project, node)
    lock = project / "package-lock.json"
    os.utime(lock)  # npm rewrote the lockfile: a package may have changed
    got = _run([str(shadow), "--noEmit", "src/bad.ts"], project, node)
    assert (got.stdout, got.returncode) == (ref.stdout, ref.returncode)
    if meta["strategy"]["chosen"] == "snapshot":
        warning = got.stderr.removesuffix(ref.stderr).splitlines()
        assert len(warning) == 1 and "rebuild" in warning[0], got.stderr
    res = _cli(["uninstall", "--bin", "tsc"], project / "src")
    assert res.returncode == 0, res.stderr
    assert shadow.is_symlink() and os.readlink(shadow) == "../typescript/bin/tsc"
    assert not (project / ".v8snap" / "bins" / "tsc").exists()
    assert _run([str(shadow), "--noEmit", "src/bad.ts"], project, node) == ref
    again = _cli(["uninstall", "--bin", "tsc"], project)
    assert again.returncode == 1 and "BIN_NOT_FOUND" in again.stderr


def _fake_launcher(root: Path, name: str) -> Path:
    launcher = root / ".v8snap" / "bins" / name / "bin" / name
    launcher.parent.mkdir(parents=True)
    launcher.write_text("#!/bin/sh\necho launcher\n")
    launcher.chmod(0o755)
    return launcher


def _pnpm_like_project(root: Path) -> Path:
    """node_modules/foo -> .pnpm/foo@1.0.0/node_modules/foo, and .bin/foo a shell script (as pnpm writes)."""
    pkg = root / "node_modules" / ".pnpm" / "foo@1.0.0" / "node_modules" / "foo"
    pkg.mkdir(parents=True)
    (pkg / "package.json").write_text('{"name": "foo", "version": "1.0.0", "bin": {"foo": "cli.js"}}')
    (pkg / "cli.js").write_text("#!/usr/bin/env node\nconsole.log('foo')\n")
    (root / "node_modules" / "foo").symlink_to(".pnpm/foo@1.0.0/node_modules/foo")
    (root / "package.json").write_text('{"name": "proj", "dependencies": {"foo": "1.0.0"}}')
    shim = root / "node_modules" / ".bin" / "foo"
    shim.parent.mkdir()
    shim.write_text('#!/bin/sh\nexec node "$basedir/../foo/cli.js" "$@"\n')
    shim.chmod(0o750)
    os.utime(shim, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    return shim


def test_find_bin_in_a_pnpm_layout_and_refusals(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    _pnpm_like_project(root)
    target = find_bin("foo", root)
    assert target.scope == "project" and target.root == root.resolve()
    assert target.script == (root / "node_modules/.pnpm/foo@1.0.0/node_modules/foo/cli.js").resolve()
    assert target.shadow == root / "node_modules" / ".bin" / "foo"
    assert find_bin("foo", cwd=root / "node_modules").script == target.script
    assert find_bin("foo", root / "node_modules" / "foo").root == root.resolve()
    with pytest.raises(BinNotFoundError):
        find_bin("bar", root)
    with pytest.raises(BinNotFoundError):
        find_bin("../x", root)
    res = _cli(["install", "--bin", "bar", str(root)], root)
    assert (
        res.returncode == 1
        and res.stderr.startswith("error [BIN_NOT_FOUND]: ")
        and "Traceback" not in res.stderr
    )


def test_uninstall_restores_file_symlink_or_nothing_exactly(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    shim = _pnpm_like_project(root)
    before = (shim.read_bytes(), stat.S_IMODE(shim.stat().st_mode), shim.stat().st_mtime_ns)
    launcher = _fake_launcher(root, "foo")
    target = find_bin("foo", root)
    install_bin(target, launcher)
    install_bin(target, launcher)  # again over our own launcher: the first record stays
    assert os.readlink(shim) == str(launcher)
    assert find_installed("foo", cwd=root / "node_modules") == (shim, launcher.parent.parent)
    uninstall_bin(*find_installed("foo", root))
    assert not shim.is_symlink()
    assert (shim.read_bytes(), stat.S_IMODE(shim.stat().st_mode), shim.stat().st_mtime_ns) == before
    assert not launcher.exists()

    link = root / "node_modules" / ".bin" / "foo"
    link.unlink()
    link.symlink_to("../foo/cli.js")
    launcher = _fake_launcher(root, "foo")
    install_bin(find_bin("foo", root), launcher)
    uninstall_bin(link, launcher.parent.parent)
    assert os.readlink(link) == "../foo/cli.js"

    # A project copied with its shadows (cp -a): the link points at the other tree's launcher.
    link.unlink()
    link.symlink_to(tmp_path / "elsewhere" / ".v8snap" / "bins" / "foo" / "bin" / "foo")
    launcher = _fake_launcher(root, "foo")
    install_bin(find_bin("foo", root), launcher)
    uninstall_bin(link, launcher.parent.parent)
    assert os.readlink(link) == "../.pnpm/foo@1.0.0/node_modules/foo/cli.js"

    bin_dir = tmp_path / "bin"
    launcher = _fake_launcher(root, "foo")
    gtarget = find_bin("foo", root, bin_dir=bin_dir)
    from dataclasses import replace

    install_bin(replace(gtarget, scope="global", shadow=bin_dir / "foo"), launcher)
    assert find_installed("foo", cwd=tmp_path, bin_dir=bin_dir)[0] == bin_dir / "foo"
    uninstall_bin(bin_dir / "foo", launcher.parent.parent)
    assert not os.path.lexists(bin_dir / "foo")
    assert not (root / ".v8snap").exists()  # the package directory is left as it was
