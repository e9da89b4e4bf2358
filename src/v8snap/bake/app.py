"""``v8snap build``: graph -> verdicts -> snapshot script -> blob -> meta -> launcher, for one app."""

from __future__ import annotations

import contextlib
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from filelock import BaseFileLock, FileLock

from v8snap.bake.acceptance import Acceptance, build_with_acceptance, check_app_output
from v8snap.bake.strategy import (
    StrategyChoice,
    choose_strategy,
    code_cache_dir,
    compile_cache_preload,
)
from v8snap.blueprint import Blueprint
from v8snap.blueprint.assemble import SNAPSHOT_KINDS
from v8snap.blueprint.printer import Printer, licence_text
from v8snap.config import SnapshotConfig
from v8snap.doctor.builtins import probe_builtins
from v8snap.doctor.engine import Doctor, DoctorOptions, DoctorProgress, DoctorResult, run_doctor
from v8snap.doctor.heal import HealState
from v8snap.doctor.meta import FileStamp, SnapshotMeta, stat_stamp
from v8snap.doctor.rewriting import rewrite_transform
from v8snap.doctor.violations import Violation
from v8snap.errors import SnapshotBuildError
from v8snap.esm import prepare_graph
from v8snap.graph import ModuleGraph, discover_graph
from v8snap.graph.layout import detect_layout, symlink_probe
from v8snap.graph.model import ModuleInfo
from v8snap.kinds import Code, Strategy, Verdict
from v8snap.launch.launcher import write_launcher
from v8snap.node import find_node, node_fingerprint
from v8snap.node.fingerprint import Fingerprint
from v8snap.rewrite.dynamic_import import rewrite_dynamic_imports
from v8snap.util import atomic_move, atomic_write_text, read_source, sha256_file

Progress = Callable[[str], None]

PREVIOUS_META = "snapshot-meta.prev.json"
"""The meta of the build before the last one, beside ``snapshot-meta.json`` (``v8snap report``'s diff)."""


@dataclass(frozen=True)
class BuildReport:
    """What ``v8snap build`` produced.

    Attributes:
        meta: the meta written next to the blob.
        blob: path of the snapshot blob.
        launcher: path of the launcher script.
        reused_verdicts: True when the previous meta's verdicts were reused (nothing changed).
        seconds: total wall time.
        acceptance: what the builder and the output check healed, masked and skipped.
        on_disk: modules loaded at startup that stay on disk (ES modules, native addons, modules left out
            of the blob), key -> why.
        later: modules the trace found only after the first event-loop turn (keys).
    """

    meta: SnapshotMeta
    blob: Path
    launcher: Path
    reused_verdicts: bool
    seconds: float
    acceptance: Acceptance
    on_disk: dict[str, str]
    later: tuple[str, ...] = ()


def _in_node_modules(key: str) -> bool:
    return "/node_modules/" in key


def _import_unplaceable(key: str, info: ModuleInfo) -> bool:
    """A CJS module with an ``import()`` the rewrite cannot route (it would fail from the blob)."""
    if info.kind != "cjs":
        return False
    try:
        source = read_source(info.path)
    except OSError:
        return False
    return rewrite_dynamic_imports(key, source) is None


def snapshot_graph(graph: ModuleGraph, mode: str) -> ModuleGraph:
    """The part of ``graph`` that goes into the blob.

    Left out (they load from disk through node's own loader): app modules in dev mode (node_modules
    only), and CJS modules whose ``import()`` cannot be routed to the run-time import
    (:mod:`v8snap.rewrite.dynamic_import`).
    """
    kept = {
        k: m
        for k, m in graph.modules.items()
        if (mode != "dev" or _in_node_modules(k)) and not _import_unplaceable(k, m)
    }
    return graph if len(kept) == len(graph.modules) else replace(graph, modules=kept)


def _discover(cfg: SnapshotConfig, node: Path, say: Progress) -> tuple[ModuleGraph, ModuleGraph, float]:
    """Trace + parse + resolve: (the whole graph, the part that goes into the blob, seconds taken)."""
    say("tracing the app's startup and parsing its modules")
    t = time.perf_counter()
    full_graph = discover_graph(
        cfg.app_root.resolve(),
        node=node,
        entry=cfg.entry,
        trace_args=[list(a) for a in cfg.trace_args],
        include=list(cfg.include),
        timeout=cfg.timeout,
        until=cfg.trace_until,
        limit=cfg.trace_limit,
    )
    graph = prepare_graph(snapshot_graph(full_graph, cfg.mode), node=node)  # v8snap-esm: conversion
    return full_graph, graph, time.perf_counter() - t


def doctor_options(
    cfg: SnapshotConfig,
    graph: ModuleGraph,
    node: Path,
    fp: Fingerprint,
    verdicts: dict[str, str],
    previous: SnapshotMeta | None,
    *,
    jobs: int | None = None,
    previous_healthy: frozenset[str] = frozenset(),
    previous_deferred: frozenset[str] = frozenset(),
    transform_of: Callable[[frozenset[str], bool], Callable[[str, str], str]] | None = None,
) -> DoctorOptions:
    """The doctor's options for an app: cache in ``APP/.v8snap/doctor-cache.json``, seeds, profile.

    Args:
        cfg: the app's config.
        graph: the part of the module graph that goes into the snapshot.
        node: node binary.
        fp: fingerprint of node for this app (salts every cache key).
        verdicts: probed built-in verdicts.
        previous: the previous meta (its reasons feed the optimizer), or None.
        jobs: worker count (None: CPU count).
        previous_healthy, previous_deferred: seeds (``--previous-healthy`` / ``--previous-deferred``).
        transform_of: the snapshot printer's transform factory (None: modules are used verbatim).

    Returns:
        A :class:`DoctorOptions`.
    """
    work = cfg.out_dir / "work"
    work.mkdir(parents=True, exist_ok=True)
    return DoctorOptions(
        node=node,
        workdir=work,
        builtin_verdicts=verdicts,
        profile=cfg.profile,
        jobs=jobs,
        timeout=min(cfg.timeout, 30.0),
        allow=cfg.allow,
        assume=cfg.assume,
        salt=json.dumps(fp.to_json(), sort_keys=True),
        cache_path=cfg.out_dir / "doctor-cache.json",
        from_scratch=cfg.from_scratch,
        previous_healthy=previous_healthy,
        previous_deferred=previous_deferred,
        previous_reasons=previous.reasons() if previous else {},
        transform_of=transform_of,
    )


def build_app(cfg: SnapshotConfig, progress: Progress | None = None) -> BuildReport:
    """Build the snapshot blob, meta and launcher of ``cfg.app_root`` into ``APP/.v8snap``.

    Returns:
        A :class:`BuildReport`.

    Raises:
        NodeNotFoundError, AppError, GraphError, SnapshotBuildError: see :mod:`v8snap.errors`.
    """
    cfg = cfg.with_package_options()
    t0 = time.perf_counter()
    node = find_node(cfg.node)
    out_dir = cfg.ensure_out_dir()  # NOT_WRITABLE before any work, for library callers too
    with app_lock(out_dir):
        clean_stale_temporaries(out_dir)
        return _build_locked(cfg, node, progress, t0)


def app_lock(out_dir: Path) -> BaseFileLock:
    """The per-app lock (``APP/.v8snap/build.lock``) held for a whole build or doctor run: two builds of one
    app serialize instead of racing on ``work/`` and the swap. An fcntl lock: a killed holder releases it.
    """
    return FileLock(out_dir / "build.lock")


def clean_stale_temporaries(out_dir: Path) -> list[Path]:
    """Remove what killed builds left (call under :func:`app_lock`): ``.tmp-*`` files of atomic writes in
    ``APP/.v8snap`` and ``bin/``, and the whole ``work/`` dir. Returns what was removed."""
    removed = [p for d in (out_dir, out_dir / "bin") for p in d.glob(".tmp-*") if p.is_file()]
    for p in removed:
        p.unlink(missing_ok=True)
    work = out_dir / "work"
    if work.exists():
        shutil.rmtree(work, ignore_errors=True)
        removed.append(work)
    return removed


def _build_locked(cfg: SnapshotConfig, node: Path, progress: Progress | None, t0: float) -> BuildReport:
    """:func:`build_app` under the app's lock."""
    say = progress or (lambda _msg: None)
    timings: dict[str, float] = {}
    root = cfg.app_root.resolve()
    fp = node_fingerprint(node).with_app(root, cfg.profile)
    out_dir = cfg.out_dir
    work = out_dir / "work"
    work.mkdir(parents=True, exist_ok=True)

    full_graph, graph, seconds = _discover(cfg, node, say)
    timings["graph"] = seconds * 1000
    on_disk = on_disk_modules(full_graph, graph, cfg.mode)
    say(
        f"graph: {len(full_graph.modules)} modules loaded at startup, "
        f"{len(full_graph.modules) - len(on_disk)} to snapshot"
        + (f", {len(on_disk)} stay on disk ({count_reasons(on_disk)})" if on_disk else "")
        + (f"; {len(full_graph.later)} found after the first tick" if full_graph.later else "")
    )

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
    # Every file baked into the blob, node_modules included (a patch-package edit or a partial reinstall
    # leaves the lockfile alone): the loader stats each at startup (size, mtime, inode; ~0.5 ms per 1,000).
    stale_files = {
        str(m.path): stat_stamp(m.path.stat()) for m in graph.modules.values() if m.kind in SNAPSHOT_KINDS
    }

    def stale_files_of(s: HealState) -> dict[str, list[int | float]]:
        # ...and every file a healthy module read at load (its content is in the blob too).
        files = dict(stale_files)
        for k in sorted(s.healthy):
            for rel in s.fs_reads.get(k, []):
                path = root / rel[2:]
                with contextlib.suppress(OSError):
                    files.setdefault(str(path), stat_stamp(path.stat()))
        return files

    # pnpm (and linked packages): modules are reached through symlinks; the loader runs the app plainly when
    # node keeps symlinked paths (--preserve-symlinks), as the resolver map holds real paths.
    stale_check: dict[str, object] = {"node": str(node), "version": fp.node, "files": stale_files}
    if detect_layout(root).symlinked:
        stale_check["symlinkProbe"] = str(symlink_probe(out_dir, full_graph.root / full_graph.entry[2:]))

    use_rewrite = cfg.rewrite
    printer = Printer(graph, verdicts, cfg.profile)
    transform_of = rewrite_transform(graph, cfg.profile, verdicts, printer) if use_rewrite else None

    def bp_of(s: HealState) -> Blueprint:
        return Blueprint(
            transform=transform_of(frozenset(s.deferred | s.norewrite), True) if transform_of else None,
            graph=graph,
            healthy=frozenset(s.healthy),
            deferred=frozenset(s.deferred),
            norewrite=frozenset(s.norewrite),
            builtin_verdicts=verdicts,
            allow=cfg.allow,
            assume=cfg.assume,
            warmup=cfg.warmup,
            sources_dir=work / "modules",
            stale_check={**stale_check, "files": stale_files_of(s)},
        )

    doc = Doctor(
        graph,
        hashes,
        doctor_options(cfg, graph, node, fp, verdicts, previous, transform_of=transform_of),
        lambda p: (
            say(f"doctor: {p.verified}/{p.total} classified, {p.busy}/{p.jobs} busy")
            if p.verified % 200 == 0
            else None
        ),
    )
    with doc:
        t = time.perf_counter()
        say("verifying which modules can initialize in the snapshot")
        result = doc.heal()
        state = result.state
        timings["doctor"] = (time.perf_counter() - t) * 1000
        reused = result.stats.verified == 0

        def reverify(s: HealState) -> HealState:
            for k in sorted(s.deferred):
                if doc.verdict.get(k) == Verdict.HEALTHY:
                    doc.force(s.reasons.get(k) or Violation(k, Code.UNKNOWN_ERROR, "deferred by acceptance"))
            return doc.heal().state

        say(f"building the snapshot blob ({len(state.healthy)} healthy, {len(state.deferred)} deferred)")
        t = time.perf_counter()
        # The candidate blob stays in work/ until every check has passed: a failed build leaves the
        # previous blob, meta and launcher in place and in use.
        candidate = work / "snapshot.blob"
        accepted = build_with_acceptance(
            bp_of,
            state,
            node=node,
            workdir=work,
            out=candidate,
            cwd=root,
            reverify=reverify,
            progress=say,
        )
        no_blob: SnapshotBuildError | None = None
        try:
            check_app_output(
                bp_of,
                state,
                accepted,
                node=node,
                workdir=work,
                blob=candidate,
                cwd=root,
                entry=full_graph.root / full_graph.entry[2:],
                trace_args=cfg.trace_args,
                timeout=cfg.timeout,
                reverify=reverify,
                progress=say,
            )
        except SnapshotBuildError as exc:
            # No blob can run this app on this node (docs/limits.md). Unless the snapshot is forced, the
            # launcher starts it another way: the build still succeeds, and says why.
            if exc.violation != Code.NODE_LIMIT or cfg.strategy == "snapshot":
                raise
            no_blob = exc
            say(f"the snapshot cannot run this app ({exc}); the launcher will not use it")
        state = doc.state
        outcome = accepted.outcome
        timings["build"] = (time.perf_counter() - t) * 1000
        cache_keys = doc.cache_keys

    lock = cfg.lockfile()
    init_ms = _init_times(work)
    modules = {
        k: {
            "sha256": h,
            "verdict": Verdict.HEALTHY
            if k in state.healthy
            else (Verdict.NOREWRITE if k in state.norewrite else Verdict.DEFERRED),
            **(
                {"reason": state.reasons[k].to_json()}
                if k in state.reasons and k not in state.healthy
                else {}
            ),
            **({"reads": sorted(set(state.fs_reads[k]))} if state.fs_reads.get(k) else {}),
            **({"cacheKey": cache_keys[k]} if k in cache_keys else {}),
            **({"initMs": init_ms[k]} if k in init_ms and k in state.healthy else {}),
        }
        for k, h in hashes.items()
    }
    entry_path = full_graph.root / full_graph.entry[2:]
    if no_blob is not None:
        fallback = Strategy.PLAIN if cfg.strategy == Strategy.PLAIN else Strategy.COMPILE_CACHE
        choice = StrategyChoice(fallback, {}, forced=cfg.strategy != "auto", reason=str(no_blob))
    elif cfg.strategy != "auto":
        choice = StrategyChoice(cfg.strategy, {}, forced=True)
    elif cfg.measure:
        t = time.perf_counter()
        timed = tuple(a for a in cfg.trace_args if a not in accepted.skipped_args)
        choice = choose_strategy(
            node,
            entry_path,
            candidate,
            out_dir,
            timed,
            cwd=root,
            timeout=cfg.timeout,
            progress=say,
            healthy=len(state.healthy),
        )
        timings["strategy"] = (time.perf_counter() - t) * 1000
    else:
        choice = StrategyChoice(Strategy.SNAPSHOT, {})
    if choice.chosen == Strategy.COMPILE_CACHE:
        compile_cache_preload(out_dir)
    if choice.chosen != "plain":
        code_cache_dir(out_dir)
    # Swap in: blob, then meta, then launcher. Between the first two renames the launcher sees a blob
    # newer than its meta and runs the app plainly: nothing stale is ever served.
    blob_sha = sha256_file(candidate)
    atomic_move(candidate, cfg.blob_path)
    full_graph.write(out_dir)
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
        blob_sha256=blob_sha,
        blob_size=outcome.blob_size,
        entry=graph.entry if graph.entry in graph.modules else full_graph.entry,
        mode=cfg.mode,
        modules=modules,
        stamps=stamps,
        stale_files=stale_files_of(state),
        timings_ms=timings,
        strategy=choice.to_json(),
    )
    if cfg.meta_path.is_file():  # what `v8snap report` compares with (what changed since that build)
        shutil.copy2(cfg.meta_path, out_dir / PREVIOUS_META)
    meta.write(cfg.meta_path)
    if printer.licences:  # licence comments the printer dropped from the blob (issue #4)
        atomic_write_text(out_dir / "licenses.txt", licence_text(printer.licences))
    launcher = write_launcher(cfg, node, entry_path, meta.blob_size, meta.strategy.get("chosen", "snapshot"))
    if not cfg.keep_config:
        shutil.rmtree(work, ignore_errors=True)
    took = time.perf_counter() - t0
    return BuildReport(
        meta, cfg.blob_path, launcher, reused, took, accepted, on_disk, tuple(full_graph.later)
    )


def _init_times(work: Path) -> dict[str, float]:
    """Build-time self time (ms) of each module initialized by the last builder run (prelude.js writes
    ``SCRIPT.init-ms.json`` beside its script); empty when there is none or it does not parse."""
    found = sorted(work.glob("*.init-ms.json"), key=lambda p: p.stat().st_mtime_ns)
    try:
        data = json.loads(found[-1].read_text()) if found else {}
    except (OSError, ValueError):
        return {}
    return {str(k): float(v) for k, v in data.items() if isinstance(v, int | float)}


def on_disk_modules(full_graph: ModuleGraph, graph: ModuleGraph, mode: str) -> dict[str, str]:
    """Modules loaded at startup that do not go into the blob, key -> why (for the build summary)."""
    out: dict[str, str] = {}
    for k, m in full_graph.modules.items():
        if k not in graph.modules:
            dev = mode == "dev" and not _in_node_modules(k)
            esm = graph.esm_on_disk.get(k, "").split(":")[0]  # v8snap-esm: TOP_LEVEL_AWAIT, ...
            out[k] = (
                "app code in dev mode" if dev else f"ES module ({esm})" if esm else "import() it cannot route"
            )
        elif m.kind == "native":
            out[k] = "native addon"
        elif m.kind == "other":
            out[k] = "loaded by a require.extensions handler"
    return out


def count_reasons(on_disk: dict[str, str]) -> str:
    """``on_disk`` as ``"3 × ES module, 1 × native addon"`` (build summary and progress line)."""
    counts: dict[str, int] = {}
    for why in on_disk.values():
        counts[why] = counts.get(why, 0) + 1
    return ", ".join(f"{n} × {why}" for why, n in sorted(counts.items()))


@dataclass(frozen=True)
class DiagnoseReport:
    """What ``v8snap doctor`` found (no blob is built).

    Attributes:
        graph: the part of the module graph that goes into the snapshot.
        result: the doctor's verdicts, cache keys and figures.
        graph_seconds: wall time of graph discovery.
    """

    graph: ModuleGraph
    result: DoctorResult
    graph_seconds: float


def diagnose_app(
    cfg: SnapshotConfig,
    *,
    jobs: int | None = None,
    previous_healthy: frozenset[str] = frozenset(),
    previous_deferred: frozenset[str] = frozenset(),
    rewrite: bool = False,
    progress: Callable[[DoctorProgress], None] | None = None,
    say: Progress | None = None,
) -> DiagnoseReport:
    """Run graph discovery and the doctor for ``cfg.app_root`` (verdict cache in ``APP/.v8snap``).

    Args:
        cfg: the app's config (profile, allow list, from_scratch).
        jobs: verifier workers (None: CPU count).
        previous_healthy, previous_deferred: seed verdicts.
        rewrite: use the snapshot printer when available.
        progress: live doctor progress.
        say: one-line status messages.

    Returns:
        A :class:`DiagnoseReport`.

    Raises:
        NodeNotFoundError, AppError, GraphError: see :mod:`v8snap.errors`.
    """
    note = say or (lambda _m: None)
    root = cfg.app_root.resolve()
    node = find_node(cfg.node)
    fp = node_fingerprint(node).with_app(root, cfg.profile)
    _, graph, graph_s = _discover(cfg, node, note)
    verdicts = probe_builtins(node)
    hashes = {k: sha256_file(m.path) for k, m in graph.modules.items() if m.kind in SNAPSHOT_KINDS}
    previous = None
    if cfg.meta_path.is_file():
        try:
            previous = SnapshotMeta.read(cfg.meta_path)
        except (OSError, ValueError, KeyError):
            previous = None
    cfg.out_dir.mkdir(parents=True, exist_ok=True)
    with app_lock(cfg.out_dir):  # not while a build of this app runs (work/, doctor cache)
        opts = doctor_options(
            cfg,
            graph,
            node,
            fp,
            verdicts,
            previous,
            jobs=jobs,
            previous_healthy=previous_healthy,
            previous_deferred=previous_deferred,
            transform_of=rewrite_transform(graph, cfg.profile, verdicts) if rewrite else None,
        )
        note(f"doctor: {len(hashes)} modules")
        result = run_doctor(graph, hashes, opts, progress)
    return DiagnoseReport(graph, result, graph_s)
