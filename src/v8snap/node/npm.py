"""Install an app's npm dependencies with the npm bundled next to our node, once per lockfile.

``ensure_installed`` installs with the manager whose lockfile the app has: ``npm ci``
(``package-lock.json``/``npm-shrinkwrap.json``), ``pnpm install --frozen-lockfile`` (``pnpm-lock.yaml``) or
``yarn install --frozen-lockfile`` (``yarn.lock``, yarn classic), only when ``node_modules`` does not match
the lockfile: after a successful install it writes ``node_modules/.v8snap-installed`` holding the lockfile's
sha256, and a later call with the same lockfile is a no-op. pnpm and yarn are the ``pnpm`` and ``yarn``
packages from the npm registry (pinned in :data:`TOOLS`), installed once by npm into the per-user cache
(``<cache>/v8snap/tools/<name>@<version>``, 0700) and run by our node (:func:`tool_command`). Both install
functions take an exclusive ``fcntl`` lock per app directory, so two pytest processes (xdist workers)
installing the same app wait for each other instead of racing inside one ``node_modules``. The lock file
lives in the user's cache directory, not in the app, because ``npm ci`` deletes ``node_modules`` first.
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


#: package manager -> (npm spec, its bin script inside the package). pnpm 10 is the last line whose npm
#: package is plain JavaScript run by node (later ones ship a native executable per platform).
TOOLS: dict[str, tuple[str, str]] = {
    "pnpm": ("pnpm@10.34.9", "bin/pnpm.cjs"),
    "yarn": ("yarn@1.22.22", "bin/yarn.js"),
}

#: lockfile name -> (manager, install arguments that keep the lockfile as it is), in lookup order.
_INSTALLS: dict[str, tuple[str, list[str]]] = {
    "package-lock.json": ("npm", ["ci", *_COMMON_FLAGS]),
    "npm-shrinkwrap.json": ("npm", ["ci", *_COMMON_FLAGS]),
    "pnpm-lock.yaml": ("pnpm", ["install", "--frozen-lockfile", "--config.confirm-modules-purge=false"]),
    "yarn.lock": ("yarn", ["install", "--frozen-lockfile", "--non-interactive", "--no-progress"]),
}


def _lockfile(app_dir: Path) -> Path | None:
    for name in _INSTALLS:
        if (app_dir / name).is_file():
            return app_dir / name
    return None


def npm_tool(
    package: str,
    version: str,
    *,
    node: Path | None = None,
    env: str | None = None,
    scripts: bool = True,
    timeout: float = 600,
) -> Path:
    """The directory holding ``node_modules/<package>`` at exactly ``version``: a tool v8snap runs with our
    node (esbuild, cjs-module-lexer, echarts, postject, pnpm, yarn).

    Installed by npm on first use into the per-user cache (``<cache>/v8snap/tools/<package>-<version>``, a
    0700 directory; npm checks the registry's integrity hashes), under a lock; a stamp file holding the spec
    marks a complete install, so a killed install is redone.

    Args:
        package: npm package name.
        version: exact version.
        node: node binary whose bundled npm installs it (default :func:`v8snap.node.find_node`).
        env: an environment variable that, when set, names a directory already holding
            ``node_modules/<package>`` (offline use); it is returned as it is.
        scripts: run the package's install scripts (False for the package managers).
        timeout: seconds before npm is killed.

    Raises:
        V8SnapError: npm failed or timed out (e.g. no access to the npm registry).
    """
    if env and os.environ.get(env):
        return Path(os.environ[env])
    spec = f"{package}@{version}"
    home = private_dir(user_cache_path("tools", f"{package.replace('/', '+')}-{version}"))
    stamp = home / STAMP_NAME

    def ready() -> bool:
        return (
            (home / "node_modules" / package / "package.json").is_file()
            and stamp.is_file()
            and stamp.read_text(encoding="utf-8").strip() == spec
        )

    if not ready():
        with _app_lock(home):
            if not ready():
                if not (home / "package.json").is_file():
                    atomic_write_text(home / "package.json", '{"private": true}\n')
                flags = _COMMON_FLAGS if scripts else ["--ignore-scripts", "--no-audit", "--no-fund"]
                _run_npm(home, ["install", "--save-exact", *flags, spec], node=node, timeout=timeout)
                atomic_write_text(stamp, spec + "\n")
    return home


def tool_command(name: str, *, node: Path | None = None, timeout: float = 600) -> list[str]:
    """The argv prefix that runs package manager ``name`` (``pnpm`` or ``yarn``) with our node: the pinned
    package of :data:`TOOLS`, installed by :func:`npm_tool`.

    Raises:
        V8SnapError: unknown tool, or npm failed or timed out.
    """
    if name not in TOOLS:
        raise V8SnapError(f"unknown package manager {name!r} (known: {', '.join(sorted(TOOLS))})")
    node = node or find_node()
    spec, script = TOOLS[name]
    home = npm_tool(name, spec.split("@", 1)[1], node=node, scripts=False, timeout=timeout)
    return [str(node), str(home / "node_modules" / name / script)]


def stamp_path(app_dir: Path) -> Path:
    """Path of the install stamp of ``app_dir`` (``node_modules/.v8snap-installed``)."""
    return app_dir / "node_modules" / STAMP_NAME


def is_installed(app_dir: Path) -> bool:
    """Tell whether ``node_modules`` of ``app_dir`` was installed from its current lockfile.

    Args:
        app_dir: directory holding ``package.json`` and a lockfile (npm, pnpm or yarn).

    Returns:
        True when the stamp file exists and holds the sha256 of the lockfile; False otherwise (also when
        there is no lockfile).
    """
    lock = _lockfile(app_dir)
    stamp = stamp_path(app_dir)
    if lock is None or not stamp.is_file():
        return False
    return stamp.read_text(encoding="utf-8").strip() == sha256_file(lock)


def ensure_installed(app_dir: Path, *, node: Path | None = None, timeout: float = 600) -> bool:
    """Install ``app_dir``'s dependencies from its lockfile unless ``node_modules`` already matches it.

    The manager is the lockfile's: ``npm ci``, ``pnpm install --frozen-lockfile`` or ``yarn install
    --frozen-lockfile`` (see the module docstring).

    Args:
        app_dir: directory holding ``package.json`` and a lockfile.
        node: node binary whose bundled npm is used (and that runs pnpm/yarn); default
            :func:`v8snap.node.find_node`.
        timeout: seconds before the install is killed.

    Returns:
        True if the manager ran and installed; False if there is no lockfile or the install is current.

    Raises:
        V8SnapError: the install exited non-zero (the message holds the tail of its stderr) or timed out.
        NodeNotFoundError: no node/npm could be found.
    """
    app_dir = Path(app_dir).resolve()
    lock = _lockfile(app_dir)
    if lock is None or is_installed(app_dir):
        return False
    with _app_lock(app_dir):
        if is_installed(app_dir):  # another process installed it while we waited
            return False
        manager, args = _INSTALLS[lock.name]
        if manager == "npm":
            _run_npm(app_dir, args, node=node, timeout=timeout)
        else:
            _run_npm(app_dir, args, node=node, timeout=timeout, argv0=tool_command(manager, node=node))
        _write_stamp(app_dir)
    return True


def convert_lockfile(app_dir: Path, manager: str, *, node: Path | None = None, timeout: float = 600) -> Path:
    """Write ``manager``'s lockfile from ``app_dir``'s ``package-lock.json`` (``pnpm import`` / ``yarn
    import``), pinning the same versions; ``package-lock.json`` is left in place.

    yarn's import reads the installed tree, so ``node_modules`` is installed with ``npm ci`` first.

    Returns:
        The new lockfile's path.

    Raises:
        V8SnapError: no package-lock.json, unknown manager, or the tool failed.
    """
    app_dir = Path(app_dir).resolve()
    if not (app_dir / "package-lock.json").is_file():
        raise V8SnapError(f"{app_dir} has no package-lock.json to convert")
    tool = tool_command(manager, node=node)
    with _app_lock(app_dir):
        if manager != "yarn":
            _run_npm(app_dir, ["import"], node=node, timeout=timeout, argv0=tool)
        else:
            # yarn 1 would parse package-lock.json itself (and fails on lockfile v3): it reads node_modules
            # only while the npm lockfile is out of the way.
            _run_npm(app_dir, ["ci", *_COMMON_FLAGS], node=node, timeout=timeout)
            lock, aside = app_dir / "package-lock.json", app_dir / ".package-lock.json.v8snap"
            os.replace(lock, aside)
            try:
                _run_npm(app_dir, ["import"], node=node, timeout=timeout, argv0=tool)
            finally:
                os.replace(aside, lock)
    return app_dir / ("yarn.lock" if manager == "yarn" else "pnpm-lock.yaml")


def _write_stamp(app_dir: Path) -> None:
    lock = _lockfile(app_dir)
    if lock is not None:
        atomic_write_text(stamp_path(app_dir), sha256_file(lock) + "\n")


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


def _run_npm(
    app_dir: Path, args: list[str], *, node: Path | None, timeout: float, argv0: list[str] | None = None
) -> None:
    """Run npm (or the tool ``argv0``: pnpm, yarn) with ``args`` in ``app_dir``; raise with its stderr."""
    node = node or find_node()
    tool = "npm" if argv0 is None else Path(argv0[-1]).parent.parent.name
    env = dict(os.environ)
    # Lifecycle scripts run `node ...` from PATH: make it our node, not whatever the system has.
    env["PATH"] = os.pathsep.join([str(node.parent), env.get("PATH", "")])
    env["npm_config_update_notifier"] = "false"
    env["CI"] = env.get("CI") or "true"  # pnpm and yarn: no prompt, no progress bar
    argv = [*(argv0 or npm_command(node)), *args]
    try:
        proc = subprocess.run(
            argv, cwd=app_dir, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise V8SnapError(
            f"{tool} {args[0]} in {app_dir} timed out after {timeout:.0f} s",
            hint="check network access to the npm registry",
        ) from exc
    if proc.returncode != 0:
        raise V8SnapError(
            f"{tool} {args[0]} failed in {app_dir} (exit {proc.returncode}):\n"
            + _summarize_stderr(proc.stderr or proc.stdout),
            hint=f"run the same {tool} command in that directory to see the full log",
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
