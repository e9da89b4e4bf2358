"""Package-manager layouts: which manager installed ``node_modules``, its lockfile, and what v8snap refuses.

Three layouts are supported, each as node itself resolves it (no option of v8snap changes resolution):

* **npm** (``node_modules/.package-lock.json``) and **yarn classic** (``node_modules/.yarn-integrity``): a
  flat ``node_modules`` of real directories.
* **pnpm** (``node_modules/.modules.yaml``, ``node_modules/.pnpm``): ``node_modules/<name>`` is a symlink to
  ``node_modules/.pnpm/<name>@<version>/node_modules/<name>``, and a package's own dependencies are symlinks
  beside it. Node resolves a module to its real path (``fs.realpath``), so the snapshot's registry and
  resolver map hold real paths, and ``require.resolve``/``__filename`` give the ``.pnpm`` path as a plain
  run does. Under ``--preserve-symlinks`` node keeps the symlinked path instead; the loader asks node which
  mode is in force (see :func:`symlink_probe`) and then runs the app plainly.

Yarn Plug'n'Play (``.pnp.cjs``/``.pnp.js``, no ``node_modules``) serves packages from zip archives through
its own require hook; v8snap does not snapshot through that hook and refuses the app
(:class:`~v8snap.errors.UnsupportedLayoutError`).

The lockfile is the one of the manager that installed ``node_modules`` (``pnpm-lock.yaml``, ``yarn.lock``,
``npm-shrinkwrap.json`` or ``package-lock.json``): its sha256 is the meta's ``deferredHash`` and its mtime is
checked by the launcher, so a reinstall by that manager makes the snapshot stale.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from v8snap.errors import UnsupportedLayoutError

Manager = Literal["npm", "pnpm", "yarn", ""]

#: node_modules marker file -> the manager that writes it on install.
_MARKERS: tuple[tuple[str, Manager], ...] = (
    (".modules.yaml", "pnpm"),
    (".pnpm", "pnpm"),
    (".yarn-integrity", "yarn"),
    (".yarn-state.yml", "yarn"),
    (".package-lock.json", "npm"),
)

#: manager -> its lockfiles, first match wins.
LOCKFILES_OF: dict[str, tuple[str, ...]] = {
    "npm": ("npm-shrinkwrap.json", "package-lock.json"),
    "pnpm": ("pnpm-lock.yaml",),
    "yarn": ("yarn.lock",),
}

PNP_FILES = (".pnp.cjs", ".pnp.js")
"""Files of a Yarn Plug'n'Play install (its loader hook), at the project root."""

SYMLINK_PROBE = "symlink-probe"
"""The symlink in ``APP/.v8snap`` the loader resolves to tell whether ``--preserve-symlinks`` holds."""


@dataclass(frozen=True)
class Layout:
    """How an app's packages are laid out on disk.

    Attributes:
        manager: ``npm``, ``pnpm``, ``yarn`` (classic, or berry with ``nodeLinker: node-modules``), or ``""``
            when ``node_modules`` carries no marker (no dependencies, or installed by hand).
        lockfile: the manager's lockfile in the app root, or None.
        symlinked: ``node_modules`` holds symlinked packages (pnpm, ``npm link``, workspaces): node's
            ``--preserve-symlinks`` would give modules other paths than the snapshot's real ones.
    """

    manager: Manager
    lockfile: Path | None
    symlinked: bool


def _manager(root: Path) -> Manager:
    modules = root / "node_modules"
    for marker, manager in _MARKERS:
        if os.path.lexists(modules / marker):
            return manager
    return ""


def lockfile_of(root: Path, fallback_order: tuple[str, ...]) -> Path | None:
    """The lockfile of the manager that installed ``root/node_modules``, else the first of
    ``fallback_order`` that exists in ``root`` (None if none does)."""
    names = LOCKFILES_OF.get(_manager(root), ()) + fallback_order
    for name in names:
        p = root / name
        if p.is_file():
            return p
    return None


def _has_symlinked_package(modules: Path) -> bool:
    """``modules`` (a node_modules dir) holds a package, or a scope's package, that is a symlink."""
    try:
        entries = list(os.scandir(modules))
    except OSError:
        return False
    for entry in entries:
        if entry.is_symlink():
            return True
        if entry.name.startswith("@") and entry.is_dir(follow_symlinks=False):
            try:
                if any(e.is_symlink() for e in os.scandir(entry.path)):
                    return True
            except OSError:
                continue
    return False


def detect_layout(root: Path, fallback_order: tuple[str, ...] = ()) -> Layout:
    """The layout of the app at ``root`` (markers and top-level symlinks; a few ``stat`` calls).

    Args:
        root: app directory.
        fallback_order: lockfile names tried when no manager marker is found.

    Returns:
        A :class:`Layout`.
    """
    return Layout(
        _manager(root), lockfile_of(root, fallback_order), _has_symlinked_package(root / "node_modules")
    )


def refuse_unsupported(root: Path) -> None:
    """Raise when the app's packages are installed in a way v8snap does not snapshot.

    Raises:
        UnsupportedLayoutError: Yarn Plug'n'Play (``.pnp.cjs``/``.pnp.js`` in ``root``).
    """
    for name in PNP_FILES:
        if (root / name).is_file():
            raise UnsupportedLayoutError(
                f"{root} is installed with Yarn Plug'n'Play ({name}): its packages are served from zip "
                "archives by Yarn's own require hook, which v8snap does not snapshot",
                hint="install with node_modules (`nodeLinker: node-modules` in .yarnrc.yml, then `yarn "
                "install`), or with npm or pnpm, and build again",
            )


def symlink_probe(out_dir: Path, target: Path) -> Path:
    """Create (or keep) ``out_dir/symlink-probe``, a relative symlink to ``target`` (an existing file of the
    app: the build passes its entry), and return its path.

    The loader asks node's own resolver for this path (``Module._findPath``): the answer is the link itself
    under ``--preserve-symlinks`` (``NODE_OPTIONS`` or ``NODE_PRESERVE_SYMLINKS=1``) and the real path
    otherwise, whatever way the flag was given. A snapshot whose modules are reached through symlinks
    (:attr:`Layout.symlinked`) then runs the app plainly, as node would load it.
    """
    link = out_dir / SYMLINK_PROBE
    rel = os.path.relpath(target, out_dir)
    if not (link.is_symlink() and os.readlink(link) == rel):
        tmp = out_dir / f".tmp-{SYMLINK_PROBE}"
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(rel)
        os.replace(tmp, link)
    return link
