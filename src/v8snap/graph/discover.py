"""``discover_graph``: trace the app's startup, parse what it loaded, resolve static imports, build the graph.

What goes into the graph:

* every module the trace runs saw load successfully, in first-load order (entry first);
* files matched by ``include`` globs (relative to the root) that the trace did not see, in sorted order,
  with ``load_order == -1``.

What stays out: modules never loaded at startup (e.g. ``require`` inside a function that is not called),
loads that threw (a ``require`` in ``try``/``catch`` that failed), built-ins, and modules whose real path is
outside the app root (a symlinked package living elsewhere, a global ``NODE_PATH`` directory): those keep
loading from disk at run time. ``.node`` addons inside the root are in the graph as kind ``native`` so the
resolver map knows them; they are never put in a snapshot, they load from disk.

Resolutions come from the trace (what Node really did) and from resolving static specifiers with Node's own
resolver (``require`` conditions, also for ESM files: an ESM file's static imports are all loaded at startup
and therefore already traced with their real ``import`` resolution). Only resolutions whose target is a
module of the graph or a built-in (or, for a traced ``require.resolve``, any file inside the root) are kept
in ``ModuleGraph.resolutions``; ``ModuleInfo.resolved`` also keeps
targets inside the root that are not in the graph (lazy requires) and ``""`` for unresolvable specifiers.
"""

from __future__ import annotations

import functools
import json
import os
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from v8snap.errors import AppError, V8SnapError
from v8snap.graph.entry import find_entry
from v8snap.graph.layout import refuse_unsupported
from v8snap.graph.model import ModuleGraph, ModuleInfo, ModuleKind, Resolution, module_key
from v8snap.graph.parse import ParsedModule, parse_source
from v8snap.graph.resolve import ResolveRequest, resolve_batch
from v8snap.graph.trace import TRACE_LIMIT_S, TraceRun, trace_app

_BUILTIN = "node:"


@dataclass
class _Seen:
    """A loaded file while the graph is being assembled."""

    path: Path
    fmt: str = ""
    parsed: ParsedModule | None = None
    resolved: dict[str, str] = field(default_factory=dict)


def _inside(root: Path, path: Path) -> bool:
    return path == root or root in path.parents


class _Keys:
    """Module keys of absolute filenames, memoized: ``realpath`` is the slowest part of assembling a graph.

    Equivalent to :func:`module_key` for paths inside the root; ``None`` for paths whose real path is outside.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._cache: dict[str, str | None] = {}

    def of(self, filename: str | Path) -> str | None:
        name = str(filename)
        if name not in self._cache:
            real = Path(os.path.realpath(name))
            self._cache[name] = (
                "./" + real.relative_to(self.root).as_posix() if _inside(self.root, real) else None
            )
        return self._cache[name]

    def target(self, target: str) -> str | None:
        """Key or ``node:`` name of a resolved target; ``""`` if unresolved; ``None`` if outside the root."""
        if not target or target.startswith(_BUILTIN):
            return target
        return self.of(target)


@functools.lru_cache(maxsize=4096)
def _package_type(directory: Path) -> str:
    """``"type"`` of the nearest package.json at or above ``directory`` (Node's package scope), or ``""``."""
    for d in (directory, *directory.parents):
        pkg = d / "package.json"
        if pkg.is_file():
            try:
                data = json.loads(pkg.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return ""
            value = data.get("type", "") if isinstance(data, dict) else ""
            return value if isinstance(value, str) else ""
    return ""


NODE_EXTENSIONS = frozenset({".js", ".cjs", ".mjs", ".json", ".node"})
"""Extensions node's own loaders handle (node's ``Module._extensions`` plus ESM's ``.mjs``). A file with
another extension (``.ts``, ``.txt``) is loaded by a handler the app registers (``require.extensions``,
ts-node, @babel/register): it stays on disk and goes through that handler, as in a plain run. An
extensionless file (a ``bin`` script) is JavaScript to node."""


def _kind(path: Path, fmt: str, parsed: ParsedModule | None = None) -> ModuleKind:
    """Module kind from the extension, the ESM loader's format, the package scope, or (for an ambiguous
    ``.js`` file outside a ``"type": "commonjs"`` scope) Node's syntax detection on the parse result."""
    suffix = path.suffix
    if suffix and suffix not in NODE_EXTENSIONS:
        return "other"
    if suffix == ".json":
        return "json"
    if suffix == ".node":
        return "native"
    if suffix == ".mjs" or fmt == "module":
        return "esm"
    if suffix == ".cjs" or fmt == "commonjs":
        return "cjs"
    scope = _package_type(path.parent)
    if scope == "module":
        return "esm"
    detected_esm = parsed is not None and parsed.has_esm_syntax
    return "esm" if detected_esm and scope != "commonjs" else "cjs"


def _dir_key(key: str) -> str:
    parent = posixpath.dirname(key)
    return "." if parent in ("", ".") else parent


def _entry_path(root: Path, entry: str | None, node: Path) -> Path:
    if entry is None:
        return find_entry(root, node=node)
    path = Path(entry)
    path = (path if path.is_absolute() else root / path).resolve()
    if not path.is_file():
        path = _resolve_main(root, path, entry, node)
    if not _inside(root, path):
        raise AppError(f"entry {entry!r} is outside the app root {root}")
    return path


def _resolve_main(root: Path, path: Path, entry: str, node: Path) -> Path:
    """``node ENTRY`` tries the extensions and a directory's package.json main / index when ENTRY itself is
    not a file (``node node_modules/mocha/bin/mocha`` runs ``mocha.js``); the entry resolves the same way."""
    try:
        result = resolve_batch(node, [ResolveRequest(root / "package.json", str(path))], cwd=root)[0]
    except V8SnapError as exc:
        raise AppError(f"entry {entry!r} is not a file in {root}: {exc}") from exc
    if not result.resolved or result.resolved.startswith("node:"):
        raise AppError(f"entry {entry!r} is not a file in {root}")
    return Path(result.resolved).resolve()


def _collect_traced(keys: _Keys, runs: list[TraceRun]) -> tuple[dict[str, _Seen], dict[tuple[str, str], str]]:
    """Loaded files (absolute path -> info, first-load order) and traced (parent, request) -> resolved."""
    seen: dict[str, _Seen] = {}
    traced: dict[tuple[str, str], str] = {}
    for run in runs:
        for rec in run.records:
            if not rec.ok or not rec.resolved or rec.via == "resolve":
                continue
            if rec.parent is not None:
                traced.setdefault((rec.parent, rec.request), rec.resolved)
            if rec.resolved.startswith(_BUILTIN) or rec.resolved in seen:
                continue
            if keys.of(rec.resolved) is not None and os.path.isfile(rec.resolved):
                seen[rec.resolved] = _Seen(Path(os.path.realpath(rec.resolved)), rec.format)
    return seen, traced


def _add_included(root: Path, seen: dict[str, _Seen], include: Sequence[str]) -> None:
    known = {s.path for s in seen.values()}
    for pattern in include:
        try:
            matches = sorted(root.glob(pattern))
        except (NotImplementedError, ValueError) as exc:
            raise AppError(f"include pattern {pattern!r} must be relative to the app root: {exc}") from exc
        for path in matches:
            real = path.resolve()
            if real.is_file() and _inside(root, real) and real not in known:
                known.add(real)
                seen[str(real)] = _Seen(real)


def _resolve_static(
    root: Path, node: Path, seen: dict[str, _Seen], traced: dict[tuple[str, str], str]
) -> None:
    """Fill ``_Seen.resolved`` (specifier -> absolute target) from the trace, then one batched helper call."""
    pending: list[tuple[_Seen, str]] = []
    for filename, item in seen.items():
        if item.parsed is None:
            continue
        for spec in item.parsed.specifiers:
            hit = traced.get((filename, spec)) or traced.get((str(item.path), spec))
            if hit:
                item.resolved[spec] = hit
            else:
                pending.append((item, spec))
    answers = resolve_batch(node, [ResolveRequest(i.path, s) for i, s in pending], cwd=root)
    for (item, spec), answer in zip(pending, answers, strict=True):
        item.resolved[spec] = answer.resolved


def _resolutions(keys: _Keys, runs: list[TraceRun], modules: dict[str, ModuleInfo]) -> list[Resolution]:
    """Traced resolutions (in load order) then static ones, deduplicated; targets in the graph or built-in."""
    out: dict[Resolution, None] = {}
    for run in runs:
        for rec in run.records:
            # v8snap-esm: the resolver map serves require(); import resolutions (other conditions) are
            # per ES module (ModuleInfo.resolved) and go into its conversion (v8snap.esm).
            if rec.parent is None or rec.via == "import":
                continue
            if not rec.resolved and rec.error == "MODULE_NOT_FOUND":
                # node found nothing (`try { require('optional') } catch {}`): target "" in the map (the
                # registry's require throws node's error under a startup-checked assumption).
                parent = keys.of(rec.parent)
                if parent is not None:
                    out[Resolution(_dir_key(parent), rec.request, "")] = None
                continue
            if not rec.ok or not rec.resolved:
                continue
            parent = keys.of(rec.parent)
            target = keys.target(rec.resolved)
            if parent is None or target is None:
                continue
            # A require.resolve may name any file (a data file, a package.json): the map answers it at
            # build time; a require of a target that is not a module still goes to node's loader.
            resolved_file = rec.via == "resolve" and os.path.isfile(rec.resolved)
            if target in modules or target.startswith(_BUILTIN) or resolved_file:
                out[Resolution(_dir_key(parent), rec.request, target)] = None
    for info in modules.values():
        if info.kind == "esm":
            continue
        for spec, target in info.resolved.items():
            if target in modules or target.startswith(_BUILTIN):
                out[Resolution(_dir_key(info.key), spec, target)] = None
    return list(out)


def discover_graph(
    root: Path,
    *,
    node: Path,
    entry: str | None = None,
    trace_args: Sequence[Sequence[str]] = ((),),
    include: Sequence[str] = (),
    timeout: float = 60.0,
    until: str = "exit",
    limit: float = TRACE_LIMIT_S,
) -> ModuleGraph:
    """Discover the modules an app loads at startup and how their requests resolve.

    Runs the app once per element of ``trace_args`` under the trace preload (cwd = ``root``; each run lasts
    until the app exits, or until ``until``, at most ``limit`` seconds: :func:`trace_app`), parses every
    loaded JS file with tree-sitter for static specifiers, resolves those not seen in the trace with
    Node's resolver (one node process), and assembles the :class:`ModuleGraph`. See the module docstring
    for what is in and out of the graph.

    Args:
        root: app root directory.
        node: node binary (the one that will build and run the snapshot).
        entry: main module, relative to ``root`` or absolute; default: :func:`find_entry`.
        trace_args: argument lists for the app, one trace run each (default: one run, no args).
        include: glob patterns relative to ``root`` (``"node_modules/lodash/*.js"``) of extra modules to
            include although the trace did not load them.
        timeout: seconds allowed per trace run.
        until: ``"exit"``, ``"listen"`` or a module file (:func:`v8snap.graph.trace.until_env`).
        limit: seconds after which a trace run stops (what it loaded by then counts).

    Returns:
        The module graph (entry first, keys relative to ``root``); :attr:`ModuleGraph.later` lists the
        modules no run loaded in its first event-loop turn.

    Raises:
        AppError: no usable entry point, or an ``include`` pattern that is not relative.
        UnsupportedLayoutError: Yarn Plug'n'Play (:mod:`v8snap.graph.layout`).
        GraphError: a trace run failed (timeout, no trace, uncaught exception at startup) or the resolver
            helper failed.
    """
    root = root.resolve()
    refuse_unsupported(root)
    entry_path = _entry_path(root, entry, node)
    runs = [
        trace_app(root, entry_path, node=node, args=list(a), timeout=timeout, until=until, limit=limit)
        for a in (trace_args or [()])
    ]
    keys = _Keys(root)
    seen, traced = _collect_traced(keys, runs)
    entry_real = entry_path.resolve()
    # The entry is first in the trace; put it first even if a run reported it differently.
    entry_item = seen.pop(str(entry_real), None) or _Seen(entry_real)
    seen = {str(entry_real): entry_item, **seen}
    traced_count = len(seen)
    _add_included(root, seen, include)

    for item in seen.values():
        if _kind(item.path, item.fmt) in ("cjs", "esm"):
            item.parsed = parse_source(item.path.read_bytes())
    _resolve_static(root, node, seen, traced)

    notes: list[str] = []
    modules: dict[str, ModuleInfo] = {}
    for index, item in enumerate(seen.values()):
        kind = _kind(item.path, item.fmt, item.parsed)
        resolved: dict[str, str] = {}
        own_key = module_key(root, item.path)
        for spec, target in item.resolved.items():
            key = keys.target(target)
            if key is None:
                notes.append(f"{own_key}: {spec!r} resolves outside the root: {target}")
                continue
            resolved[spec] = key
        info = ModuleInfo(
            key=own_key,
            path=item.path,
            kind=kind,
            size=item.path.stat().st_size,
            imports=item.parsed.specifiers if item.parsed else (),
            resolved=resolved,
            load_order=index if index < traced_count else -1,
            source_mapped=item.parsed.source_mapped if item.parsed else False,
        )
        modules[info.key] = info

    for run in runs:
        notes.extend(
            f"trace {list(run.args)}: {rec.request!r} from {rec.parent} failed to load ({rec.error})"
            for rec in run.records
            if not rec.ok
        )
    resolutions = _resolutions(keys, runs, modules)
    return ModuleGraph(
        root=root,
        entry=module_key(root, entry_real),
        modules=modules,
        resolutions=list(resolutions),
        notes=notes,
        later=_later(keys, runs, modules),
    )


def _later(keys: _Keys, runs: list[TraceRun], modules: dict[str, ModuleInfo]) -> list[str]:
    """Module keys that no trace run loaded in its first event-loop turn, only later."""
    first: set[str] = set()
    late: list[str] = []
    for run in runs:
        cut = len(run.records) if run.first_tick is None else run.first_tick
        first.update(r.resolved for r in run.records[:cut] if r.ok and r.via != "resolve")
    for run in runs:
        for r in run.later_records():
            loaded = r.ok and r.via != "resolve"
            key = keys.of(r.resolved) if loaded and r.resolved not in first else None
            if key is not None and key in modules and key not in late:
                late.append(key)
    return late
