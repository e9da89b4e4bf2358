"""Which built-in modules Node's snapshot builder supports, probed once per node fingerprint and cached.

Node documents a list of built-ins supported in user snapshots; others print "not yet fully verified"
warnings, and some crash the builder outright (``require('http')`` at build time aborts with
``global handle not serialized``, SIGTRAP, no JS stack — observed on node 24.19.0). The list changes
between node versions, so it is measured, not hard-coded: one ``--build-snapshot`` run per built-in.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from v8snap.errors import NodeProcessError
from v8snap.kinds import BuiltinVerdict
from v8snap.node.fingerprint import node_fingerprint
from v8snap.node.helpers import js_path
from v8snap.util import atomic_write_text, node_error_excerpt, user_cache_path

#: A built-in every node's builder supports: if its probe fails, the probing itself is broken (a full temp
#: directory, a broken node), and no verdict may be cached.
CONTROL = "path"

WARNING_MARK = "not yet fully verified"


def default_cache_dir() -> Path:
    """The per-user cache (:func:`v8snap.util.user_cache_path`): ``$V8SNAP_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/v8snap`` or ``~/.cache/v8snap``."""
    return user_cache_path()


def _probe_one(node: Path, name: str, workdir: Path) -> tuple[str, str]:
    """(verdict, builder stderr) for one built-in."""
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
        return BuiltinVerdict.CRASHES, "timed out after 60 s"
    finally:
        blob.unlink(missing_ok=True)
    if proc.returncode != 0:
        return BuiltinVerdict.CRASHES, proc.stderr
    return (BuiltinVerdict.WARNS if WARNING_MARK in proc.stderr else BuiltinVerdict.OK), proc.stderr


def probe_builtins(node: Path, *, cache_dir: Path | None = None, jobs: int | None = None) -> dict[str, str]:
    """Return ``{builtin name: "ok" | "warns" | "crashes"}`` for ``node``.

    Args:
        node: node binary.
        cache_dir: where the per-fingerprint cache lives (default :func:`default_cache_dir`).
        jobs: parallel builder runs (default: CPU count).

    Returns:
        The verdict of every public built-in (names without the ``node:`` prefix). First call per
        fingerprint takes ~10 s on 2 cores (about 70 builder runs); later calls read the cache.

    Raises:
        NodeProcessError: node cannot list its built-ins, or the probe of a built-in every builder supports
            (``path``) fails: the probe environment is broken (message: node's stderr); nothing is cached.
    """
    cache, data = cached_probe("builtins", node, cache_dir)
    if isinstance(data, dict) and data:
        return {str(k): str(v) for k, v in data.items()}
    names = _list_builtins(node)
    with (
        tempfile.TemporaryDirectory(prefix="v8snap-probe-") as tmp,
        ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 2) as pool,
    ):
        results = dict(zip(names, pool.map(lambda n: _probe_one(node, n, Path(tmp)), names), strict=True))
    control = results.get(CONTROL)
    if control is not None and control[0] == "crashes":
        raise NodeProcessError(
            f"probing node's snapshot builder failed: even require('{CONTROL}') does not build "
            f"({node} --build-snapshot in {tempfile.gettempdir()}):\n"
            f"{node_error_excerpt(control[1]) or '(no output)'}",
            hint="check the node binary (--node) and that the temporary directory (TMPDIR) has free space",
        )
    verdicts = {name: verdict for name, (verdict, _) in results.items()}
    store_probe(cache, verdicts)
    return verdicts


def cached_probe(kind: str, node: Path, cache_dir: Path | None = None) -> tuple[Path, object]:
    """The cache file of probe ``kind`` for ``node``'s fingerprint, and its JSON (None when absent or
    unreadable): a probe's result is a fact about one node build, kept per user
    (:func:`default_cache_dir`)."""
    fp = node_fingerprint(node)
    cache = (cache_dir or default_cache_dir()) / (
        f"{kind}-{fp.node}-{fp.arch}-{fp.platform}-{fp.cached_data_tag}.json"
    )
    try:
        return cache, json.loads(cache.read_text())
    except (OSError, json.JSONDecodeError):
        return cache, None


def store_probe(cache: Path, data: object) -> None:
    """Write a probe's result; an unwritable cache only costs the next run another probe."""
    with contextlib.suppress(OSError):
        atomic_write_text(cache, json.dumps(data, indent=1, sort_keys=True))


def _list_builtins(node: Path) -> list[str]:
    """The public built-in names of ``node``.

    Raises:
        NodeProcessError: the helper failed, timed out or printed no JSON list.
    """
    cmd = [str(node), str(js_path("list-builtins.js"))]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise NodeProcessError(f"cannot list node's built-in modules ({node}): {exc}") from exc
    try:
        names = json.loads(proc.stdout) if proc.returncode == 0 else None
    except json.JSONDecodeError:
        names = None
    if not isinstance(names, list):
        raise NodeProcessError(
            f"cannot list node's built-in modules: {node} exited {proc.returncode}:\n"
            f"{node_error_excerpt(proc.stderr or proc.stdout) or '(no output)'}",
            hint="check the node binary (--node)",
        )
    return [str(n) for n in names]
