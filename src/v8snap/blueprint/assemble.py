"""The snapshot script: the ``js/prelude/`` and ``js/loader/`` parts + ``__v8snap_boot(config, definitions)``.

Layout (docs/architecture.md, "The snapshot script"): prelude -> registry of module definitions
``function (exports, module, require, __filename, __dirname) {...}`` -> resolver map -> the ordered list of
healthy keys to initialize -> ``setDeserializeMainFunction(loader)``. Native addons and ES modules are not
in the registry: the loader leaves them to Node's own loader at run time.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from v8snap.errors import SnapshotBuildError
from v8snap.esm.convert import dynamic_imports
from v8snap.graph.model import ModuleGraph, ModuleInfo
from v8snap.kinds import Code
from v8snap.node.helpers import js_part
from v8snap.rewrite.dynamic_import import rewrite_dynamic_imports
from v8snap.util import atomic_write_bytes, read_source

#: Keys whose definition goes into the registry (ESM and native addons load from disk).
SNAPSHOT_KINDS = frozenset({"cjs", "json", "esm"})  # esm: converted (graph.esm), v8snap.esm

#: Transform applied to a CJS module's source before it is wrapped: ``(key, source) -> source``.
#: It raises :class:`NorewriteSignal` when the module must stay verbatim.
SourceTransform = Callable[[str, str], str]


class NorewriteSignal(Exception):
    """Raised by a source transform to say a module must stay verbatim (becomes ``REWRITE_INVALID``)."""


@dataclass(frozen=True)
class Blueprint:
    """Everything the snapshot script is made of.

    Attributes:
        graph: the module graph.
        healthy: keys initialized at build time.
        deferred: keys included as definitions, run on first require at run time.
        norewrite: keys included verbatim (never passed to ``transform``); also run at run time.
        builtin_verdicts: built-in name -> ``ok`` | ``warns`` | ``crashes`` (probed for this node).
        mode: ``app`` (start the app from the blob) or ``library`` (define ``__v8snap_require``).
        allow: hazards accepted knowingly, e.g. ``ENV_READ:NODE_ENV``.
        transform: optional source transform for rewritten modules (the snapshot printer).
        extra_resolutions: (dir key, request, target) added to the resolver map (library mode roots).
        assume: record load-time reads of env / argv / execArgv / cwd as assumptions checked at startup
            (``js/prelude/recording.js`` ``state.assume``) instead of violations.
        sources_dir: where printed CJS sources are written for the builder to read (one script per module,
            named after the original file, so stack traces are exact; the source is held once in the heap).
            None: sources inline in the snapshot script.
        warmup: JS snippets run once at build time after initialization (``warmUp`` in js/loader/boot.js).
        stale_check: checked at startup from the blob: ``{"node": execPath, "version": process.version,
            "files": {abs path: [size bytes, mtimeMs, ino]}, "readAtLoad": [abs path]}``
            (:func:`v8snap.bake.meta.stat_stamp`); a mismatch warns once and runs the app plainly, except
            for a changed CommonJS module with no build-time state that no healthy module read at load
            (``readAtLoad``): node loads that one from disk (js/loader/freshness.js). Optional
            ``"symlinkProbe"``: a symlink the loader resolves with node's resolver to see
            ``--preserve-symlinks``
            (:func:`v8snap.graph.layout.symlink_probe`);
            under it the app runs plainly, without a warning.
    """

    graph: ModuleGraph
    healthy: frozenset[str]
    deferred: frozenset[str] = frozenset()
    norewrite: frozenset[str] = frozenset()
    builtin_verdicts: dict[str, str] = field(default_factory=dict)
    mode: Literal["app", "library"] = "app"
    allow: tuple[str, ...] = ()
    transform: SourceTransform | None = None
    extra_resolutions: tuple[tuple[str, str, str], ...] = ()
    stale_check: dict[str, Any] = field(default_factory=dict)
    assume: bool = True
    warmup: tuple[str, ...] = ()
    sources_dir: Path | None = None


def _entry(bp: Blueprint, key: str, kind: str, source: str, filename: str) -> str:
    """The registry value for one module.

    With ``bp.sources_dir``, a CJS module's text goes to a file that the builder compiles as a function
    whose script is named ``filename`` (``__v8snap_source`` in ``js/prelude/source.js``): stack traces and
    node's own location checks from the blob see the original file and exact line and column, and the text is
    held once in the heap (one-byte when the printer made it so, else read as UTF-8). Otherwise it is inline.
    """
    if bp.sources_dir is None or kind not in ("cjs", "esm", "json"):
        return module_definition(kind, source)
    if kind == "json":
        # Read and parsed with JSON.parse by the builder (js/prelude/source.js): the text stays out of the
        # snapshot script (which then stays one-byte) and out of the heap once parsed.
        path = _source_file(bp.sources_dir, key, source.encode("utf-8", "surrogateescape"))
        return f"__v8snap_json({json.dumps(str(path))}, {json.dumps(filename)})"
    source = _no_hashbang(source)
    if kind == "esm":  # v8snap-esm: node names an ES module's frames by URL (file:///...)
        filename = Path(filename).as_uri()
    try:
        data, encoding = source.encode("latin-1"), "latin1"
    except UnicodeEncodeError:  # not one-byte (rewrite off)
        data, encoding = source.encode("utf-8", "surrogateescape"), "utf8"
    path = _source_file(bp.sources_dir, key, data)
    return f"__v8snap_source({json.dumps(str(path))}, {json.dumps(filename)}, {json.dumps(encoding)})"


def _source_file(sources_dir: Path, key: str, data: bytes) -> Path:
    """``sources_dir/<hash of key>.js`` holding ``data`` (written only when it differs)."""
    path = sources_dir / (hashlib.sha256(key.encode()).hexdigest()[:24] + ".js")
    if not path.is_file() or path.read_bytes() != data:
        atomic_write_bytes(path, data)
    return path


def _no_hashbang(source: str) -> str:
    return "//" + source[2:] if source.startswith("#!") else source


def module_definition(kind: str, source: str) -> str:
    """An inline registry value: the module wrapped as ``function (exports, module, require, ...)``.

    Args:
        kind: ``json`` (the text is the value of ``module.exports``) or a code kind (``cjs``).
        source: the module's text (a leading hashbang is commented out).

    Returns:
        JavaScript function-expression text, used by the snapshot script and the verifier bundle.
    """
    if kind == "json":
        # JSON.parse as node's loader (an object literal would make a "__proto__" key the prototype); the
        # text as an ASCII string literal keeps the script one-byte.
        text = json.dumps(source.removeprefix("\ufeff"), ensure_ascii=True)
        return f"function (exports, module) {{ module.exports = JSON.parse({text}); }}"
    # A trailing line comment without a newline would swallow the closing brace.
    return f"function (exports, module, require, __filename, __dirname) {{\n{_no_hashbang(source)}\n}}"


def resolver_map(bp: Blueprint) -> dict[str, str]:
    """``"<dir key>\\0<request>" -> target`` for every resolution of the graph (plus extras)."""
    out: dict[str, str] = {}
    for r in bp.graph.resolutions:
        out[f"{r.parent_dir}\0{r.request}"] = r.target
    for d, req, target in bp.extra_resolutions:
        out[f"{d}\0{req}"] = target
    return out


def snapshot_sources(bp: Blueprint) -> Iterator[tuple[str, ModuleInfo, str, str | None]]:
    """``(key, info, source, refused)`` for each registry module of ``bp``, in graph order.

    ``source`` is the file's text, passed through ``bp.transform`` for CJS modules not listed as norewrite;
    ``refused`` is the transform's :class:`NorewriteSignal` reason (``source`` then verbatim), else None.
    Every CJS module's ``import(...)`` calls are routed through the run-time import
    (:func:`v8snap.rewrite.dynamic_import.rewrite_dynamic_imports`), printed or verbatim.

    Raises:
        OSError: a module file cannot be read.
        SnapshotBuildError: a CJS module has an ``import()`` that cannot be routed (callers leave such
            modules out of the graph first: :func:`v8snap.bake.app.snapshot_graph`).
    """
    for key, info in bp.graph.modules.items():
        if info.kind not in SNAPSHOT_KINDS:
            continue
        # v8snap-esm: an ES module's definition is its conversion (v8snap.esm.prepare_graph)
        source = bp.graph.esm[key].source if info.kind == "esm" else read_source(info.path)
        refused: str | None = None
        if info.kind == "cjs" and bp.transform is not None and key not in bp.norewrite:
            try:
                source = bp.transform(key, source)
            except NorewriteSignal as sig:
                refused = str(sig)
        if info.kind in ("cjs", "esm"):
            # Verbatim modules too: an import() compiled by the builder fails at run time.
            routed = rewrite_dynamic_imports(key, source)
            if routed is None:  # build_app leaves such modules out of the graph (snapshot_graph)
                raise SnapshotBuildError(
                    f"{key}: has an import() the parser cannot place, so it cannot run from a snapshot",
                    module=key,
                    violation=Code.DYNAMIC_IMPORT,
                    hint="leave the package out of the snapshot",
                )
            source = routed
        yield key, info, source, refused


@dataclass(frozen=True)
class Assembly:
    """A snapshot script and what the printer kept verbatim in it.

    Attributes:
        text: the snapshot script.
        verbatim: non-healthy key -> why the printer refused it (``NorewriteSignal``): it goes in verbatim,
            i.e. its verdict is norewrite (``REWRITE_INVALID``) whatever the verdicts said.
    """

    text: str
    verbatim: dict[str, str]


def assemble_script(bp: Blueprint) -> str:
    """Return the snapshot script text for ``bp`` (see :func:`assemble`)."""
    return assemble(bp).text


def assemble(bp: Blueprint) -> Assembly:
    """Assemble the snapshot script for ``bp``.

    A module the printer refuses is kept verbatim. For a module that runs at run time (deferred) that is
    the norewrite verdict, reported in :attr:`Assembly.verbatim`; the doctor's verdict cache never has to
    predict it (a cached verdict and a fresh print may disagree about the lazy set, and only the print
    under the final lazy set counts).

    Raises:
        OSError: a module file cannot be read.
        SnapshotBuildError: (code ``REWRITE_INVALID``) the printer refused a module the verdicts call
            healthy: it was verified as printed, so its verdict is stale for the current lazy set.
    """
    graph = bp.graph
    defs: list[str] = []
    verbatim: dict[str, str] = {}
    for key, info, source, refused in snapshot_sources(bp):
        if info.kind == "esm" and key not in bp.healthy and bp.mode != "library":
            # v8snap-esm: in an app a deferred ES module loads from disk (node's loader): v8snap.esm.convert.
            # A library snapshot has no disk to fall back on (an embedding runtime may not read the package
            # files): its deferred ES modules run their conversion on first use, as deferred CJS modules do.
            continue
        if refused is not None:
            if key in bp.healthy:
                raise SnapshotBuildError(
                    f"{key}: the snapshot printer cannot rewrite it for the final script ({refused}), "
                    "but it was verified as healthy in its rewritten form",
                    module=key,
                    violation=Code.REWRITE_INVALID,
                    hint="build again with V8_SNAPSHOT_FROM_SCRATCH=1; if it persists, report the module "
                    "(V8SNAP_KEEP_CONFIG=1 keeps the script)",
                )
            verbatim[key] = refused
        defs.append(f"{json.dumps(key)}: {_entry(bp, key, info.kind, source, str(info.path))}")
    # Initialize in the trace's load order: top-level instantiations then nest exactly as the plain run's
    # requires did (a circular pair sees the same partial exports).
    order = [k for k, m in graph.modules.items() if k in bp.healthy and m.kind in SNAPSHOT_KINDS]
    config = {
        "root": str(graph.root),
        "entry": graph.entry,
        "mode": bp.mode,
        "order": order,
        "deferred": sorted(bp.deferred | bp.norewrite),
        "map": resolver_map(bp),
        "builtinVerdicts": bp.builtin_verdicts,
        "allow": list(bp.allow),
        "assume": bp.assume,
        "warmup": list(bp.warmup),
        "staleCheck": bp.stale_check,
        # With source maps enabled node maps the frames only of modules it compiled itself: the loader
        # leaves these to node then (docs/limits.md, "Source maps").
        "sourceMapped": [k for k, m in graph.modules.items() if m.kind == "cjs" and m.source_mapped],
        # v8snap-esm: export names of the registry's ES modules (js/loader/esm-hooks.js)
        "esm": {k: list(c.names) for k, c in graph.esm.items() if k in bp.healthy},
        "esmImports": dynamic_imports(graph),
        # v8snap-esm: an app's importer may hold a lazy namespace of an ES module that stays on disk
        # (js/prelude/esm-lazy.js); a library snapshot runs its deferred ES modules' definitions instead
        "esmLazy": bp.mode != "library",
    }
    parts = [
        js_part("prelude"),
        js_part("loader"),
        "__v8snap_boot(" + json.dumps(config, ensure_ascii=True) + ", {\n" + ",\n".join(defs) + "\n});\n",
    ]
    return Assembly("\n".join(parts), verbatim)
