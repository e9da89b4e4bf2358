"""Terminal facts read at load are assumptions (docs/architecture.md, "Assumptions"): a module that looks
at the terminal while loading (tty.isatty, process.stdout.isTTY / columns / getColorDepth()) is healthy;
at startup the loader checks each fact against the live process and, in a terminal after a build with
pipes, re-runs the module and every module that required it at load. From the blob the output is the plain
run's, piped and in a pseudo-terminal (script(1)), for hand-written modules and for chalk 4 / picocolors.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.e2e.helpers import launcher, run_launcher, run_plain

from v8snap.bake.app import build_app
from v8snap.config import SnapshotConfig
from v8snap.node.npm import ensure_installed

pytestmark = [
    pytest.mark.real,
    pytest.mark.skipif(shutil.which("script") is None, reason="needs script(1) for a pseudo-terminal"),
]
REPO = Path(__file__).resolve().parents[2]

#: What colour libraries read besides the terminal: a CI runner's `CI` turns picocolors' colours on even
#: piped and supports-color's off even in a terminal (observed in `.ci/run` with CI=true).
_COLOUR_ENV = ("CI", "FORCE_COLOR", "NO_COLOR", "NODE_DISABLE_COLORS", "COLORTERM", "TERM_PROGRAM")


@pytest.fixture(autouse=True)
def _terminal_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same colour environment on every machine: an xterm with no CI or colour overrides."""
    for name in _COLOUR_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")


LIBS = {
    "chalk": "./node_modules/chalk/source/index.js",
    "picocolors": "./node_modules/picocolors/picocolors.js",
}

FILES = {
    "package.json": json.dumps({"name": "term", "version": "1.0.0", "main": "index.js"}),
    # keeps the tty module, its isatty and both streams; reads facts at load and uses the streams later
    "colour.js": "const tty = require('tty');\nconst { isatty } = require('tty');\n"
    "const out = process.stdout;\nconst err = process.stderr;\n"
    "const level = out.isTTY && typeof out.getColorDepth === 'function' ? out.getColorDepth() : 0;\n"
    "module.exports = { level, tty1: tty.isatty(1), cols: out.columns, etty: err.isTTY === true,\n"
    "  later: () => [tty.isatty(out.fd), isatty(2), out.isTTY === true, out.fd, out.writable],\n"
    "  write: (s) => out.write(s), ewrite: (s) => err.write(s), out };\n",
    # required colour.js at load: re-run with it
    "paint.js": "const c = require('./colour');\n"
    "module.exports = (s) => (c.level ? `\\x1b[31m${s}\\x1b[39m` : s);\n",
    "plain.js": "module.exports = 'no terminal here';\n",
    "index.js": "const c = require('./colour');\nconst paint = require('./paint');\n"
    "const facts = { level: c.level, tty1: c.tty1, cols: c.cols, etty: c.etty, later: c.later() };\n"
    "c.write('kept: ' + JSON.stringify(facts) + '\\n');\n"
    "c.ewrite('kept stderr\\n');\nconsole.log(paint('painted'), require('./plain'));\n"
    # console.log / util.inspect of a kept stream show the stream
    "console.log(require('util').inspect(c.out, { depth: 0 }).split('\\n').slice(0, 2).join(' '));\n",
}


def _in_pty(cmd: str, cwd: Path) -> str:
    """stdout+stderr of ``cmd`` run in a pseudo-terminal (a shell pipe inside ``cmd`` stays a pipe)."""
    proc = subprocess.run(
        ["script", "-qc", cmd, "/dev/null"], capture_output=True, text=True, timeout=120, cwd=cwd
    )
    return proc.stdout.replace("\r", "")


def _invalidated(app: Path, cmd: Callable[[str], str]) -> tuple[str, list[str]]:
    """(output, keys re-run at startup) of the launcher run through ``cmd(launcher command)``."""
    stats = app / "stats.json"
    stats.unlink(missing_ok=True)
    out = cmd(f"V8SNAP_STATS={shlex.quote(str(stats))} {shlex.quote(str(launcher(app)))}")
    return out, json.loads(stats.read_text())["invalidated"]


@pytest.fixture(scope="module")
def term_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    app = tmp_path_factory.mktemp("tty") / "term"
    app.mkdir()
    for name, text in FILES.items():
        (app / name).write_text(text)
    meta = build_app(SnapshotConfig(app)).meta
    assert {"./colour.js", "./paint.js", "./plain.js"} <= set(meta.healthy), meta.modules
    return app


def test_kept_streams_write_from_the_blob_and_nothing_reruns_when_piped(term_app: Path, node: Path) -> None:
    plain, snap = run_plain(node, term_app, []), run_launcher(term_app, [])
    assert plain.returncode == 0, plain.stderr
    assert '"tty1":false' in plain.stdout and plain.stderr == "kept stderr\n"
    assert (snap.stdout, snap.stderr, snap.returncode) == (plain.stdout, plain.stderr, plain.returncode)
    out, invalidated = _invalidated(term_app, lambda c: subprocess.run(
        c, shell=True, cwd=term_app, capture_output=True, text=True, timeout=120).stdout)
    assert out == plain.stdout and invalidated == []


@pytest.mark.parametrize("pipe", ["", " | cat"], ids=["terminal", "stdout piped, stderr terminal"])
def test_in_a_terminal_the_module_and_its_dependents_rerun(term_app: Path, node: Path, pipe: str) -> None:
    plain = _in_pty(f"{shlex.quote(str(node))} index.js{pipe}", term_app)
    snap, invalidated = _invalidated(term_app, lambda c: _in_pty(c + pipe, term_app))
    if pipe:  # stderr reaches the terminal before or after `cat` relays stdout: compare the lines
        assert sorted(snap.splitlines()) == sorted(plain.splitlines())
    else:
        assert snap == plain
    if pipe:  # stdout is a pipe as at build time; stderr.isTTY read at load is not
        assert '"tty1":false,' in plain and '"etty":true' in plain
        assert sorted(invalidated) == ["./colour.js", "./paint.js"]
    else:
        assert "\x1b[31mpainted\x1b[39m" in plain and '"tty1":true' in plain
        assert sorted(invalidated) == ["./colour.js", "./paint.js"]


@pytest.mark.timeout(600)
@pytest.mark.parametrize("name", ["chalk", "picocolors"])
def test_colour_libraries_in_a_terminal_and_piped(name: str, node: Path, tmp_path: Path) -> None:
    src = REPO / "corpus" / name
    ensure_installed(src, node=node)
    app = tmp_path / name
    subprocess.run(["cp", "-a", str(src), str(app)], check=True)
    shutil.rmtree(app / ".v8snap", ignore_errors=True)
    meta = build_app(SnapshotConfig(app)).meta
    lib = LIBS[name]
    assert lib in meta.healthy, meta.modules.get(lib)
    plain = run_plain(node, app, [])
    assert run_launcher(app, []) == plain and "\x1b[" not in plain.stdout
    plain_tty = _in_pty(f"{shlex.quote(str(node))} index.js", app)
    assert "\x1b[31mred\x1b[39m" in plain_tty
    snap_tty, invalidated = _invalidated(app, lambda c: _in_pty(c, app))
    assert snap_tty == plain_tty and lib in invalidated
