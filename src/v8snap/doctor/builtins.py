"""Which built-in modules Node's snapshot builder supports, probed once per node fingerprint and cached.

Node documents a list of built-ins supported in user snapshots; others print "not yet fully verified"
warnings, and some crash the builder outright (``require('http')`` at build time aborts with
``global handle not serialized``, SIGTRAP, no JS stack — observed on node 24.19.0). The list changes
between node versions, so it is measured, not hard-coded: one ``--build-snapshot`` run per built-in.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from v8snap.node.fingerprint import node_fingerprint
from v8snap.node.helpers import js_path
from v8snap.util import atomic_write_text

WARNING_MARK = "not yet fully verified"


def default_cache_dir() -> Path:
    """``$V8SNAP_CACHE_DIR`` or ``$XDG_CACHE_HOME/v8snap`` or ``~/.cache/v8snap``."""
    if os.environ.get("V8SNAP_CACHE_DIR"):
        return Path(os.environ["V8SNAP_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "v8snap"


def _probe_one(node: Path, name: str, workdir: Path) -> str:
    blob = workdir / f"{name.replace('/', '_')}.blob"
    env = {**os.environ, "V8SNAP_PROBE_BUILTIN": name}
    try:
        proc = subprocess.run(
            [str(node), "--snapshot-blob", str(blob), "--build-snapshot", str(js_path("probe-builtin.js"))],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            cwd=workdir,
        )
    except subprocess.TimeoutExpired:
        return "crashes"
    finally:
        blob.unlink(missing_ok=True)
    if proc.returncode != 0:
        return "crashes"
    return "warns" if WARNING_MARK in proc.stderr else "ok"


def probe_builtins(node: Path, *, cache_dir: Path | None = None, jobs: int | None = None) -> dict[str, str]:
    """Return ``{builtin name: "ok" | "warns" | "crashes"}`` for ``node``.

    Args:
        node: node binary.
        cache_dir: where the per-fingerprint cache lives (default :func:`default_cache_dir`).
        jobs: parallel builder runs (default: CPU count).

    Returns:
        The verdict of every public built-in (names without the ``node:`` prefix). First call per
        fingerprint takes ~10 s on 2 cores (about 70 builder runs); later calls read the cache.
    """
    fp = node_fingerprint(node)
    cache_dir = cache_dir or default_cache_dir()
    cache = cache_dir / f"builtins-{fp.node}-{fp.arch}-{fp.platform}-{fp.cached_data_tag}.json"
    if cache.is_file():
        try:
            data = json.loads(cache.read_text())
            if isinstance(data, dict) and data:
                return {str(k): str(v) for k, v in data.items()}
        except (OSError, json.JSONDecodeError):
            pass
    names = json.loads(
        subprocess.run(
            [str(node), str(js_path("list-builtins.js"))],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
    )
    with (
        tempfile.TemporaryDirectory(prefix="v8snap-probe-") as tmp,
        ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 2) as pool,
    ):
        verdicts = dict(zip(names, pool.map(lambda n: _probe_one(node, n, Path(tmp)), names), strict=True))
    atomic_write_text(cache, json.dumps(verdicts, indent=1, sort_keys=True))
    return verdicts
