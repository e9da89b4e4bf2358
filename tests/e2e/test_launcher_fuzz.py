"""Issue #10: the launcher generator over hostile directory, node and app names (hypothesis).

No build: the launcher is rendered into a fake app whose "node" is a shell script recording its argv.
For every name: the script is valid sh (``sh -n``); on the snapshot branch node gets exactly
``--snapshot-blob BLOB -- ARGS``; on the fallback branches (lockfile newer than the meta, blob of another
size) exactly ``ENTRY ARGS`` after one warning line; nothing else runs (no ``PWNED`` file appears: the
names' own ``touch PWNED`` would create one).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from v8snap.bake.launcher import launcher_name, render_launcher
from v8snap.config import SnapshotConfig

FRAGMENTS = [
    "$(touch PWNED)",
    "`touch PWNED`",
    ";touch PWNED;",
    "'",
    '"',
    "\\",
    "\\n",
    "\n",
    "\r",
    "\t",
    " ",
    "$HOME",
    "${IFS}",
    "$@",
    "|",
    "&",
    "*",
    "?",
    "~",
    "!",
    "#",
    "%s",
    "-n",
    "-e",
    "--",
    "é",
    "日本",
    "\u2028",
    "\x1b[31m",
]
_chars = st.characters(blacklist_characters="/\0", blacklist_categories=("Cs",))
_piece = st.sampled_from(FRAGMENTS) | st.text(_chars, min_size=1, max_size=8)
NAMES = (
    st.lists(_piece, min_size=1, max_size=6)
    .map("".join)
    .filter(lambda s: s not in (".", "..") and len(s.encode()) <= 200)
)
ARGS = st.lists(st.sampled_from(FRAGMENTS) | st.text(_chars, max_size=6), max_size=3)

FAKE_NODE = '#!/bin/sh\n: > "$OUT"\nfor a in "$@"; do printf \'%s\\000\' "$a" >> "$OUT"; done\n'
BLOB_SIZE = 1000


def _run(launcher: Path, args: list[str], root: Path, out: Path) -> tuple[list[str], str]:
    env = {k: v for k, v in os.environ.items() if k != "V8SNAP_DISABLE"}
    env["OUT"] = str(out)
    out.unlink(missing_ok=True)
    proc = subprocess.run(
        [str(launcher), *args], cwd=root, env=env, capture_output=True, timeout=20, check=False
    )
    assert proc.returncode == 0, proc.stderr
    argv = out.read_bytes().decode("utf-8", "surrogateescape").split("\0")[:-1]
    return argv, proc.stderr.decode("utf-8", "surrogateescape")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dirname=NAMES, nodedir=NAMES, app_name=st.text(max_size=30) | NAMES, args=ARGS)
def test_launcher_generator_fuzz(dirname: str, nodedir: str, app_name: str, args: list[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="v8snap-fuzz-") as tmp:
        root = Path(tmp)
        app = root / "apps" / dirname
        (app / ".v8snap" / "bin").mkdir(parents=True)
        (app / "package.json").write_text(json.dumps({"name": app_name}))
        name = launcher_name(app)
        assert re.fullmatch(r"[A-Za-z0-9._-]+", name) and name.strip("."), name
        node = root / nodedir / "node"
        node.parent.mkdir(parents=True, exist_ok=True)
        node.write_text(FAKE_NODE)
        node.chmod(0o755)
        cfg = SnapshotConfig(app)
        lock = app / "package-lock.json"
        lock.write_text("{}")
        blob, meta, entry = cfg.blob_path, cfg.meta_path, app / "index.js"
        blob.write_bytes(b"\0" * BLOB_SIZE)
        meta.write_text("{}")
        launcher = app / ".v8snap" / "bin" / name
        launcher.write_bytes(render_launcher(cfg, node, entry, BLOB_SIZE).encode("utf-8", "surrogateescape"))
        launcher.chmod(0o755)
        assert subprocess.run(["sh", "-n", str(launcher)], capture_output=True).returncode == 0
        for p in (node, blob, lock):
            os.utime(p, (1_000_000_000, 1_000_000_000))
        os.utime(meta, (1_000_000_100, 1_000_000_100))
        out = root / "argv"

        argv, err = _run(launcher, args, root, out)
        assert (argv, err) == (["--snapshot-blob", str(blob), "--", *args], "")

        os.utime(lock, (1_000_000_200, 1_000_000_200))  # lockfile newer than the meta
        argv, err = _run(launcher, args, root, out)
        assert argv == [str(entry), *args]
        assert len(err.splitlines()) == 1 and err.startswith("v8snap: "), err

        os.utime(lock, (1_000_000_000, 1_000_000_000))
        with open(blob, "ab") as f:  # another size, mtime kept
            f.write(b"\0")
        os.utime(blob, (1_000_000_000, 1_000_000_000))
        argv, err = _run(launcher, args, root, out)
        assert argv == [str(entry), *args]
        assert len(err.splitlines()) == 1 and err.startswith("v8snap: "), err

        assert not [p for p in root.rglob("PWNED") if p.is_file()]
