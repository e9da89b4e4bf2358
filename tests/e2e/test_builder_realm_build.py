"""Issue 9 (items 6 and 8), end to end: an app whose modules touch what node's builder lacks or cannot
survive builds without a builder failure to heal, and terminal facts read at load are the run's."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from tests.e2e.helpers import launcher, run_launcher, run_plain

from v8snap.bake.app import build_app
from v8snap.config import SnapshotConfig

pytestmark = pytest.mark.real

WASM = "new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])"


def _app(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True)
    (root / "package.json").write_text(
        json.dumps({"name": root.name, "version": "1.0.0", "main": "index.js"})
    )
    for name, text in files.items():
        (root / name).write_text(text)
    return root


def test_builder_realm_hazards_are_deferred_before_the_builder_runs(tmp_path: Path, node: Path) -> None:
    app = _app(
        tmp_path / "realm",
        {
            "wasm.js": f"async function init() {{ return WebAssembly.compile({WASM}); }}\n"
            "const p = init();\np.catch(() => {});\nmodule.exports = p;\n",
            "sab.js": "module.exports = typeof SharedArrayBuffer.prototype.slice;\n",
            "resp.js": "let ok = true;\ntry { new Response(''); } catch { ok = false; }\n"
            "module.exports = ok;\n",
            "task.js": "const t = console.createTask('x');\n"
            "module.exports = () => t.run(() => 'task ran');\n",
            "pure.js": "module.exports = 'pure';\n",
            "index.js": "require('./wasm').then((m) => console.log('wasm', typeof m));\n"
            "console.log(require('./sab'), require('./resp'), require('./task')(), require('./pure'));\n",
        },
    )
    report = build_app(SnapshotConfig(app))
    assert report.acceptance.healed == []  # the doctor deferred them; nothing failed in the builder
    plain, snap = run_plain(node, app, []), run_launcher(app, [])
    assert plain.returncode == 0, plain.stderr
    assert (snap.stdout, snap.stderr, snap.returncode) == (plain.stdout, plain.stderr, plain.returncode)


@pytest.mark.skipif(shutil.which("script") is None, reason="needs script(1) for a pseudo-terminal")
def test_terminal_read_at_load_is_the_runs_in_a_pty_and_piped(tmp_path: Path, node: Path) -> None:
    app = _app(
        tmp_path / "term",
        {
            "term.js": "module.exports = { tty: !!process.stdout.isTTY, cols: process.stdout.columns };\n",
            "index.js": "console.log(JSON.stringify(require('./term')));\n",
        },
    )
    build_app(SnapshotConfig(app))
    plain, snap = run_plain(node, app, []), run_launcher(app, [])
    assert plain.stdout == snap.stdout == '{"tty":false}\n'

    def in_pty(cmd: str) -> str:
        proc = subprocess.run(
            ["script", "-qc", cmd, "/dev/null"], capture_output=True, text=True, timeout=120, cwd=app
        )
        return proc.stdout.replace("\r", "")

    plain_tty = in_pty(f"{shlex.quote(str(node))} index.js")
    assert json.loads(plain_tty)["tty"] is True
    assert in_pty(shlex.quote(str(launcher(app)))) == plain_tty
