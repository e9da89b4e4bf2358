"""``v8snap install --bin NAME`` and ``v8snap uninstall --bin NAME``: an npm CLI started by v8snap's launcher.

Where the bin is (:func:`find_bin`):

* **project**: ``node_modules/.bin/NAME`` in the given directory or the nearest one above the current
  directory (npm and yarn make it a symlink to the package's script, pnpm a shell script; the package is
  then found by its ``bin`` field among the project's direct dependencies). The snapshot is built with the
  project as app root, so the package's dependencies (hoisted, or in pnpm's store) are in it; the launcher
  replaces ``node_modules/.bin/NAME``, which ``npx NAME`` and ``npm run`` find first on ``PATH``.
* **global**: the package under ``npm root -g`` (its dependencies are nested in it, so it is the app root);
  the launcher goes to ``~/.local/bin/NAME`` (``--bin-dir``), which must come before npm's global ``bin``
  directory on ``PATH``.
* A package directory (``v8snap install --bin tsc node_modules/typescript``) declares the bin itself.

The build (:func:`bin_config`) traces ``NAME --version``, ``NAME --help`` and the user's ``--trace-args``;
its output goes to ``ROOT/.v8snap/bins/NAME`` (blob, meta, launcher ``bin/NAME``), beside any build of the
project's own app. The launcher gives node the path it was run by as ``process.argv[1]``, as running the
original ``.bin`` entry does. When the package is updated (the lockfile or a file baked into the blob is
newer or different), the launcher and the loader print one warning line and run the bin plainly, until the
next ``install --bin``.

Before the launcher replaces it, whatever was at the shadowed path is recorded in
``ROOT/.v8snap/bins/NAME/original.json`` (a symlink and its target; or a file, copied with its bytes, mode
and times; or nothing), and :func:`uninstall_bin` puts exactly that back. If npm replaced the launcher in the
meantime (a reinstall), uninstall leaves npm's entry alone.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from v8snap.config import KNOWN_BENIGN_HAZARDS, SnapshotConfig
from v8snap.errors import BinNotFoundError, V8SnapError
from v8snap.graph.entry import _read_package, package_bins
from v8snap.node import find_node
from v8snap.node.locate import npm_command
from v8snap.util import atomic_write_text, sha256_file

Scope = Literal["project", "global"]

BIN_TRACES: tuple[tuple[str, ...], ...] = (("--version",), ("--help",))
"""Invocations every bin build traces, before the user's ``--trace-args``."""

ORIGINAL_JSON = "original.json"
ORIGINAL_COPY = "original"


@dataclass(frozen=True)
class BinTarget:
    """A bin to build and shadow.

    Attributes:
        name: the bin's name (``tsc``).
        scope: ``project`` (``ROOT/node_modules/.bin``) or ``global`` (``npm root -g``).
        root: the build's app root (real path): the project directory, or the global package's directory.
        package_dir: the package that declares the bin (real path).
        script: the bin's script (real path): the snapshot's entry.
        shadow: the path the launcher takes: ``ROOT/node_modules/.bin/NAME`` or ``~/.local/bin/NAME``.
    """

    name: str
    scope: Scope
    root: Path
    package_dir: Path
    script: Path
    shadow: Path


def _script_of(package_dir: Path, name: str) -> Path | None:
    rel = package_bins(_read_package(package_dir)).get(name)
    if rel is None:
        return None
    script = (package_dir / rel).resolve()
    return script if script.is_file() else None


def _project_packages(root: Path) -> list[Path]:
    """Direct dependencies of a project as installed: ``root/node_modules/<name>`` and ``@scope/<name>``."""
    modules = root / "node_modules"
    out: list[Path] = []
    try:
        entries = sorted(os.scandir(modules), key=lambda e: e.name)
    except OSError:
        return out
    for e in entries:
        if e.name.startswith("."):
            continue
        if e.name.startswith("@"):
            try:
                out += [Path(s.path) for s in sorted(os.scandir(e.path), key=lambda s: s.name)]
            except OSError:
                continue
        else:
            out.append(Path(e.path))
    return out


def _package_of_script(script: Path, name: str, stop: Path) -> Path | None:
    """The package directory above ``script`` (up to ``stop``) whose ``bin`` NAME is that script."""
    for d in script.parents:
        if (d / "package.json").is_file() and _script_of(d, name) == script:
            return d
        if d == stop:
            break
    return None


def _from_project(root: Path, name: str) -> BinTarget:
    root = root.resolve()
    shadow = root / "node_modules" / ".bin" / name
    script: Path | None = None
    package: Path | None = None
    if shadow.is_symlink():  # npm, yarn: a symlink to the script (unless it is our launcher already)
        real = shadow.resolve()
        if ".v8snap" not in real.parts and real.is_file():
            package = _package_of_script(real, name, root)
            script = real if package else None
    if script is None:  # pnpm's shell scripts, or our own launcher: the package that declares the bin
        for candidate in _project_packages(root):
            found = _script_of(candidate.resolve(), name)
            if found is not None:
                package, script = candidate.resolve(), found
                break
    if script is None or package is None:
        raise BinNotFoundError(
            f"no package installed in {root}/node_modules declares the bin {name!r}",
            hint=f"install the package that provides {name} (npm install), or pass its package directory",
        )
    return BinTarget(name, "project", root, package, script, shadow)


def npm_global_root(node: Path | None = None) -> Path:
    """``npm root -g`` of the npm that v8snap runs (the wheel's).

    Raises:
        V8SnapError: npm failed.
    """
    node = node or find_node()
    proc = subprocess.run(
        [*npm_command(node), "root", "-g"], capture_output=True, text=True, timeout=60, check=False
    )
    if proc.returncode != 0 or not proc.stdout.strip():
        raise V8SnapError(f"`npm root -g` failed: {proc.stderr.strip()[-300:]}")
    return Path(proc.stdout.strip().splitlines()[-1])


def _from_global(global_root: Path, name: str, bin_dir: Path, package_dir: Path | None = None) -> BinTarget:
    candidates = [package_dir] if package_dir is not None else _project_packages(global_root.parent)
    for candidate in candidates:
        if candidate is None:
            continue
        script = _script_of(candidate.resolve(), name)
        if script is not None:
            pkg = candidate.resolve()
            return BinTarget(name, "global", pkg, pkg, script, bin_dir / name)
    raise BinNotFoundError(
        f"no package in {global_root} declares the bin {name!r}",
        hint=f"install it globally (npm install -g) or run v8snap in the project that has {name}",
    )


def find_bin(
    name: str,
    pkg_dir: Path | None = None,
    *,
    node: Path | None = None,
    cwd: Path | None = None,
    bin_dir: Path | None = None,
) -> BinTarget:
    """Find bin ``name`` (see the module docstring for the order).

    Args:
        name: bin name as on ``PATH`` (``tsc``).
        pkg_dir: a project directory (holding ``node_modules/.bin/NAME``) or the package directory that
            declares the bin; None: the nearest project above ``cwd``, else npm's global packages.
        node: node binary (for ``npm root -g``).
        cwd: where to start looking (default: the current directory).
        bin_dir: where a global bin's launcher goes (default ``~/.local/bin``).

    Returns:
        A :class:`BinTarget`.

    Raises:
        BinNotFoundError: no package declares the bin there.
    """
    if not name or "/" in name or name in (".", ".."):
        raise BinNotFoundError(f"{name!r} is not a bin name")
    bin_dir = bin_dir or Path.home() / ".local" / "bin"
    if pkg_dir is not None:
        d = pkg_dir.resolve()
        if not d.is_dir():
            raise BinNotFoundError(f"{pkg_dir} is not a directory")
        if _script_of(d, name) is None:
            if os.path.lexists(d / "node_modules" / ".bin" / name) or (d / "node_modules").is_dir():
                return _from_project(d, name)
            raise BinNotFoundError(f"{d}/package.json declares no bin {name!r}")
        if "node_modules" not in d.parts:  # a package of its own (not installed): it is the root
            script = _script_of(d, name)
            assert script is not None
            return BinTarget(name, "project", d, d, script, d / "node_modules" / ".bin" / name)
        groot = npm_global_root(node).resolve()
        if groot in d.parents:
            return _from_global(groot, name, bin_dir, d)
        parts = d.parts
        return _from_project(Path(*parts[: parts.index("node_modules")]), name)
    here = (cwd or Path.cwd()).resolve()
    for d in (here, *here.parents):
        if os.path.lexists(d / "node_modules" / ".bin" / name):
            return _from_project(d, name)
    return _from_global(npm_global_root(node).resolve(), name, bin_dir)


def bin_config(
    target: BinTarget,
    *,
    node: Path | None = None,
    trace_args: tuple[tuple[str, ...], ...] = (),
    strategy: str | None = None,
    measure: bool = True,
) -> SnapshotConfig:
    """The build config of ``target``: its script as entry, traced with ``--version``, ``--help`` and
    ``trace_args``; output in ``ROOT/.v8snap/bins/NAME``."""
    traces = BIN_TRACES + tuple(t for t in trace_args if t not in BIN_TRACES)
    extra: dict[str, object] = {"strategy": strategy} if strategy else {}
    return SnapshotConfig(
        app_root=target.root,
        entry=str(target.script),
        node=node,
        trace_args=traces,
        allow=KNOWN_BENIGN_HAZARDS,
        bin=target.name,
        measure=measure,
        **extra,  # type: ignore[arg-type]
    )


def _record_original(shadow: Path, state: Path) -> dict[str, object]:
    """Save what is at ``shadow`` into ``state`` and return its record."""
    if shadow.is_symlink():
        return {"kind": "symlink", "target": os.readlink(shadow)}
    if shadow.is_file():
        copy = state / ORIGINAL_COPY
        shutil.copy2(shadow, copy)  # bytes, mode and times
        st = shadow.stat()
        return {"kind": "file", "mode": st.st_mode & 0o7777, "sha256": sha256_file(copy)}
    if os.path.lexists(shadow):
        raise V8SnapError(f"{shadow} is neither a file nor a symlink; v8snap will not replace it")
    return {"kind": "absent"}


def _replace_with_symlink(path: Path, target: str) -> None:
    tmp = path.parent / f".{path.name}.v8snap-tmp"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(target)
    os.replace(tmp, path)


def _is_ours(shadow: Path, launcher: Path) -> bool:
    return shadow.is_symlink() and os.readlink(shadow) == str(launcher)


def install_bin(target: BinTarget, launcher: Path) -> Path:
    """Make ``target.shadow`` a symlink to ``launcher`` (atomically), recording what was there first.

    Installing again over our own launcher keeps the first record, so uninstall restores the original.

    Returns:
        The shadow path.

    Raises:
        V8SnapError: the shadow path is a directory (or another kind of file).
    """
    state = launcher.parent.parent
    record = state / ORIGINAL_JSON
    if not (_is_ours(target.shadow, launcher) and record.is_file()):
        if target.shadow.is_symlink() and ".v8snap" in Path(os.readlink(target.shadow)).parts:
            # Another tree's launcher (a project copied with `cp -a`): the original is not known here; npm
            # and yarn would have made the relative symlink to the script.
            original: dict[str, object] = {
                "kind": "symlink",
                "target": os.path.relpath(target.script, target.shadow.parent),
            }
        else:
            original = _record_original(target.shadow, state)
        doc = {"shadow": str(target.shadow), "original": original}
        atomic_write_text(record, json.dumps(doc, indent=1) + "\n")
    target.shadow.parent.mkdir(parents=True, exist_ok=True)
    _replace_with_symlink(target.shadow, str(launcher))
    return target.shadow


def installed_state(shadow: Path) -> Path | None:
    """The build directory (``ROOT/.v8snap/bins/NAME``) whose launcher ``shadow`` links to, or None."""
    if not shadow.is_symlink():
        return None
    launcher = Path(os.readlink(shadow))
    state = launcher.parent.parent
    return state if (state / ORIGINAL_JSON).is_file() and launcher.name == shadow.name else None


def uninstall_bin(shadow: Path, state: Path) -> str:
    """Put back what :func:`install_bin` replaced at ``shadow`` and remove the build in ``state``.

    Returns:
        What was done, one line.

    Raises:
        V8SnapError: the record is unreadable, or the saved copy does not match its recorded sha256.
    """
    try:
        doc = json.loads((state / ORIGINAL_JSON).read_text())
        original = doc["original"]
        kind = original["kind"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise V8SnapError(f"cannot read {state / ORIGINAL_JSON}: {exc}") from exc
    launcher = state / "bin" / shadow.name
    if not _is_ours(shadow, launcher):
        done = f"{shadow} was replaced since install (a reinstall?); left as it is"
    elif kind == "symlink":
        _replace_with_symlink(shadow, str(original["target"]))
        done = f"restored {shadow} -> {original['target']}"
    elif kind == "file":
        copy = state / ORIGINAL_COPY
        if not copy.is_file() or sha256_file(copy) != original.get("sha256"):
            raise V8SnapError(f"the saved copy of {shadow} in {state} is missing or damaged; nothing changed")
        tmp = shadow.parent / f".{shadow.name}.v8snap-tmp"
        tmp.unlink(missing_ok=True)
        shutil.copy2(copy, tmp)
        os.chmod(tmp, int(original["mode"]))
        os.replace(tmp, shadow)
        done = f"restored {shadow} (file, mode {int(original['mode']):o})"
    else:
        shadow.unlink()
        done = f"removed {shadow} (nothing was there before)"
    shutil.rmtree(state, ignore_errors=True)
    for d in (state.parent, state.parent.parent):  # .v8snap/bins, .v8snap: gone when nothing else is there
        try:
            d.rmdir()
        except OSError:
            break
    return done


def find_installed(
    name: str, pkg_dir: Path | None = None, *, cwd: Path | None = None, bin_dir: Path | None = None
) -> tuple[Path, Path]:
    """The shadow and build directory of an installed bin ``name``: in ``pkg_dir`` (a project), else the
    nearest project above ``cwd`` whose ``node_modules/.bin/NAME`` is v8snap's, else ``~/.local/bin/NAME``.

    Raises:
        BinNotFoundError: no v8snap launcher is installed for that bin there.
    """
    bin_dir = bin_dir or Path.home() / ".local" / "bin"
    here = (pkg_dir or cwd or Path.cwd()).resolve()
    candidates = (
        [here / "node_modules" / ".bin" / name]
        if pkg_dir is not None
        else [d / "node_modules" / ".bin" / name for d in (here, *here.parents)]
    )
    if pkg_dir is None:
        candidates.append(bin_dir / name)
    for shadow in candidates:
        state = installed_state(shadow)
        if state is not None:
            return shadow, state
    raise BinNotFoundError(
        f"no v8snap launcher is installed for {name!r} ({', '.join(str(c) for c in candidates[:2])}"
        + (", ..." if len(candidates) > 2 else "")
        + ")",
        hint="`v8snap install --bin NAME` installs one",
    )
