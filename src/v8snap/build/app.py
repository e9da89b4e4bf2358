"""``v8snap build``: graph -> verdicts -> snapshot script -> blob -> meta -> launcher, for one app."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from v8snap.blueprint import Blueprint
from v8snap.blueprint.assemble import SNAPSHOT_KINDS
from v8snap.build.acceptance import build_with_acceptance
from v8snap.config import SnapshotConfig
from v8snap.doctor.builtins import probe_builtins
from v8snap.doctor.heal import HealState
from v8snap.doctor.meta import FileStamp, SnapshotMeta
from v8snap.doctor.verify import verify_until_stable
from v8snap.doctor.violations import Violation
from v8snap.graph import ModuleGraph, discover_graph
from v8snap.node import find_node, node_fingerprint
from v8snap.runtime.launcher import write_launcher
from v8snap.util import sha256_file

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildReport:
    """What ``v8snap build`` produced.

    Attributes:
        meta: the meta written next to the blob.
        blob: path of the snapshot blob.
        launcher: path of the launcher script.
        reused_verdicts: True when the previous meta's verdicts were reused (nothing changed).
        seconds: total wall time.
    """

    meta: SnapshotMeta
    blob: Path
    launcher: Path
    reused_verdicts: bool
    seconds: float


def _in_node_modules(key: str) -> bool:
    return "/node_modules/" in key


def snapshot_graph(graph: ModuleGraph, mode: str) -> ModuleGraph:
    """The part of ``graph`` that goes into the blob (dev mode: node_modules only)."""
    if mode != "dev":
        return graph
    kept = {k: m for k, m in graph.modules.items() if _in_node_modules(k)}
    return replace(graph, modules=kept)


def initial_state(
    graph: ModuleGraph, previous: SnapshotMeta | None, hashes: dict[str, str]
) -> tuple[HealState, bool]:
    """Optimistic start (all healthy but the main module), or the previous verdicts if nothing changed."""
    keys = [k for k, m in graph.modules.items() if m.kind in SNAPSHOT_KINDS]
    if (
        previous is not None
        and set(previous.modules) == set(keys)
        and all(previous.modules[k].get("sha256") == hashes[k] for k in keys)
    ):
        state = HealState(
            set(previous.healthy), set(previous.deferred), set(previous.norewrite), previous.reasons()
        )
        return state, True
    state = HealState(healthy=set(keys))
    if graph.entry in state.healthy:
        state.defer(Violation(graph.entry, "MAIN_MODULE", "the entry point runs the program"))
    return state, False


def build_app(cfg: SnapshotConfig, progress: Progress | None = None) -> BuildReport:
    """Build the snapshot blob, meta and launcher of ``cfg.app_root`` into ``APP/.v8snap``.

    Returns:
        A :class:`BuildReport`.

    Raises:
        NodeNotFoundError, AppError, GraphError, SnapshotBuildError: see :mod:`v8snap.errors`.
    """
    say = progress or (lambda _msg: None)
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    root = cfg.app_root.resolve()
    node = find_node(cfg.node)
    fp = node_fingerprint(node).with_app(root, cfg.profile)
    out_dir = cfg.out_dir
    work = out_dir / "work"
    work.mkdir(parents=True, exist_ok=True)

    say("tracing the app's startup and parsing its modules")
    t = time.perf_counter()
    full_graph = discover_graph(
        root,
        node=node,
        entry=cfg.entry,
        trace_args=[list(a) for a in cfg.trace_args],
        include=list(cfg.include),
        timeout=cfg.timeout,
    )
    full_graph.write(out_dir)
    graph = snapshot_graph(full_graph, cfg.mode)
    timings["graph"] = (time.perf_counter() - t) * 1000
    say(f"graph: {len(full_graph.modules)} modules loaded at startup, {len(graph.modules)} to snapshot")

    say("probing built-ins supported by node's snapshot builder")
    verdicts = probe_builtins(node)
    hashes = {k: sha256_file(m.path) for k, m in graph.modules.items() if m.kind in SNAPSHOT_KINDS}
    previous = None
    if not cfg.from_scratch and cfg.meta_path.is_file():
        try:
            previous = SnapshotMeta.read(cfg.meta_path)
            if previous.fingerprint != fp:
                previous = None
        except (OSError, ValueError, KeyError):
            previous = None
    state, reused = initial_state(graph, previous, hashes)
    stale_files = {
        str(m.path): [m.path.stat().st_size, m.path.stat().st_mtime_ns // 1_000_000]
        for k, m in graph.modules.items()
        if m.kind in SNAPSHOT_KINDS and not _in_node_modules(k)
    }

    def bp_of(s: HealState) -> Blueprint:
        return Blueprint(
            graph=graph,
            healthy=frozenset(s.healthy),
            deferred=frozenset(s.deferred),
            norewrite=frozenset(s.norewrite),
            builtin_verdicts=verdicts,
            allow=cfg.allow,
            stale_check={"node": str(node), "version": fp.node, "files": stale_files},
        )

    def reverify(s: HealState) -> HealState:
        return verify_until_stable(
            bp_of, s, node=node, workdir=work, cwd=root, timeout=cfg.timeout, progress=say
        )

    t = time.perf_counter()
    if not reused:
        say("verifying which modules can initialize in the snapshot")
        reverify(state)
    timings["doctor"] = (time.perf_counter() - t) * 1000

    say(f"building the snapshot blob ({len(state.healthy)} healthy, {len(state.deferred)} deferred)")
    t = time.perf_counter()
    outcome = build_with_acceptance(
        bp_of, state, node=node, workdir=work, out=cfg.blob_path, cwd=root, reverify=reverify, progress=say
    )
    timings["build"] = (time.perf_counter() - t) * 1000

    lock = cfg.lockfile()
    modules = {
        k: {
            "sha256": h,
            "verdict": "healthy"
            if k in state.healthy
            else ("norewrite" if k in state.norewrite else "deferred"),
            **(
                {"reason": state.reasons[k].to_json()}
                if k in state.reasons and k not in state.healthy
                else {}
            ),
            **({"reads": sorted(set(state.fs_reads[k]))} if state.fs_reads.get(k) else {}),
        }
        for k, h in hashes.items()
    }
    stamps = {"blob": FileStamp.of(cfg.blob_path), "node": FileStamp.of(node)}
    if lock is not None:
        stamps["lockfile"] = FileStamp.of(lock)
    meta = SnapshotMeta(
        healthy=sorted(state.healthy),
        deferred=sorted(state.deferred),
        norewrite=sorted(state.norewrite),
        deferred_hash_file=lock.name if lock else "",
        deferred_hash=sha256_file(lock) if lock else "",
        fingerprint=fp,
        blob_sha256=sha256_file(cfg.blob_path),
        blob_size=outcome.blob_size,
        entry=graph.entry if graph.entry in graph.modules else full_graph.entry,
        mode=cfg.mode,
        modules=modules,
        stamps=stamps,
        timings_ms=timings,
    )
    meta.write(cfg.meta_path)
    launcher = write_launcher(cfg, meta, node, full_graph.root / full_graph.entry[2:])
    if not cfg.keep_config:
        shutil.rmtree(work, ignore_errors=True)
    return BuildReport(meta, cfg.blob_path, launcher, reused, time.perf_counter() - t0)
