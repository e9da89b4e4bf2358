"""A tiny app with no npm install: package.json, index.js, a lockfile and one hand-written dependency."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

INDEX = "const dep = require('dep');\nconsole.log('tiny', dep(), JSON.stringify(process.argv.slice(2)));\n"
DEP = "module.exports = () => 'dep1';\n"


def tiny_app(parent: Path, dirname: str, name: str = "tiny") -> Path:
    """Write the app into ``parent/dirname`` and return its path."""
    app = parent / dirname
    dep = app / "node_modules" / "dep"
    dep.mkdir(parents=True)
    (app / "package.json").write_text(json.dumps({"name": name, "version": "1.0.0", "main": "index.js"}))
    (app / "index.js").write_text(INDEX)
    (dep / "package.json").write_text(json.dumps({"name": "dep", "version": "1.0.0", "main": "index.js"}))
    (dep / "index.js").write_text(DEP)
    lock = {"name": name, "lockfileVersion": 3, "packages": {"node_modules/dep": {"version": "1.0.0"}}}
    (app / "package-lock.json").write_text(json.dumps(lock))
    return app


def run(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, **(env or {})}
    full.pop("NODE_OPTIONS", None)
    full.pop("V8SNAP_DISABLE", None)
    return subprocess.run(argv, cwd=cwd, env=full, capture_output=True, text=True, timeout=60)
