"""Run the JavaScript unit tests (tests/js/*.test.js) with node's own test runner."""

from __future__ import annotations

import subprocess
from pathlib import Path

JS_TESTS = Path(__file__).parent / "js"


def test_js_units(node: Path) -> None:
    files = sorted(str(p) for p in JS_TESTS.glob("*.test.js"))
    assert files
    proc = subprocess.run(
        [str(node), "--test", "--test-reporter=tap", *files], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "# fail 0" in proc.stdout
