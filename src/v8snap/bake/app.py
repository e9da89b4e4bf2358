"""``v8snap build``: graph -> verdicts -> snapshot script -> blob -> meta -> launcher, for one app."""

from __future__ import annotations

import contextlib
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from filelock import BaseFileLock, FileLock

from v8snap.bake.acceptance import Acceptance, build_with_acceptance, check_app_output
from v8snap.bake.launcher import write_launcher
from v8snap.bake.meta import BlobIdentity, FileStamp, SnapshotMeta, StrategyChoice, stat_stamp
from v8snap.bake.prepare import Prepared, prepare
from v8snap.bake.strategy import choose_strategy, code_cache_dir, compile_cache_preload
from v8snap.blueprint import Blueprint
from v8snap.blueprint.assemble import SNAPSHOT_KINDS
from v8snap.blueprint.printer import licence_text
from v8snap.config import SnapshotConfig
from v8snap.doctor.engine import Doctor, DoctorProgress, DoctorResult, run_doctor
from v8snap.doctor.heal import HealState
from v8snap.doctor.record import ModuleRecord
from v8snap.errors import SnapshotBuildError
from v8snap.graph import ModuleGraph
from v8snap.graph.layout import detect_layout, symlink_probe
from v8snap.graph.model import ModuleInfo
from v8snap.kinds import Code, Mode, Strategy
from v8snap.node import find_node
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
        if (mode != Mode.DEV or _in_node_modules(k)) and not _import_unplaceable(k, m)
    }
    return graph if len(kept) == len(graph.modules) else replace(graph, modules=kept)


def build_app(cfg: SnapshotConfig, progress: Progress | None = None) -> BuildReport:
    """Build the snapshot blob, meta and launcher of ``cfg.app_root`` into ``APP/.v8snap``.

    Returns:
        A :class:`BuildReport`.

    Raises:
        NodeNotFoundError, AppError, GraphError, SnapshotBuildError: see :mod:`v8snap.errors`.
    """
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
    """:func:`build_app` under the app's lock: prepare, heal and accept, choose the strategy, install."""
    say = progress or (lambda _msg: None)
    prep = prepare(cfg, lambda g: snapshot_graph(g, cfg.mode), node=node, progress=say)
    cfg = prep.cfg
    timings: dict[str, float] = {"graph": prep.graph_seconds * 1000}
    on_disk = on_disk_modules(prep.full_graph, prep.graph, cfg.mode)
    say(
        f"graph: {len(prep.full_graph.modules)} modules loaded at startup, "
        f"{len(prep.full_graph.modules) - len(on_disk)} to snapshot"
        + (f", {len(on_disk)} stay on disk ({count_reasons(on_disk)})" if on_disk else "")
        + (f"; {len(prep.full_graph.later)} found after the first tick" if prep.full_graph.later else "")
    )
    work = cfg.out_dir / "work"
    work.mkdir(parents=True, exist_ok=True)
    # The candidate blob stays in work/ until every check has passed: a failed build leaves the
    # previous blob, meta and launcher in place and in use.
    healed = _heal_and_accept(prep, work / "snapshot.blob", timings, say)
    choice = _choose_strategy(prep, healed, timings, say)
    meta = _meta(prep, healed, choice, timings)
    launcher = _install(prep, healed.candidate, meta)
    if not cfg.keep_config:
        shutil.rmtree(work, ignore_errors=True)
    took = time.perf_counter() - t0
    later = tuple(prep.full_graph.later)
    return BuildReport(meta, cfg.blob_path, launcher, healed.reused, took, healed.accepted, on_disk, later)


@dataclass(frozen=True)
class _Healed:
    """What the doctor and acceptance settled: final verdicts and the candidate blob (in ``work/``)."""

    state: HealState
    cache_keys: dict[str, str]
    reused: bool
    accepted: Acceptance
    candidate: Path
    no_blob: SnapshotBuildError | None
    stale_files: dict[str, list[int | float]]


def _blueprint_of(
    prep: Prepared, work: Path, stale_files: dict[str, list[int | float]]
) -> Callable[[HealState], Blueprint]:
    """Heal state -> the build's blueprint (the final transform, the loader's stale check)."""
    cfg, graph, transform_of = prep.cfg, prep.graph, prep.transform_of
    # pnpm (and linked packages): modules are reached through symlinks; the loader runs the app plainly when
    # node keeps symlinked paths (--preserve-symlinks), as the resolver map holds real paths.
    stale_check: dict[str, object] = {"node": str(prep.node), "version": prep.fingerprint.node}
    if detect_layout(cfg.app_root.resolve()).symlinked:
        entry = prep.full_graph.root / prep.full_graph.entry[2:]
        stale_check["symlinkProbe"] = str(symlink_probe(cfg.out_dir, entry))

    def bp_of(s: HealState) -> Blueprint:
        return Blueprint(
            transform=transform_of(frozenset(s.deferred | s.norewrite), True) if transform_of else None,
            graph=graph,
            healthy=frozenset(s.healthy),
            deferred=frozenset(s.deferred),
            norewrite=frozenset(s.norewrite),
            builtin_verdicts=prep.builtin_verdicts,
            allow=cfg.allow,
            assume=cfg.assume,
            warmup=cfg.warmup,
            sources_dir=work / "modules",
            stale_check={
                **stale_check,
                "files": stale_files_of(prep, s, stale_files),
                "readAtLoad": read_at_load(prep, s),
            },
        )

    return bp_of


def stale_files_of(
    prep: Prepared, s: HealState, modules: dict[str, list[int | float]]
) -> dict[str, list[int | float]]:
    """The loader's stale check: every module file baked into the blob (``modules``) and every file a
    healthy module read at load time (its content is in the blob too), path -> :func:`stat_stamp`."""
    files = dict(modules)
    root = prep.cfg.app_root.resolve()
    for k in sorted(s.healthy):
        for rel in s.fs_reads.get(k, []):
            path = root / rel[2:]
            with contextlib.suppress(OSError):
                files.setdefault(str(path), stat_stamp(path.stat()))
    return files


def read_at_load(prep: Prepared, s: HealState) -> list[str]:
    """Absolute paths of the files healthy modules read at load time (their content is in the blob): a
    change to one makes the blob stale even when the file is also a deferred module (js/loader/freshness.js
    serves other changed deferred modules from disk)."""
    root = prep.cfg.app_root.resolve()
    return sorted({str(root / rel[2:]) for k in s.healthy for rel in s.fs_reads.get(k, [])})


def _heal_and_accept(prep: Prepared, candidate: Path, timings: dict[str, float], say: Progress) -> _Healed:
    """Doctor, then node's builder and the output check: they report culprits, the doctor decides."""
    cfg, work = prep.cfg, candidate.parent
    # Every file baked into the blob, node_modules included (a patch-package edit or a partial reinstall
    # leaves the lockfile alone): the loader stats each at startup (size, mtime, inode; ~0.5 ms per 1,000).
    stale_files = {
        str(m.path): stat_stamp(m.path.stat())
        for m in prep.graph.modules.values()
        if m.kind in SNAPSHOT_KINDS
    }
    # ES modules on disk whose export names importers in the blob hold (lazy imports, v8snap.esm.convert)
    for key, why in prep.graph.esm_on_disk.items():
        path = prep.graph.root / key[2:]
        if why.startswith("LIVE_BINDING") and path.is_file():
            stale_files.setdefault(str(path), stat_stamp(path.stat()))
    bp_of = _blueprint_of(prep, work, stale_files)
    doc = Doctor(
        prep.graph,
        prep.hashes,
        prep.doctor_options(),
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
        say(f"building the snapshot blob ({len(state.healthy)} healthy, {len(state.deferred)} deferred)")
        t = time.perf_counter()
        root = cfg.app_root.resolve()
        accepted = build_with_acceptance(
            bp_of, doc, node=prep.node, workdir=work, out=candidate, cwd=root, progress=say
        )
        no_blob: SnapshotBuildError | None = None
        try:
            check_app_output(
                bp_of,
                doc,
                accepted,
                node=prep.node,
                workdir=work,
                blob=candidate,
                cwd=root,
                entry=prep.full_graph.root / prep.full_graph.entry[2:],
                trace_args=cfg.trace_args,
                timeout=cfg.timeout,
                progress=say,
            )
        except SnapshotBuildError as exc:
            # No blob can run this app on this node (docs/limits.md). Unless the snapshot is forced, the
            # launcher starts it another way: the build still succeeds, and says why.
            if exc.violation != Code.NODE_LIMIT or cfg.strategy == Strategy.SNAPSHOT:
                raise
            no_blob = exc
            say(f"the snapshot cannot run this app ({exc}); the launcher will not use it")
        timings["build"] = (time.perf_counter() - t) * 1000
        files = stale_files_of(prep, doc.state, stale_files)
        return _Healed(doc.state, doc.cache_keys, reused, accepted, candidate, no_blob, files)


def _choose_strategy(
    prep: Prepared, healed: _Healed, timings: dict[str, float], say: Progress
) -> StrategyChoice:
    """How the launcher starts the app: forced, measured on the trace commands, or the snapshot."""
    cfg, out_dir = prep.cfg, prep.cfg.out_dir
    entry_path = prep.full_graph.root / prep.full_graph.entry[2:]
    if healed.no_blob is not None:
        fallback = Strategy.PLAIN if cfg.strategy == Strategy.PLAIN else Strategy.COMPILE_CACHE
        choice = StrategyChoice(
            fallback, {}, forced=cfg.strategy != Strategy.AUTO, reason=str(healed.no_blob)
        )
    elif cfg.strategy != Strategy.AUTO:
        choice = StrategyChoice(cfg.strategy, {}, forced=True)
    elif cfg.measure:
        t = time.perf_counter()
        timed = tuple(a for a in cfg.trace_args if a not in healed.accepted.skipped_args)
        choice = choose_strategy(
            prep.node,
            entry_path,
            healed.candidate,
            out_dir,
            timed,
            cwd=cfg.app_root.resolve(),
            timeout=cfg.timeout,
            progress=say,
            healthy=len(healed.state.healthy),
            differs=lambda args, v: healed.accepted.checks[args].command_difference(v.argv, v.name, v.env)
            if args in healed.accepted.checks
            else None,
        )
        timings["strategy"] = (time.perf_counter() - t) * 1000
    else:
        choice = StrategyChoice(Strategy.SNAPSHOT, {})
    if choice.chosen == Strategy.COMPILE_CACHE:
        compile_cache_preload(out_dir)
    if choice.chosen != Strategy.PLAIN:
        code_cache_dir(out_dir)
    return choice


def _meta(prep: Prepared, healed: _Healed, choice: StrategyChoice, timings: dict[str, float]) -> SnapshotMeta:
    """The build's record (the file stamps are added by :func:`_install`, after the blob moves)."""
    cfg, state, graph = prep.cfg, healed.state, prep.graph
    lock = cfg.lockfile()
    init_ms = _init_times(prep.cfg.out_dir / "work")
    modules = {
        k: ModuleRecord(
            verdict=state.verdict_of(k),
            sha256=h,
            reason=state.reasons.get(k) if k not in state.healthy else None,
            reads=sorted(set(state.fs_reads.get(k, ()))),
            cache_key=healed.cache_keys.get(k, ""),
            init_ms=init_ms.get(k) if k in state.healthy else None,
        )
        for k, h in prep.hashes.items()
    }
    return SnapshotMeta(
        healthy=sorted(state.healthy),
        deferred=sorted(state.deferred),
        norewrite=sorted(state.norewrite),
        deferred_hash_file=lock.name if lock else "",
        deferred_hash=sha256_file(lock) if lock else "",
        fingerprint=prep.fingerprint,
        blob=BlobIdentity(sha256_file(healed.candidate), healed.accepted.outcome.blob_size),
        entry=graph.entry if graph.entry in graph.modules else prep.full_graph.entry,
        mode=cfg.mode,
        modules=modules,
        stale_files=healed.stale_files,
        timings_ms=timings,
        strategy=choice,
    )


def _install(prep: Prepared, candidate: Path, meta: SnapshotMeta) -> Path:
    """Swap in: blob, then meta, then launcher; returns the launcher's path.

    Between the first two renames the launcher sees a blob newer than its meta and runs the app plainly:
    nothing stale is ever served.
    """
    cfg, node = prep.cfg, prep.node
    atomic_move(candidate, cfg.blob_path)
    prep.full_graph.write(cfg.out_dir)
    lock = cfg.lockfile()
    meta.stamps = {"blob": FileStamp.of(cfg.blob_path), "node": FileStamp.of(node)}
    if lock is not None:
        meta.stamps["lockfile"] = FileStamp.of(lock)
    if cfg.meta_path.is_file():  # what `v8snap report` compares with (what changed since that build)
        shutil.copy2(cfg.meta_path, cfg.out_dir / PREVIOUS_META)
    meta.write(cfg.meta_path)
    if prep.printer.licences:  # licence comments the printer dropped from the blob (issue #4)
        atomic_write_text(cfg.out_dir / "licenses.txt", licence_text(prep.printer.licences))
    entry_path = prep.full_graph.root / prep.full_graph.entry[2:]
    return write_launcher(cfg, node, entry_path, meta.blob_size, meta.strategy.chosen)


def _init_times(work: Path) -> dict[str, float]:
    """Build-time self time (ms) of each module initialized by the last builder run (js/prelude/registry.js
    writes ``SCRIPT.init-ms.json`` beside its script); empty when there is none or it does not parse."""
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
            dev = mode == Mode.DEV and not _in_node_modules(k)
            esm = graph.esm_on_disk.get(k, "").split(":")[0]  # TOP_LEVEL_AWAIT, ... (v8snap.esm.convert)
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
        on_disk: modules loaded at startup that stay on disk, key -> why (:func:`on_disk_modules`): a
            module that requires one at load is deferred ``NOT_IN_SNAPSHOT`` naming it, and the doctor's
            table lists it with this reason.
    """

    graph: ModuleGraph
    result: DoctorResult
    graph_seconds: float
    on_disk: dict[str, str] = field(default_factory=dict)


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

    Starts from the same prepared context as :func:`build_app` (:func:`v8snap.bake.prepare.prepare`):
    package.json ``"v8snap"`` options apply, and the previous meta seeds only for the same fingerprint.

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
    prep = prepare(replace(cfg, rewrite=rewrite), lambda g: snapshot_graph(g, cfg.mode), progress=note)
    prep.cfg.out_dir.mkdir(parents=True, exist_ok=True)
    with app_lock(prep.cfg.out_dir):  # not while a build of this app runs (work/, doctor cache)
        opts = prep.doctor_options(
            jobs=jobs, previous_healthy=previous_healthy, previous_deferred=previous_deferred
        )
        note(f"doctor: {len(prep.hashes)} modules")
        result = run_doctor(prep.graph, prep.hashes, opts, progress)
    on_disk = on_disk_modules(prep.full_graph, prep.graph, cfg.mode)
    return DiagnoseReport(prep.graph, result, prep.graph_seconds, on_disk)
