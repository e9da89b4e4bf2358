"""The prepared pipeline context: everything the stages after discovery share, made once.

``v8snap build`` (:func:`v8snap.bake.app.build_app`), ``v8snap doctor`` (:func:`v8snap.bake.app.diagnose_app`)
and the library pipeline (:func:`v8snap.pipeline.library_fragment`) all start from :func:`prepare`, so they
see the same options (command line, then package.json ``"v8snap"``, then environment defaults), the same
fingerprint, graph, built-in probe, hashes and previous meta (docs/architecture.md, "Stages").
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import msgspec

from v8snap.bake.meta import SnapshotMeta
from v8snap.blueprint.assemble import SNAPSHOT_KINDS, SourceTransform
from v8snap.blueprint.printer import Printer
from v8snap.config import SnapshotConfig
from v8snap.doctor.builtins import probe_builtins
from v8snap.doctor.engine import DoctorOptions
from v8snap.doctor.globals import builder_missing_globals
from v8snap.doctor.rewriting import rewrite_transform
from v8snap.esm import prepare_graph
from v8snap.graph import ModuleGraph, discover_graph
from v8snap.node import find_node
from v8snap.node.fingerprint import Fingerprint, node_fingerprint
from v8snap.util import sha256_file

Progress = Callable[[str], None]
#: The whole graph -> the part that goes into the snapshot blob.
Select = Callable[[ModuleGraph], ModuleGraph]
#: ``(non_healthy, final) -> transform``, see :func:`v8snap.doctor.rewriting.rewrite_transform`.
TransformOf = Callable[[frozenset[str], bool], SourceTransform]


@dataclass(frozen=True)
class Prepared:
    """The pipeline context of one app, handed one way from :func:`prepare` to the later stages.

    Attributes:
        cfg: the options, merged: command line, the app's package.json ``"v8snap"`` field, environment
            defaults (:meth:`SnapshotConfig.with_package_options`).
        node: the node binary.
        fingerprint: node's fingerprint for this app (app root, profile).
        full_graph: every module loaded at startup.
        graph: the part that goes into the blob.
        graph_seconds: wall time of discovery (seconds).
        builtin_verdicts: built-in name -> ``ok`` | ``warns`` | ``crashes`` (probed once per node).
        hashes: module key -> sha256 of its file, for every module of ``graph`` the blob can hold.
        previous: the previous build's meta when it is readable, for this fingerprint, and not ignored
            (``from_scratch``); else None.
        printer: the snapshot printer (its licences go to ``licenses.txt``).
        transform_of: the printer's transform factory, or None with ``rewrite`` off.
    """

    cfg: SnapshotConfig
    node: Path
    fingerprint: Fingerprint
    full_graph: ModuleGraph
    graph: ModuleGraph
    graph_seconds: float
    builtin_verdicts: dict[str, str]
    hashes: dict[str, str]
    previous: SnapshotMeta | None
    printer: Printer
    transform_of: TransformOf | None

    def doctor_options(
        self,
        *,
        jobs: int | None = None,
        previous_healthy: frozenset[str] = frozenset(),
        previous_deferred: frozenset[str] = frozenset(),
        workdir: Path | None = None,
        persistent_cache: bool = True,
    ) -> DoctorOptions:
        """The doctor's options: cache in ``APP/.v8snap/doctor-cache.json``, seeds, profile.

        Args:
            jobs: worker count (None: CPU count).
            previous_healthy, previous_deferred: seeds (``--previous-healthy`` / ``--previous-deferred``).
            workdir: where the verifier bundle goes (default ``APP/.v8snap/work``, created).
            persistent_cache: keep verdicts in ``APP/.v8snap/doctor-cache.json`` (False: in memory).
        """
        cfg = self.cfg
        work = workdir or cfg.out_dir / "work"
        work.mkdir(parents=True, exist_ok=True)
        return DoctorOptions(
            node=self.node,
            workdir=work,
            builtin_verdicts=self.builtin_verdicts,
            profile=cfg.profile,
            jobs=jobs,
            timeout=min(cfg.timeout, 30.0),
            allow=cfg.allow,
            assume=cfg.assume,
            salt=json.dumps(msgspec.to_builtins(self.fingerprint), sort_keys=True),
            cache_path=cfg.out_dir / "doctor-cache.json" if persistent_cache else None,
            from_scratch=cfg.from_scratch,
            previous_healthy=previous_healthy,
            previous_deferred=previous_deferred,
            previous_reasons=self.previous.reasons() if self.previous else {},
            transform_of=self.transform_of,
        )


def prepare(
    cfg: SnapshotConfig,
    select: Select,
    *,
    node: Path | None = None,
    progress: Progress | None = None,
) -> Prepared:
    """Merge the options, locate node, fingerprint, discover the graph, probe built-ins, hash, read the
    previous meta and set up the snapshot printer.

    Args:
        cfg: the options from the command line or the caller (package.json options are added here).
        select: the whole graph -> the part that goes into the blob.
        node: the node binary (default: ``cfg.node`` or :func:`v8snap.node.find_node`'s choice).
        progress: one-line status callback.

    Returns:
        A :class:`Prepared`.

    Raises:
        NodeNotFoundError, AppError, GraphError, NodeProcessError: see :mod:`v8snap.errors`.
    """
    say = progress or (lambda _m: None)
    cfg = cfg.with_package_options()
    node = node or find_node(cfg.node)
    root = cfg.app_root.resolve()
    fp = node_fingerprint(node).with_app(root, cfg.profile)
    say("tracing the app's startup and parsing its modules")
    t = time.perf_counter()
    full_graph = discover_graph(
        root,
        node=node,
        entry=cfg.entry,
        trace_args=[list(a) for a in cfg.trace_args],
        include=list(cfg.include),
        timeout=cfg.timeout,
        until=cfg.trace_until,
        limit=cfg.trace_limit,
    )
    graph_seconds = time.perf_counter() - t
    graph = prepare_graph(select(full_graph), node=node)  # ES modules converted (v8snap.esm)
    say("probing built-ins supported by node's snapshot builder")
    verdicts = probe_builtins(node)
    hashes = {k: sha256_file(m.path) for k, m in graph.modules.items() if m.kind in SNAPSHOT_KINDS}
    printer = Printer(graph, verdicts, cfg.profile, lazy_globals=builder_missing_globals(node, cfg.profile))
    transform_of = rewrite_transform(graph, cfg.profile, verdicts, printer) if cfg.rewrite else None
    return Prepared(
        cfg=cfg,
        node=node,
        fingerprint=fp,
        full_graph=full_graph,
        graph=graph,
        graph_seconds=graph_seconds,
        builtin_verdicts=verdicts,
        hashes=hashes,
        previous=previous_meta(cfg, fp),
        printer=printer,
        transform_of=transform_of,
    )


def previous_meta(cfg: SnapshotConfig, fp: Fingerprint) -> SnapshotMeta | None:
    """The previous build's meta, if it may seed this run: present, readable (this schema), built for
    ``fp``, and ``cfg.from_scratch`` off. Anything else is stale: None."""
    if cfg.from_scratch or not cfg.meta_path.is_file():
        return None
    try:
        previous = SnapshotMeta.read(cfg.meta_path)
    except (OSError, ValueError):
        return None
    return previous if previous.fingerprint == fp else None
