"""ES modules → registry definitions with node's semantics (issue 11; one code path for apps and embedding).

esbuild converts the syntax (``js/esm/convert.js``); ``js/prelude/esm-registry.js`` gives the result node's
semantics (namespaces with live bindings, CommonJS interop, ``export *`` conflicts, ``import.meta``). Each
converted module's static imports are bound at build time to what node resolved them to under the import
conditions (the trace's import records, :attr:`v8snap.graph.model.ModuleInfo.resolved`), so the registry
never re-resolves an import with require's rules.

What stays on disk (node loads it, which is always correct), with the reason code:

* ``TOP_LEVEL_AWAIT``: the module (or, through its static imports, a module it waits on) uses top-level
  ``await``; a registry definition runs synchronously, and ``require(esm)`` refuses such a module.
* ``ESM_UNCONVERTIBLE``: esbuild refused the syntax, or its output has a shape the registry does not know.
* ``ESM_UNRESOLVED``: a static import the trace did not resolve to a module of the graph or a built-in
  (outside the app root, a ``data:`` URL, a native addon).
* ``ESM_CJS_CYCLE``: it is in a cycle with a CommonJS module (ESM → CJS → ``require(esm)`` → ...): node
  refuses that ``require`` (``ERR_REQUIRE_CYCLE_MODULE``), which a registry definition cannot reproduce.
* ``LIVE_BINDING``: it assigns an exported binding after its declaration (:mod:`v8snap.esm.live`). Inside the
  blob importers read bindings through getters (live), but an importer node loads from disk, ``import()``
  and the entry reach it through a facade (``js/loader/esm-hooks.js``), which passes values, and which
  importers stay on disk is only known after the doctor.

Only healthy ES modules go into the snapshot script: one that is deferred at build time loads from disk at
run time (node's own loader: exact stack traces, evaluation order and bindings); see
:func:`v8snap.blueprint.assemble.snapshot_sources`.

A converted module that imports an ES module staying on disk loads it with ``require(esm)`` at run time
(node's own instance, live bindings); at build time that makes it deferred (``NOT_IN_SNAPSHOT``), unless the
import is lazy: an import of bindings the module reads later, of a module outside its import cycle whose
export names are known (:func:`_mark_lazy_imports`), holds a lazy namespace while building and the module
stays healthy when it does not read them while it loads (``js/prelude/esm-lazy.js``; docs/limits.md, "ES
modules").
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from v8snap.errors import V8SnapError
from v8snap.graph.model import ModuleGraph
from v8snap.node import run_helper
from v8snap.node.tools import ensure_esbuild, ensure_lexer
from v8snap.util import read_source

_BUILTIN = "node:"
_FORMATS = {"esm": "esm", "cjs": "cjs", "json": "json"}


@dataclass(frozen=True)
class Converted:
    """One ES module converted for the registry.

    Attributes:
        source: the definition body (``return __v8snap_esm(...)``), in place of the module's source.
        names: the names its namespace exports (own exports, then those ``export *`` brings; sorted).
    """

    source: str
    names: tuple[str, ...]


@dataclass
class EsmConversion:
    """Result of :func:`convert_graph_modules`.

    Attributes:
        converted: key -> :class:`Converted`, for every ES module that goes into the registry.
        refused: key -> ``"CODE: detail"`` for ES modules that stay on disk (codes in the module docstring).
    """

    converted: dict[str, Converted] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)


def _filename(graph: ModuleGraph, key: str) -> str:
    return str(graph.root) + key[1:]


def convert_graph_modules(graph: ModuleGraph, *, node: Path) -> EsmConversion:
    """Convert every ES module of ``graph`` (kind ``esm``) to a registry definition, in one node process.

    Args:
        graph: the module graph (its ES modules' ``resolved`` hold the traced import resolutions).
        node: node binary that runs esbuild and the lexer.

    Returns:
        The conversions and the refusals (see the module docstring for the rules).

    Raises:
        V8SnapError: esbuild or cjs-module-lexer could not be installed.
        NodeProcessError: the helper failed.
    """
    keys = [k for k, m in graph.modules.items() if m.kind == "esm"]
    out = EsmConversion()
    if not keys:
        return out
    cjs_targets = sorted(
        {
            _filename(graph, t)
            for k in keys
            for t in graph.modules[k].resolved.values()
            if t in graph.modules and graph.modules[t].kind == "cjs"
        }
    )
    items = [(_filename(graph, k), read_source(graph.modules[k].path)) for k in keys]
    reply = _run_converter(node, items, cjs_files=cjs_targets)
    cjs_names: dict[str, list[str]] = reply["cjsNames"]
    raw: dict[str, dict[str, object]] = {}
    tables: dict[str, dict[str, list[object]]] = {}
    for key, res in zip(keys, reply["results"], strict=True):
        if "refuse" in res:
            out.refused[key] = f"{res['refuse']['code']}: {res['refuse']['detail']}"
            continue
        table, why = _table(graph, key, res["specs"], cjs_names, reply["builtinNames"])
        if why:
            out.refused[key] = why
            continue
        raw[key] = res
        tables[key] = table
    parsed = dict(raw)
    comp_of = _refuse_cjs_cycles(graph, raw, tables, out)
    _refuse_importers_of_disk(graph, raw, tables, out)
    names = _mark_lazy_imports(graph, raw, parsed, tables, comp_of, out, cjs_names)
    for key, res in raw.items():
        out.converted[key] = Converted(source=_definition(res, tables[key], "__filename"), names=names[key])
    return out


def _run_converter(
    node: Path,
    items: list[tuple[str, str]],
    *,
    cjs_files: Sequence[str] = (),
    cjs_sources: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Run ``js/esm/convert.js`` on ``(filename, source)`` items; CommonJS names for ``cjs_files`` (read
    from disk) and ``cjs_sources`` (filename -> text, in memory)."""
    payload = {
        "esbuild": str(ensure_esbuild(node)),
        "lexer": str(ensure_lexer(node)),
        "items": [{"filename": f, "source": src} for f, src in items],
        "cjs": list(cjs_files),
        "cjsSources": dict(cjs_sources or {}),
    }
    reply: dict[str, Any] = run_helper(node, "esm/convert.js", payload, timeout=600)
    return reply


def _definition(res: Mapping[str, Any], table: Mapping[str, list[object]], filename_js: str) -> str:
    """The registry definition of one converted module: ``return __v8snap_esm(...)`` around its code.

    ``filename_js`` is the JavaScript expression of the module's filename (``__filename`` for a file; a
    string literal for an embedded module)."""
    head = (
        f"return __v8snap_esm(module, require, {filename_js}, {json.dumps(table, ensure_ascii=True)}, "
        'function (__v8snap_m, require, module) {"use strict";'
    )
    tail = f"}}, {json.dumps(res['reexports'], ensure_ascii=True)});"
    # one line with the module's first line: the converted code keeps the original line numbers
    return f"{head}{res['code']}\n{tail}"


#: An import's target for :func:`convert_sources`: ``(target, format)``; format ``esm`` / ``cjs`` (a module
#: of the same batch, by filename), ``builtin`` (``node:module`` only: its ``createRequire`` serves the
#: embedding's require, ``js/prelude/esm-interop.js``) or ``auto`` (whatever ``require(target)`` gives at
#: run time: a converted ES module's namespace, else CommonJS/built-in interop over its own enumerable keys).
Target = tuple[str, str]


@dataclass(frozen=True)
class SourceModule:
    """One in-memory module for :func:`convert_sources`.

    Attributes:
        filename: its absolute (virtual) filename: ``import.meta.url``/``filename`` and the registry's key.
        source: JavaScript text (TypeScript/JSX already transformed to JavaScript).
        esm: True for an ES module (converted); False for CommonJS (its named exports are lexed).
    """

    filename: str
    source: str
    esm: bool


def convert_sources(
    modules: list[SourceModule],
    resolve: Callable[[str, str], Target],
    *,
    node: Path,
) -> dict[str, str]:
    """Convert in-memory ES modules to registry definitions (the embedding API's modules), in one node run.

    The same converter and registry semantics as :func:`convert_graph_modules` (live bindings, ``export *``
    conflicts, CommonJS interop with node's lexer names, ``import.meta``); imports are resolved by
    ``resolve(importer filename, specifier) -> (target, format)`` instead of a trace. Nothing stays on disk
    here (an embedded module has no file), so what :func:`convert_graph_modules` would refuse is an error.

    Args:
        modules: the batch; CommonJS ones are only lexed (their names, for importers of the batch).
        resolve: an import's target, see :data:`Target`.
        node: node binary that runs esbuild and the lexer.

    Returns:
        filename -> definition text (``return __v8snap_esm(...)``, run as a CommonJS body whose ``module``
        and ``require`` are the embedding's), for each ES module.

    Raises:
        V8SnapError: a module does not parse or uses top-level ``await`` (the message names the module and
            the cause); esbuild or cjs-module-lexer could not be installed.
        NodeProcessError: the helper failed.
    """
    esm = [m for m in modules if m.esm]
    if not esm:
        return {}
    cjs = {m.filename: m.source for m in modules if not m.esm}
    reply = _run_converter(node, [(m.filename, m.source) for m in esm], cjs_sources=cjs)
    out: dict[str, str] = {}
    for mod, res in zip(esm, reply["results"], strict=True):
        if "refuse" in res:
            tla = res["refuse"]["code"] == "TOP_LEVEL_AWAIT"
            why = "top-level await needs an asynchronous module loader" if tla else res["refuse"]["detail"]
            raise V8SnapError(
                f"cannot convert ES module {mod.filename}: {why}",
                hint="move the await into a function the caller awaits" if tla else "fix the syntax error",
            )
        table: dict[str, list[object]] = {}
        for spec in res["specs"]:
            target, fmt = resolve(mod.filename, spec)
            names = reply["cjsNames"].get(target) if fmt == "cjs" else None
            if fmt == "builtin":  # the built-in's keys: its namespace loads it at first use (as for apps)
                names = reply["builtinNames"].get(target)
            table[spec] = [target, fmt, names]
        out[mod.filename] = _definition(res, table, json.dumps(mod.filename, ensure_ascii=True))
    return out


def _table(
    graph: ModuleGraph,
    key: str,
    specs: list[str],
    cjs_names: Mapping[str, list[str]],
    builtin_names: Mapping[str, list[str]],
) -> tuple[dict[str, list[object]], str]:
    """Import table of ``key``: spec -> [target filename or ``node:x``, format, names or None].

    Names: a CommonJS target's lexer names; a built-in's keys (listed by the conversion's node: its namespace
    loads the built-in when a name is first used, and ``node:module``'s ``createRequire`` serves the registry
    at build time: ``js/prelude/esm-interop.js``)."""
    table: dict[str, list[object]] = {}
    resolved = graph.modules[key].resolved
    for spec in specs:
        target = resolved.get(spec, "")
        if target.startswith(_BUILTIN):
            table[spec] = [target, "builtin", builtin_names.get(target)]
            continue
        info = graph.modules.get(target)
        if info is None or info.kind not in _FORMATS:
            return {}, f"ESM_UNRESOLVED: import {spec!r} resolves to {target or 'nothing the trace saw'}"
        filename = _filename(graph, target)
        names = cjs_names.get(filename) if info.kind == "cjs" else None
        table[spec] = [filename, _FORMATS[info.kind], names]
    return table, ""


def _refuse_cjs_cycles(
    graph: ModuleGraph,
    raw: dict[str, dict[str, object]],
    tables: dict[str, dict[str, list[object]]],
    out: EsmConversion,
) -> dict[str, int]:
    """ES modules in a strongly connected component (static imports, requires) holding a CJS module.

    Returns:
        key -> index of its strongly connected component (the same index: a cycle)."""
    from v8snap.graph.order import components

    root = str(graph.root)
    keys = list(graph.modules)
    deps: dict[str, list[str]] = {}
    for k in keys:
        if k in tables:
            targets = ["." + str(t)[len(root) :] for (t, fmt, _n) in tables[k].values() if fmt != "builtin"]
            deps[k] = [t for t in targets if t in graph.modules]
        else:
            deps[k] = graph.deps_of(k)
    comp_of: dict[str, int] = {}
    for i, comp in enumerate(components(keys, deps)):
        comp_of.update(dict.fromkeys(comp, i))
        if len(comp) < 2 or not any(graph.modules[k].kind == "cjs" for k in comp):
            continue
        for k in comp:
            if k in raw:
                out.refused[k] = "ESM_CJS_CYCLE: in a cycle with a CommonJS module (require(esm) in a cycle)"
                del raw[k]
    return comp_of


def _mark_lazy_imports(
    graph: ModuleGraph,
    raw: Mapping[str, Mapping[str, object]],
    parsed: Mapping[str, Mapping[str, object]],
    tables: dict[str, dict[str, list[object]]],
    comp_of: Mapping[str, int],
    out: EsmConversion,
    cjs_names: Mapping[str, list[str]],
) -> dict[str, tuple[str, ...]]:
    """Give an import the export names of its ES module target where the importer may hold a lazy namespace
    of it (``js/prelude/esm-lazy.js``): while building, a target that is not initialized then (deferred, or on
    disk for ``LIVE_BINDING``) does not defer an importer that does not read its bindings while it loads.

    An import qualifies when the importer reads the bindings or re-exports them (``bound``: not a bare
    ``import 'x'``), the target is not in a cycle with the importer (at run time node loads it with
    ``require(esm)``, which refuses a module that is still evaluating), its names are known exactly (every
    ``export *`` it has leads to ES modules of the same kind or CommonJS), it has no ``'module.exports'``
    export (``require(esm)`` then returns that value, not the namespace) and nothing it imports waits
    (top-level await: ``require(esm)`` refuses it).

    Returns:
        key -> export names (:func:`_export_bindings`, sorted) of the converted modules and of those on
        disk for ``LIVE_BINDING``."""
    root = str(graph.root)
    lazy_ok = dict(raw)
    for k, why in out.refused.items():
        if k in parsed and why.startswith("LIVE_BINDING"):
            lazy_ok[k] = parsed[k]
    origins = _export_bindings(graph, lazy_ok, cjs_names)
    names = {k: tuple(sorted(b)) for k, b in origins.items()}
    exact: dict[str, bool] = {}

    def complete(key: str, stack: frozenset[str]) -> bool:
        if key in exact:
            return exact[key]
        ok = True
        for spec in lazy_ok[key]["stars"]:  # type: ignore[attr-defined]
            target = graph.modules[key].resolved.get(spec, "")
            info = graph.modules.get(target)
            if info is not None and info.kind == "cjs":
                continue
            if target not in lazy_ok or target in stack or not complete(target, stack | {key}):
                ok = False
                break
        exact[key] = ok
        return ok

    sync: dict[str, bool] = {}

    def synchronous(key: str) -> bool:
        """No module ``key`` imports (transitively) may wait: ``require(esm)`` refuses top-level await
        (``ERR_REQUIRE_ASYNC_MODULE``). A module on disk for a reason that may hide one counts as waiting."""
        todo, seen = [key], {key}
        while todo:
            k = todo.pop()
            if k in sync:
                if not sync[k]:
                    break
                continue
            why = out.refused.get(k, "")
            if why and not why.startswith("LIVE_BINDING"):
                break
            for t in graph.modules[k].resolved.values():
                info = graph.modules.get(t)
                if info is not None and info.kind == "esm" and t not in seen:
                    seen.add(t)
                    todo.append(t)
        else:
            sync[key] = True
            return True
        sync[key] = False
        return False

    for key in raw:
        bound: list[str] = parsed[key].get("bound", [])  # type: ignore[assignment]
        for spec in bound:
            target, fmt, _n = tables[key][spec]
            tkey = "." + str(target)[len(root) :]
            if fmt != "esm" or tkey not in lazy_ok or comp_of.get(tkey) == comp_of.get(key):
                continue
            if "module.exports" in names[tkey] or not complete(tkey, frozenset()) or not synchronous(tkey):
                continue
            entry: list[object] = [target, fmt, list(names[tkey])]
            # The bindings it re-exports (a binding is `<filename>:<name>` of the module declaring it,
            # js/prelude/esm-origins.js): `export *` conflicts see through the lazy namespace.
            other = {n: f"{root}{o[0][1:]}:{o[1]}" for n, o in origins[tkey].items() if o != (tkey, n)}
            if other:
                entry.append(other)
            tables[key][spec] = entry
    return names


def _refuse_importers_of_disk(
    graph: ModuleGraph,
    raw: dict[str, dict[str, object]],
    tables: dict[str, dict[str, list[object]]],
    out: EsmConversion,
) -> None:
    """To a fixpoint: an ES module importing one with top-level await stays on disk; so does one that
    reassigns its exports (``LIVE_BINDING``)."""
    from v8snap.esm.live import reassigned_exports  # tree-sitter: only when building

    root = str(graph.root)
    reassigned = {k: reassigned_exports(graph.modules[k].path.read_bytes()) for k in raw if raw[k]["locals"]}
    changed = True
    while changed:
        changed = False
        for key in list(raw):
            for spec, (target, fmt, _names) in tables[key].items():
                tkey = "." + str(target)[len(root) :] if fmt == "esm" else ""
                if tkey and tkey not in raw and out.refused.get(tkey, "").startswith("TOP_LEVEL_AWAIT"):
                    out.refused[key] = f"TOP_LEVEL_AWAIT: imports {spec!r}, which waits (top-level await)"
                    del raw[key]
                    changed = True
                    break
        for key in list(raw):
            names = reassigned.get(key)
            if names:
                out.refused[key] = f"LIVE_BINDING: assigns exported {', '.join(names)} after loading"
                del raw[key]
                changed = True


def _export_bindings(
    graph: ModuleGraph, raw: Mapping[str, Mapping[str, object]], cjs_names: Mapping[str, list[str]]
) -> dict[str, dict[str, tuple[str, str]]]:
    """Names of each converted module's namespace, as node links them: own exports, plus what each
    ``export *`` brings (not ``default``, not own names), less names two stars bring from different
    bindings (ambiguous). A binding is identified by (module key, name), followed through
    ``export { x } from``. The registry applies the same rules at run time
    (``js/prelude/esm-registry.js``).

    Returns:
        key -> export name -> the binding it is (module key, name)."""
    memo: dict[str, dict[str, tuple[str, str]]] = {}

    def target_of(key: str, spec: str) -> str:
        return graph.modules[key].resolved.get(spec, "")

    def bindings(key: str, stack: frozenset[str]) -> dict[str, tuple[str, str]]:
        if key in memo:
            return memo[key]
        res = raw[key]
        reexports: Mapping[str, list[str]] = res["reexports"]  # type: ignore[assignment]
        out: dict[str, tuple[str, str]] = {}
        for name in res["locals"]:  # type: ignore[attr-defined]
            origin = (key, str(name))
            if name in reexports:
                spec, imported = reexports[name]
                target = target_of(key, spec)
                if target in raw and target not in stack:
                    origin = bindings(target, stack | {key}).get(imported, (target, imported))
                else:
                    origin = (target, imported)
            out[str(name)] = origin
        ambiguous: set[str] = set()
        for spec in res["stars"]:  # type: ignore[attr-defined]
            target = target_of(key, spec)
            info = graph.modules.get(target)
            brought: dict[str, tuple[str, str]] = {}
            if info is not None and info.kind == "esm" and target in raw and target not in stack:
                brought = bindings(target, stack | {key})
            elif info is not None and info.kind == "cjs":
                names = [*cjs_names.get(_filename(graph, target), []), "module.exports"]
                brought = {n: (target, n) for n in names}
            for name, origin in brought.items():
                if name == "default" or name in ambiguous or name in res["locals"]:  # type: ignore[operator]
                    continue
                if name in out and out[name] != origin:
                    ambiguous.add(name)
                    del out[name]
                else:
                    out[name] = origin
        memo[key] = out
        return out

    return {k: bindings(k, frozenset()) for k in raw}


def prepare_graph(graph: ModuleGraph, *, node: Path) -> ModuleGraph:
    """The part of ``graph`` whose ES modules can go into a blob, with their conversions attached.

    Args:
        graph: the graph that goes into the blob (before conversion).
        node: node binary.

    Returns:
        The graph without the ES modules that stay on disk, with ``graph.esm`` (key -> :class:`Converted`)
        and ``graph.esm_on_disk`` (each left-out ES module -> ``"CODE: detail"``) set.

    Raises:
        V8SnapError: esbuild or cjs-module-lexer could not be installed.
    """
    from dataclasses import replace

    from v8snap.rewrite.dynamic_import import rewrite_dynamic_imports

    conv = convert_graph_modules(graph, node=node)
    for key, c in list(conv.converted.items()):
        if rewrite_dynamic_imports(key, c.source) is None:
            conv.refused[key] = "ESM_UNCONVERTIBLE: an import() the parser cannot place"
            del conv.converted[key]
    if not conv.refused and not conv.converted:
        return graph
    modules = {k: m for k, m in graph.modules.items() if m.kind != "esm" or k in conv.converted}
    return replace(graph, modules=modules, esm=dict(conv.converted), esm_on_disk=dict(conv.refused))


def dynamic_imports(graph: ModuleGraph) -> dict[str, dict[str, str]]:
    """``import(spec)`` targets that are converted ES modules: key -> spec -> target key.

    From the traced resolutions (:attr:`ModuleInfo.resolved`); served from the registry when the import
    runs while building (``js/prelude/esm-registry.js`` ``esmImportAtBuild``).
    """
    out: dict[str, dict[str, str]] = {}
    for key, info in graph.modules.items():
        hits = {spec: t for spec, t in info.resolved.items() if t in graph.esm and t != key}
        if hits:
            out[key] = hits
    return out
