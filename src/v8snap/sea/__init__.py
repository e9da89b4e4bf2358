"""``v8snap sea APP -o dist/NAME``: one executable file that starts the app from its snapshot.

Node's single executable applications (SEA) carry a startup snapshot (``"useSnapshot": true`` in the SEA
config, node 24's ``--experimental-sea-config``) and a map of assets; ``postject`` (npm) injects the
preparation blob into a copy of node, whose ``NODE_SEA_FUSE_...`` sentinel (present in the wheel's node) it
flips. The SEA's main is the app's snapshot script, assembled from the last build's verdicts, plus
``js/sea-fs.js`` and ``js/sea-boot.js``; what a launcher run reads from disk — modules not in the blob (ES
modules, native addons, modules the build left out), files modules read at load time (the build's ``reads``),
files under the app that plain runs of the trace commands read through ``fs`` (``js/sea-reads.js``) and
files named by ``--asset GLOB`` — travels as assets keyed by app-relative path and is served read-only.
Before the file is put in place, its output is compared with the plain run on every trace command.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from v8snap.bake.acceptance import OutputCheck
from v8snap.bake.app import snapshot_graph
from v8snap.bake.meta import SnapshotMeta
from v8snap.blueprint import Blueprint
from v8snap.blueprint.assemble import SNAPSHOT_KINDS, assemble
from v8snap.blueprint.printer import Printer
from v8snap.config import SnapshotConfig
from v8snap.doctor.builtins import probe_builtins
from v8snap.doctor.globals import builder_missing_globals
from v8snap.doctor.rewriting import rewrite_transform
from v8snap.errors import NoSnapshotError, SnapshotBuildError, V8SnapError
from v8snap.esm import prepare_graph
from v8snap.graph import ModuleGraph
from v8snap.node import find_node, node_fingerprint
from v8snap.node.helpers import js_path
from v8snap.node.npm import npm_tool
from v8snap.util import atomic_move, atomic_write_text, last_lines

POSTJECT_VERSION = "1.0.0-alpha.6"
"""postject version installed from npm to inject the SEA blob."""
SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2"
"""The sentinel node's SEA support looks for (node's documentation of single executable applications)."""

Progress = Callable[[str], None]
Assets = dict[str, dict[str, str]]
"""Asset key (``./rel/path``) -> ``{"kind": module kind or "data", "path": absolute source path}``."""


@dataclass(frozen=True)
class SeaReport:
    """What ``v8snap sea`` produced.

    Attributes:
        binary: the executable written.
        size: its size in bytes.
        assets: app-relative keys of the files carried as SEA assets.
        seconds: wall time.
        checked: the trace commands whose output matched the plain run.
    """

    binary: Path
    size: int
    assets: list[str]
    seconds: float
    checked: list[tuple[str, ...]]


def ensure_postject(node: Path) -> Path:
    """Path of postject's ``dist/cli.js``, installed from npm into the v8snap cache on first use.

    Raises:
        V8SnapError: npm could not install it.
    """
    return npm_tool("postject", POSTJECT_VERSION, node=node) / "node_modules" / "postject" / "dist" / "cli.js"


def recorded_reads(
    node: Path, root: Path, entry: Path, trace_args: tuple[tuple[str, ...], ...], timeout: float
) -> list[Path]:
    """Files under ``root`` that plain runs of the trace commands read through ``fs`` (``js/sea-reads.js``
    preloaded; a run that reaches ``timeout`` seconds is ended, what it read so far counts)."""
    found: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="v8snap-reads-") as tmp:
        out = Path(tmp) / "reads.txt"
        env = {k: v for k, v in os.environ.items() if not k.startswith("V8SNAP_")}
        env |= {"V8SNAP_SEA_READS_OUT": str(out), "V8SNAP_SEA_ROOT": str(root)}
        for args in trace_args:
            cmd = [str(node), "--require", str(js_path("sea-reads.js")), str(entry), *args]
            with contextlib.suppress(subprocess.TimeoutExpired):
                subprocess.run(cmd, cwd=root, env=env, capture_output=True, timeout=timeout, check=False)
        if out.is_file():
            found = [Path(line) for line in dict.fromkeys(out.read_text().splitlines()) if line]
    return found


def sea_assets(
    full: ModuleGraph,
    blob_graph: ModuleGraph,
    meta: SnapshotMeta,
    globs: tuple[str, ...],
    reads: list[Path] = (),  # type: ignore[assignment]
) -> Assets:
    """Asset key (``./rel/path``) -> ``{"kind", "path"}``: modules the blob does not hold, files read at
    load time, and files matching ``globs`` (relative to the app root; ``**`` allowed).

    Raises:
        V8SnapError: a glob matches nothing (a typo would otherwise ship a binary that fails later).
    """
    root = full.root
    out: dict[str, dict[str, str]] = {}
    for key, m in full.modules.items():
        if key not in blob_graph.modules or m.kind not in SNAPSHOT_KINDS:
            out[key] = {"kind": m.kind, "path": str(m.path)}
    module_paths = {m.path for m in full.modules.values()}
    load_time = [
        root / rel.removeprefix("./") for mod in meta.modules.values() for rel in mod.reads
    ]
    for p in [*load_time, *reads]:
        if p.is_file() and p not in module_paths and p.is_relative_to(root):
            out.setdefault("./" + str(p.relative_to(root)), {"kind": "data", "path": str(p)})
    for pattern in globs:
        hits = [p for p in sorted(root.glob(pattern)) if p.is_file()]
        if not hits:
            raise V8SnapError(f"--asset {pattern!r} matches no file under {root}", hint="check the glob")
        for p in hits:
            out["./" + str(p.relative_to(root))] = {"kind": "data", "path": str(p)}
    return out


def sea_script(
    cfg: SnapshotConfig, meta: SnapshotMeta, full: ModuleGraph, assets: Assets, work: Path
) -> Path:
    """Assemble the SEA's main: the snapshot script of the last build's verdicts (no stale-file check:
    the executable carries its files), with the SEA's start-up code and config. Returns its path."""
    node = find_node(cfg.node)
    graph = prepare_graph(snapshot_graph(full, meta.mode), node=node)  # ES modules converted, as in the build
    verdicts = probe_builtins(node)
    printer = Printer(graph, verdicts, cfg.profile, lazy_globals=builder_missing_globals(node, cfg.profile))
    use_rewrite = cfg.rewrite
    transform_of = rewrite_transform(graph, cfg.profile, verdicts, printer) if use_rewrite else None
    non_healthy = frozenset(meta.deferred) | frozenset(meta.norewrite)
    bp = Blueprint(
        transform=transform_of(non_healthy, True) if transform_of else None,
        graph=graph,
        healthy=frozenset(meta.healthy),
        deferred=frozenset(meta.deferred),
        norewrite=frozenset(meta.norewrite),
        builtin_verdicts=verdicts,
        allow=cfg.allow,
        assume=cfg.assume,
        warmup=cfg.warmup,
        sources_dir=work / "modules",
        stale_check={},
    )
    (work / "modules").mkdir(parents=True, exist_ok=True)
    fp = meta.fingerprint
    sea_cfg = {
        "fingerprint": {"node": fp.node, "v8": fp.v8, "arch": fp.arch, "platform": fp.platform},
        "assets": {k: {"kind": a["kind"]} for k, a in assets.items()},
    }
    parts = [
        js_path("sea-fs.js").read_text(encoding="utf-8"),
        js_path("sea-boot.js").read_text(encoding="utf-8"),
        f"function __v8snap_seaConfig() {{ return {json.dumps(sea_cfg, ensure_ascii=True)}; }}\n",
        assemble(bp).text,
    ]
    script = work / "sea-main.js"
    atomic_write_text(script, "\n".join(parts))
    return script


def build_sea(
    cfg: SnapshotConfig, out: Path, *, asset_globs: tuple[str, ...] = (), progress: Progress | None = None
) -> SeaReport:
    """Write the single executable of the app's last build to ``out``.

    Args:
        cfg: the app's config (its build must be current: ``v8snap build`` first).
        out: path of the executable (its directory is created).
        asset_globs: more files to carry (``--asset``), relative to the app root.
        progress: one-line status callback.

    Returns:
        A :class:`SeaReport`.

    Raises:
        NoSnapshotError: the app has no build, or it was built for another node.
        SnapshotBuildError: no blob can run the app on this node (``NODE_LIMIT``, found by the build), node or
            postject failed, or the executable's output differs from the plain run (nothing is written to
            ``out`` then).
    """
    say = progress or (lambda _m: None)
    t0 = time.perf_counter()
    cfg = cfg.with_package_options()
    node = find_node(cfg.node)
    root = cfg.app_root.resolve()
    try:
        meta = SnapshotMeta.read(cfg.meta_path)
        full = ModuleGraph.read(cfg.out_dir / "snapshot-deps.json")
    except (OSError, ValueError, KeyError) as exc:
        raise NoSnapshotError(f"no build in {cfg.out_dir}", hint=f"run `v8snap build {root}` first") from exc
    if meta.fingerprint != node_fingerprint(node).with_app(root, cfg.profile):
        raise NoSnapshotError(
            f"the last build of {root} is for another node or app path", hint=f"run `v8snap build {root}`"
        )
    if meta.strategy.reason:  # the build found that no blob can run this app (NODE_LIMIT)
        raise SnapshotBuildError(
            f"{root} cannot start from a snapshot on this node, so not from a single executable either: "
            f"{meta.strategy.reason}",
            violation="NODE_LIMIT",
            hint="ship it with its launcher (`v8snap build`); see docs/limits.md",
        )
    entry = full.root / full.entry[2:]
    say("recording the files plain runs of the app read")
    reads = recorded_reads(node, root, entry, cfg.trace_args, cfg.timeout)
    assets = sea_assets(full, snapshot_graph(full, meta.mode), meta, asset_globs, reads)
    with tempfile.TemporaryDirectory(prefix="v8snap-sea-") as tmp:
        work = Path(tmp)
        say(f"assembling the SEA's snapshot script ({len(meta.healthy)} healthy, {len(assets)} assets)")
        script = sea_script(cfg, meta, full, assets, work)
        sea_config = {
            "main": str(script),
            "output": str(work / "sea-prep.blob"),
            "useSnapshot": True,
            "useCodeCache": False,
            "disableExperimentalSEAWarning": True,
            "assets": {k: a["path"] for k, a in assets.items()},
        }
        atomic_write_text(work / "sea-config.json", json.dumps(sea_config))
        say("building the snapshot into the SEA blob (node --experimental-sea-config)")
        _run([str(node), "--experimental-sea-config", str(work / "sea-config.json")], root, "node")
        binary = work / "app"
        shutil.copy2(node, binary)
        binary.chmod(0o755)
        say("injecting it into a copy of node (postject)")
        postject = ensure_postject(node)
        prep = str(work / "sea-prep.blob")
        _run(
            [str(node), str(postject), str(binary), "NODE_SEA_BLOB", prep, "--sentinel-fuse", SEA_FUSE],
            root,
            "postject",
        )
        checked = _check_output(node, binary, root, entry, cfg.trace_args, cfg.timeout, say)
        out.parent.mkdir(parents=True, exist_ok=True)
        staged = out.parent / f".tmp-{out.name}"
        shutil.copy2(binary, staged)
        atomic_move(staged, out)
    return SeaReport(out, out.stat().st_size, sorted(assets), time.perf_counter() - t0, checked)


def _run(cmd: list[str], cwd: Path, what: str) -> None:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SnapshotBuildError(
            f"{what} failed while making the single executable (exit {proc.returncode}):\n"
            + last_lines(proc.stderr or proc.stdout, 12),
            hint="rebuild the app (`v8snap build`), then try again; --debug shows the traceback",
        )


def _check_output(
    node: Path,
    binary: Path,
    root: Path,
    entry: Path,
    trace_args: tuple[tuple[str, ...], ...],
    timeout: float,
    say: Progress,
) -> list[tuple[str, ...]]:
    """Each trace command run plainly and from ``binary`` (cwd: the app root), compared as ``v8snap build``
    compares the blob's runs (exit code, stdout, stderr under the mask of what varies between plain runs).
    Returns the commands compared (one that never finishes plainly is skipped).

    Raises:
        SnapshotBuildError: (``OUTPUT_MISMATCH``) a difference.
    """
    checked = []
    for args in trace_args:
        check = OutputCheck(node, entry, args, root, timeout=timeout, progress=say)
        if check.skip_reason() is not None:
            continue
        say(f"checking the executable's output on `{' '.join(args) or '(no args)'}`")
        diff = check.command_difference([str(binary), *check.args], "the executable")
        if diff is not None:
            raise SnapshotBuildError(
                f"the single executable's output differs from the plain run on "
                f"`{' '.join(args) or '(no args)'}`: {diff}",
                violation="OUTPUT_MISMATCH",
                hint="the launcher (`v8snap build`) still works; list files the app reads with --asset",
            )
        checked.append(args)
    return checked
