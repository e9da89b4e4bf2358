"""Install an app's npm dependencies with the npm bundled next to our node, once per lockfile.

``ensure_installed`` runs ``npm ci`` only when ``node_modules`` does not match ``package-lock.json``:
after a successful install it writes ``node_modules/.v8snap-installed`` holding the lockfile's sha256,
and a later call with the same lockfile is a no-op. Both functions take an exclusive ``fcntl`` lock per
app directory, so two pytest processes (xdist workers) installing the same app wait for each other
instead of racing inside one ``node_modules``. The lock file lives in the temp directory, not in the app,
because ``npm ci`` deletes ``node_modules`` first.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

from v8snap.errors import V8SnapError
from v8snap.node.locate import find_node, npm_command
from v8snap.util import atomic_write_text, private_dir, sha256_file, user_cache_path

STAMP_NAME = ".v8snap-installed"
"""File inside ``node_modules`` holding the sha256 of the lockfile it was installed from."""

_COMMON_FLAGS = ["--no-audit", "--no-fund", "--ignore-scripts=false", "--loglevel=error"]
_STDERR_TAIL_LINES = 15


def stamp_path(app_dir: Path) -> Path:
    """Path of the install stamp of ``app_dir`` (``node_modules/.v8snap-installed``)."""
    return app_dir / "node_modules" / STAMP_NAME


def is_installed(app_dir: Path) -> bool:
    """Tell whether ``node_modules`` of ``app_dir`` was installed from its current lockfile.

    Args:
        app_dir: directory holding ``package.json`` and ``package-lock.json``.

    Returns:
        True when the stamp file exists and holds the sha256 of ``package-lock.json``; False otherwise
        (also when there is no lockfile).
    """
    lock = app_dir / "package-lock.json"
    stamp = stamp_path(app_dir)
    if not lock.is_file() or not stamp.is_file():
        return False
    return stamp.read_text(encoding="utf-8").strip() == sha256_file(lock)


def ensure_installed(app_dir: Path, *, node: Path | None = None, timeout: float = 600) -> bool:
    """Run ``npm ci`` in ``app_dir`` unless its ``node_modules`` already matches ``package-lock.json``.

    Args:
        app_dir: directory holding ``package.json`` and ``package-lock.json``.
        node: node binary whose bundled npm is used; default :func:`v8snap.node.find_node`.
        timeout: seconds before npm is killed.

    Returns:
        True if npm ran and installed; False if there is no lockfile or the install is current.

    Raises:
        V8SnapError: npm exited non-zero (the message holds the tail of its stderr) or timed out.
        NodeNotFoundError: no node/npm could be found.
    """
    app_dir = Path(app_dir).resolve()
    if not (app_dir / "package-lock.json").is_file():
        return False
    if is_installed(app_dir):
        return False
    with _app_lock(app_dir):
        if is_installed(app_dir):  # another process installed it while we waited
            return False
        _run_npm(app_dir, ["ci", *_COMMON_FLAGS], node=node, timeout=timeout)
        _write_stamp(app_dir)
    return True


def npm_install(app_dir: Path, specs: list[str], *, node: Path | None = None, timeout: float = 600) -> None:
    """Run ``npm install --save-exact <specs>`` in ``app_dir`` (updates package.json and the lockfile).

    The install stamp is rewritten for the new lockfile, so a later :func:`ensure_installed` is a no-op.

    Args:
        app_dir: directory holding ``package.json``.
        specs: package specs as npm takes them (``"ms@2.1.3"``); empty means "install what is declared".
        node: node binary whose bundled npm is used; default :func:`v8snap.node.find_node`.
        timeout: seconds before npm is killed.

    Raises:
        V8SnapError: npm exited non-zero (the message holds the tail of its stderr) or timed out.
        NodeNotFoundError: no node/npm could be found.
    """
    app_dir = Path(app_dir).resolve()
    with _app_lock(app_dir):
        _run_npm(app_dir, ["install", "--save-exact", *_COMMON_FLAGS, *specs], node=node, timeout=timeout)
        if (app_dir / "package-lock.json").is_file() and (app_dir / "node_modules").is_dir():
            _write_stamp(app_dir)


def _write_stamp(app_dir: Path) -> None:
    atomic_write_text(stamp_path(app_dir), sha256_file(app_dir / "package-lock.json") + "\n")


@contextlib.contextmanager
def _app_lock(app_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock keyed by the real path of ``app_dir`` (blocks until it is free)."""
    key = hashlib.sha256(os.path.realpath(app_dir).encode("utf-8")).hexdigest()[:24]
    # In the user's own 0700 cache dir, opened without following a symlink: a shared /tmp dir let another
    # user hold the lock forever or point it at a file of ours (created on open).
    lock_dir = private_dir(user_cache_path("npm-locks"))
    fd = os.open(lock_dir / f"{key}.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    with open(fd, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _run_npm(app_dir: Path, args: list[str], *, node: Path | None, timeout: float) -> None:
    node = node or find_node()
    env = dict(os.environ)
    # Lifecycle scripts run `node ...` from PATH: make it our node, not whatever the system has.
    env["PATH"] = os.pathsep.join([str(node.parent), env.get("PATH", "")])
    env["npm_config_update_notifier"] = "false"
    argv = [*npm_command(node), *args]
    try:
        proc = subprocess.run(
            argv, cwd=app_dir, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise V8SnapError(
            f"npm {args[0]} in {app_dir} timed out after {timeout:.0f} s",
            hint="check network access to the npm registry",
        ) from exc
    if proc.returncode != 0:
        raise V8SnapError(
            f"npm {args[0]} failed in {app_dir} (exit {proc.returncode}):\n"
            + _summarize_stderr(proc.stderr or proc.stdout),
            hint="run the same npm command in that directory to see the full log",
        )


def _summarize_stderr(text: str) -> str:
    """The informative part of npm's stderr: blank ``npm error`` lines and the usage text dropped,
    at most ``_STDERR_TAIL_LINES`` lines from the end, plus the "complete log" pointer."""
    lines = [ln.rstrip() for ln in text.strip().splitlines()]
    lines = [ln for ln in lines if ln.strip() not in ("", "npm error", "npm ERR!")]
    log_lines = [ln for ln in lines if "complete log of this run" in ln]
    if "npm error Usage:" in lines:  # EUSAGE: npm appends its whole help text after the reason
        lines = lines[: max(lines.index("npm error Usage:") - 1, 1)]
    kept = lines[-_STDERR_TAIL_LINES:]
    return "\n".join(kept + [ln for ln in log_lines if ln not in kept])
