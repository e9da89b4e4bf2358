"""``v8snap run`` and ``v8snap verify``: the full checks, then exec the launcher or a plain run."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from v8snap.bake.launcher import launcher_name, launcher_rule, rule_problems
from v8snap.bake.meta import SnapshotMeta, stale_file_problems
from v8snap.config import SnapshotConfig
from v8snap.errors import AppError
from v8snap.graph import find_entry
from v8snap.node import find_node, node_fingerprint
from v8snap.util import sha256_file


def verify_app(cfg: SnapshotConfig) -> list[str]:
    """Every reason the app's blob must not be used, or ``[]`` when it can.

    Checks: meta readable; the launcher's own rule (:func:`v8snap.bake.launcher.rule_problems`: blob,
    node and lockfile no newer than the meta, blob size) and the loader's (every file baked into the blob
    has its recorded size, mtime and inode), so what the launcher refuses is never "usable" here; then
    fingerprint equals the current node's (version, V8, cachedDataVersionTag, arch, platform, app root);
    lockfile sha256 equals ``deferredHash``; blob sha256 equals the recorded one; every snapshotted
    module's sha256 is unchanged; the launcher exists.
    """
    problems: list[str] = []
    try:
        meta = SnapshotMeta.read(cfg.meta_path)
    except FileNotFoundError:
        return [f"no snapshot built ({cfg.meta_path} missing)"]
    except (OSError, ValueError, KeyError) as exc:
        return [f"unreadable {cfg.meta_path.name}: {exc}"]
    try:
        node = find_node(cfg.node)
        current = node_fingerprint(node).with_app(
            cfg.app_root.resolve(), meta.fingerprint.profile, meta.fingerprint.builder_flags
        )
    except Exception as exc:
        return [f"cannot run node: {exc}"]
    built_with = meta.stamps.get("node")
    rule = launcher_rule(cfg, Path(built_with.path) if built_with else node, meta.blob_size)
    problems += [f"the launcher refuses it: {p}" for p in rule_problems(rule)]
    problems += [f"the loader refuses it: {p}" for p in stale_file_problems(meta.stale_files)[:1]]
    diff = meta.fingerprint.differences(current)
    if diff:
        pairs = ", ".join(f"{k}: {getattr(meta.fingerprint, k)} != {getattr(current, k)}" for k in diff)
        problems.append(f"fingerprint mismatch ({pairs})")
    lock = cfg.lockfile()
    if (lock.name if lock else "") != meta.deferred_hash_file or (
        lock is not None and sha256_file(lock) != meta.deferred_hash
    ):
        problems.append(f"lockfile changed ({meta.deferred_hash_file or 'none'})")
    if not cfg.blob_path.is_file():
        problems.append("blob missing")
    elif cfg.blob_path.stat().st_size != meta.blob_size or sha256_file(cfg.blob_path) != meta.blob_sha256:
        problems.append("blob sha256 differs from the one recorded at build time")
    root = cfg.app_root.resolve()
    for key, info in meta.modules.items():
        p = root / key[2:]
        if not p.is_file() or sha256_file(p) != info.sha256:
            problems.append(f"module changed since build: {key}")
            break
    if not (cfg.out_dir / "bin" / launcher_name(cfg.app_root)).is_file():
        problems.append("launcher missing")
    return problems


def launch_strategy(cfg: SnapshotConfig) -> str:
    """The strategy recorded by the last build (``snapshot`` when unknown or unreadable)."""
    try:
        return str(SnapshotMeta.read(cfg.meta_path).strategy.chosen)
    except (OSError, ValueError, KeyError):
        return "snapshot"


def exec_app(cfg: SnapshotConfig, args: list[str]) -> None:
    """Replace this process with the app: from the blob (via the launcher) if :func:`verify_app` passes,
    otherwise a plain ``node ENTRY args`` after one warning line on stderr. Never returns.

    Raises:
        AppError: the app has no entry point.
        NodeNotFoundError: no node to run it with.
    """
    launcher = cfg.out_dir / "bin" / launcher_name(cfg.app_root)
    sys.stdout.flush()
    sys.stderr.flush()
    # A launcher whose strategy is compile-cache or plain uses no blob: nothing to verify.
    if launcher.is_file() and launch_strategy(cfg) != "snapshot":
        os.execv(str(launcher), [str(launcher), *args])
    problems = verify_app(cfg)
    if not problems:
        os.execv(str(launcher), [str(launcher), *args])
    print(f"v8snap: not using the snapshot ({problems[0]}); running without it", file=sys.stderr)
    sys.stderr.flush()
    node = find_node(cfg.node)
    entry = Path(cfg.app_root) / cfg.entry if cfg.entry else find_entry(cfg.app_root)
    if not entry.is_file():
        raise AppError(f"entry point not found: {entry}")
    os.execv(str(node), [str(node), str(entry), *args])
