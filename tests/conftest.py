"""Shared fixtures: the wheel's node and the pinned real apps (installed in place, once per lockfile).

- ``app_source(name) -> Path``: the app's source dir, nothing installed.
- ``node``: path of the node binary v8snap uses (never the system's).
- ``installed_app(name) -> Path``: the app's source dir with ``node_modules`` installed (``npm ci`` on
  first use; a stamp makes later calls free). Names: ``tests/apps/<name>`` (``express4``, ``typescript5``,
  ``yargs17``, ``lodash4``, ``moment2``, ``ajv8``, ``rxjs7``, ``basics``, ``clis``), ``"demo"`` for
  ``examples/demo-app``, ``"bench/<name>"`` for ``benchmarks/apps/<name>``. Do not write into it.
- ``app_copy(name, dest_parent=tmp_path) -> Path``: a private copy (``cp -a``, node_modules included) at
  ``dest_parent/<basename>``; use it whenever a test writes (``.v8snap/``, edits, npm installs).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from v8snap.node import find_node
from v8snap.node.npm import ensure_installed

REPO = Path(__file__).resolve().parent.parent

# Tests check behaviour from the blob: builds keep the snapshot strategy unless a test asks otherwise
# (the measured choice would pick `plain` for most tiny test apps; tests/e2e/test_strategy.py covers it).
os.environ.setdefault("V8SNAP_STRATEGY", "snapshot")


def app_source_dir(name: str) -> Path:
    """Source directory of a named app (see the module docstring for the names)."""
    if name == "demo":
        path = REPO / "examples" / "demo-app"
    elif name.startswith("bench/"):
        path = REPO / "benchmarks" / "apps" / name.removeprefix("bench/")
    else:
        path = REPO / "tests" / "apps" / name
    if not (path / "package.json").is_file():
        raise LookupError(f"no app named {name!r} (looked in {path})")
    return path


@pytest.fixture(scope="session")
def app_source() -> Callable[[str], Path]:
    """:func:`app_source_dir` as a fixture (source dir of a named app, nothing installed)."""
    return app_source_dir


@pytest.fixture(scope="session")
def node() -> Path:
    return find_node()


@pytest.fixture(scope="session")
def installed_app(node: Path) -> Callable[[str], Path]:
    done: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in done:
            path = app_source_dir(name)
            ensure_installed(path, node=node)
            done[name] = path
        return done[name]

    return get


@pytest.fixture
def app_copy(installed_app: Callable[[str], Path], tmp_path: Path) -> Callable[..., Path]:
    def copy(name: str, dest_parent: Path | None = None) -> Path:
        src = installed_app(name)
        parent = dest_parent if dest_parent is not None else tmp_path
        parent.mkdir(parents=True, exist_ok=True)
        dest = parent / src.name
        subprocess.run(["cp", "-a", str(src), str(dest)], check=True)
        shutil.rmtree(dest / ".v8snap", ignore_errors=True)
        return dest

    return copy
