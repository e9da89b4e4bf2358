"""The launcher: ``APP/.v8snap/bin/<name>``, a POSIX shell script that execs node with the blob.

Python's own start (tens of ms) would eat the gain, so the launcher is plain ``sh``: it compares the
modification times of the blob, the node binary and the lockfile with the meta written at the end of the
build (``test -nt``, built-ins) and the blob's size with the one recorded at build time (``wc -c <BLOB``:
POSIX, GNU wc takes the size from ``fstat``; the one process the launcher spawns, 1.4-1.9 ms of fork+exec
on the 2-core test VM, within the noise of a ~35-40 ms start). The size catches a truncated or grown blob
whose mtime was put back (``truncate`` + ``touch -r``), on which node would crash; a same-size corruption is
only seen by the sha256 of ``verify``/``run``. On any mismatch it prints one warning line and execs a plain
run, same argv and exit code. The loader then stat-checks every file baked into the
blob (size, mtime, inode) before serving anything. ``--`` ends node's options: without it node would parse
the app's ``--flags`` after the blob as its own (exit 9, "bad option"). The full sha256 check is
``v8snap verify`` and ``v8snap run``; :func:`rule_problems` evaluates the launcher's own rule for them, so
``verify`` never calls usable what the launcher refuses.

Every value written into the script (paths, names, the warning text) is quoted for the shell with
:func:`shlex.quote` (single quotes; comments get a JSON-escaped copy, so a newline in a directory name
cannot end the comment): a directory named ``$(cmd)`` runs nothing.

With ``SnapshotConfig.huge_pages`` the snapshot branch appends ``glibc.malloc.hugetlb=1`` to
``GLIBC_TUNABLES`` and passes the caller's value in ``V8SNAP_TUNABLES`` (``-``: unset, ``=VALUE``: set),
which the loader restores before any app code runs (:mod:`v8snap.node.hugepages`).

The snapshot branch exports ``V8SNAP_LAUNCHED=1`` (the loader removes it before any app code runs): a
process that boots from the blob without it and with ``NODE_TEST_CONTEXT`` set is a test file's process
that node:test's ``run()`` started with the parent's own node options, ``--snapshot-blob`` included; the
loader runs it as plain node would (js/loader/main.js).
"""

from __future__ import annotations

import json
import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from v8snap.bake.strategy import PRELOAD
from v8snap.config import SnapshotConfig
from v8snap.node.hugepages import TUNABLES_SH
from v8snap.util import atomic_write_bytes


def launcher_name(app_root: Path) -> str:
    """Name of the launcher: package.json ``name`` (scope dropped) or the directory name.

    Only ``[A-Za-z0-9._-]`` survive; a name of dots only (``.``, ``..``) becomes ``app``.
    """
    try:
        name = str(json.loads((app_root / "package.json").read_text()).get("name") or "")
    except (OSError, ValueError, AttributeError):
        name = ""
    name = name.rsplit("/", 1)[-1] or app_root.name
    name = re.sub(r"[^A-Za-z0-9._-]", "-", name)
    return "app" if not name.strip(".") else name


def launcher_path(cfg: SnapshotConfig) -> Path:
    """``APP/.v8snap/bin/<launcher_name>``, or ``APP/.v8snap/bins/<bin>/bin/<bin>`` for a bin build."""
    return cfg.out_dir / "bin" / (cfg.bin or launcher_name(cfg.app_root))


@dataclass(frozen=True)
class LauncherRule:
    """The launcher's staleness rule, as data: the script is rendered from it and ``verify`` evaluates it.

    Attributes:
        blob, meta: the blob and the meta file.
        newer_than_meta: files whose modification time must not be newer than the meta's (``test -nt``):
            the blob, the node binary, the lockfile.
        blob_size: the blob's size in bytes at build time (catches a truncated blob whose mtime was kept).
    """

    blob: Path
    meta: Path
    newer_than_meta: tuple[Path, ...]
    blob_size: int


def launcher_rule(cfg: SnapshotConfig, node: Path, blob_size: int) -> LauncherRule:
    """The rule for an app built with ``node`` into a blob of ``blob_size`` bytes."""
    lock = cfg.lockfile()
    newer = (cfg.blob_path, node, *([lock] if lock is not None else []))
    return LauncherRule(cfg.blob_path, cfg.meta_path, newer, blob_size)


def rule_problems(rule: LauncherRule) -> list[str]:
    """Why the launcher would refuse the blob (``[]``: it would use it); the same tests, in Python."""
    try:
        meta_mtime = rule.meta.stat().st_mtime_ns
    except OSError:
        return [f"{rule.meta.name} missing"]
    try:
        size = rule.blob.stat().st_size
    except OSError:
        return ["blob missing"]
    problems = []
    for p in rule.newer_than_meta:
        try:
            if p.stat().st_mtime_ns > meta_mtime:
                problems.append(f"{p} is newer than {rule.meta.name}")
        except OSError:
            pass  # `test -nt` is false for a missing file; a missing node or lockfile is caught elsewhere
    if size != rule.blob_size:
        problems.append(f"blob size {size} != {rule.blob_size} recorded at build time")
    return problems


def _comment(value: object) -> str:
    """``value`` for a ``#`` comment: JSON-escaped, so no newline or control character ends the line."""
    return json.dumps(str(value), ensure_ascii=False)


def render_launcher(
    cfg: SnapshotConfig, node: Path, entry: Path, blob_size: int, strategy: str = "snapshot"
) -> str:
    """The launcher script's text (every value in it quoted for the shell).

    ``strategy`` (:mod:`v8snap.bake.strategy`): ``snapshot`` checks the blob and execs node with it (else
    a plain run with one warning); ``compile-cache`` and ``plain`` exec node on the entry directly, with no
    check (nothing is served from a blob).
    """
    q = shlex.quote
    if strategy in ("plain", "compile-cache"):
        head = f"""#!/bin/sh
# v8snap launcher for {_comment(cfg.app_root)} (generated by `v8snap build`; do not edit).
# Strategy `{strategy}`, chosen at build time (see "strategy" in snapshot-meta.json): no blob is used.
"""
        if strategy == "plain":
            return head + f'exec {q(str(node))} {q(str(entry))} "$@"\n'
        preload, cache = cfg.out_dir / PRELOAD, cfg.out_dir / "compile-cache"
        return head + (
            f'[ "${{V8SNAP_DISABLE:-}}" = 1 ] && exec {q(str(node))} {q(str(entry))} "$@"\n'
            f"V8SNAP_COMPILE_CACHE={q(str(cache))}\nexport V8SNAP_COMPILE_CACHE\n"
            f'exec {q(str(node))} --require {q(str(preload))} {q(str(entry))} "$@"\n'
        )
    rule = launcher_rule(cfg, node, blob_size)
    blob, meta, exe = q(str(rule.blob)), q(str(rule.meta)), q(str(node))
    stale = " || ".join(f"[ {q(str(p))} -nt {meta} ]" for p in rule.newer_than_meta)
    tunables = TUNABLES_SH if cfg.huge_pages else ""
    name = re.sub(
        r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", "?", cfg.bin or cfg.app_root.name
    )  # one line, whatever it holds
    # A bin: node is given node_modules/.bin/<bin> (the path the shell ran, "$0") as process.argv[1]; the
    # loader takes it from V8SNAP_ARGV1 and removes that variable before any app code runs.
    argv1 = "V8SNAP_ARGV1=$0\n    export V8SNAP_ARGV1\n    " if cfg.bin else ""
    warning = q(
        f"v8snap: snapshot of {name} is stale, damaged or missing; running without it (rebuild: v8snap build)"
    )
    return f"""#!/bin/sh
# v8snap launcher for {_comment(cfg.app_root)} (generated by `v8snap build`; do not edit).
# Uses the snapshot blob when it, node and the lockfile are no newer than the build's meta and the blob
# has its recorded size ({int(blob_size)} bytes); otherwise warns once and runs the app plainly.
# V8SNAP_DISABLE=1: plain run, no warning. Full check: v8snap verify.
if [ "${{V8SNAP_DISABLE:-}}" != 1 ] && [ -f {blob} ] && [ -f {meta} ] && ! {{ {stale}; }}; then
  case " $(wc -c <{blob} 2>/dev/null)" in
  *" {int(blob_size)}")
{tunables}    {argv1}V8SNAP_LAUNCHED=1
    export V8SNAP_LAUNCHED
    exec {exe} --snapshot-blob {blob} -- "$@";;
  esac
fi
[ "${{V8SNAP_DISABLE:-}}" = 1 ] || printf '%s\\n' {warning} >&2
exec {exe} {q(str(entry))} "$@"
"""


def write_launcher(cfg: SnapshotConfig, node: Path, entry: Path, blob_size: int, strategy: str) -> Path:
    """Write the launcher at :func:`launcher_path` (mode 0755, atomically); return its path.

    Args:
        cfg: the build's configuration (app root, output folder, bin name, tunables).
        node: the node binary the launcher execs.
        entry: the app's entry file (plain-run fallback).
        blob_size: size of the snapshot blob in bytes (the launcher checks it before using the blob).
        strategy: the chosen strategy (``snapshot``, ``compile-cache`` or ``plain``).
    """
    path = launcher_path(cfg)
    # surrogateescape: a path that is not valid UTF-8 is written back as its own bytes.
    atomic_write_bytes(
        path,
        render_launcher(cfg, node, entry, blob_size, strategy).encode(
            "utf-8", "surrogateescape"
        ),
    )
    os.chmod(path, 0o755)
    return path
