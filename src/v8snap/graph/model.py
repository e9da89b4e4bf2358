"""The module graph: the one structure the graph stage hands to the rest of the pipeline."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import msgspec

ModuleKind = Literal["cjs", "json", "native", "esm", "other"]

#: Version of the snapshot-deps.json layout (files without the field are version 1, the same layout).
DEPS_SCHEMA = 1


class DepsInput(msgspec.Struct, kw_only=True, rename="camel"):
    """One module in ``snapshot-deps.json`` (:class:`ModuleInfo` without its absolute path)."""

    key: str
    size: int
    kind: ModuleKind
    #: how node loads it: esm | cjs | json | addon | other (issue 11's graph field; ModuleInfo.format)
    format: str = ""
    imports: list[str] = msgspec.field(default_factory=list)
    resolved: dict[str, str] = msgspec.field(default_factory=dict)
    load_order: int = -1
    source_mapped: bool = False


class DepsDoc(msgspec.Struct, kw_only=True):
    """The ``snapshot-deps.json`` document: app root, entry key, modules, resolutions (parent dir, request,
    target)."""

    schema: int = DEPS_SCHEMA
    root: str
    entry: str
    inputs: dict[str, DepsInput]
    resolutions: list[tuple[str, str, str]] = msgspec.field(default_factory=list)


def module_key(root: Path, path: Path) -> str:
    """Module key of ``path``: its path relative to the app root with a ``./`` prefix (posix separators).

    >>> module_key(Path("/app"), Path("/app/node_modules/ms/index.js"))
    './node_modules/ms/index.js'
    """
    return "./" + path.resolve().relative_to(root.resolve()).as_posix()


@dataclass(frozen=True)
class ModuleInfo:
    """One module the app loads at startup.

    Attributes:
        key: module key (``./node_modules/ms/index.js``).
        path: absolute path on disk.
        kind: ``cjs`` | ``json`` | ``native`` (``.node`` addon, always loaded from disk) | ``esm`` |
            ``other`` (an extension node's own loader does not handle, e.g. ``.ts`` or ``.txt`` loaded by a
            ``require.extensions`` handler the app registers: always loaded from disk, through that handler).
        size: file size in bytes.
        imports: static ``require()``/``import`` specifiers found by parsing, in source order.
        resolved: specifier -> module key (a module in the app), ``"node:<name>"`` for a built-in,
            or ``""`` when the resolver could not resolve it (missing dependency, dynamic path).
        load_order: position in the trace run's load order (0 = entry), or -1 if only found statically.
        source_mapped: it carries a ``sourceMappingURL`` comment (:attr:`v8snap.graph.parse.ParsedModule
            .source_mapped`); with source maps enabled the loader leaves it to node.
    """

    key: str
    path: Path
    kind: ModuleKind
    size: int
    imports: tuple[str, ...] = ()
    resolved: dict[str, str] = field(default_factory=dict)
    load_order: int = -1
    source_mapped: bool = False

    @property
    def format(self) -> str:
        """``esm`` | ``cjs`` | ``json`` | ``addon`` | ``other`` (an app's extension handler): how node loads
        the module (issue 11's graph field)."""
        return "addon" if self.kind == "native" else self.kind


@dataclass(frozen=True)
class Resolution:
    """One observed or computed resolution, the unit of the resolver map.

    Attributes:
        parent_dir: directory key of the requiring module (``./node_modules/express/lib``, ``.`` for root).
        request: the string passed to ``require``.
        target: module key, ``node:<builtin>``, or ``""`` when node found nothing in the trace
            (MODULE_NOT_FOUND).
    """

    parent_dir: str
    request: str
    target: str


@dataclass
class ModuleGraph:
    """Modules the app loads at startup, their edges and every resolution seen.

    Attributes:
        root: absolute app root.
        entry: module key of the main module.
        modules: key -> ModuleInfo, in load order (entry first).
        resolutions: all (parent dir, request) -> target pairs observed in the trace or computed
            for static imports; the resolver map is built from these.
        notes: human-readable diagnostics from discovery (loads that failed during the trace, specifiers
            resolving outside the app root); not written to ``snapshot-deps.json``.
        later: keys of modules the trace saw load only after the first event-loop turn (a setImmediate,
            an awaited promise, a lazy plugin); not written to ``snapshot-deps.json``.
        esm: ES module key -> :class:`v8snap.esm.convert.Converted` (set by :func:`v8snap.esm.prepare_graph`).
    """

    root: Path
    entry: str
    modules: dict[str, ModuleInfo]
    resolutions: list[Resolution] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    later: list[str] = field(default_factory=list)
    # v8snap-esm: ES module key -> its registry definition and export names (v8snap.esm.prepare_graph);
    # only the graph that goes into a blob has them.
    esm: dict[str, Any] = field(default_factory=dict)
    esm_on_disk: dict[str, str] = field(default_factory=dict)  # ES module key -> "CODE: why" it stays on disk

    def deps_of(self, key: str) -> list[str]:
        """Module keys ``key`` imports statically (built-ins and unresolved specifiers excluded)."""
        info = self.modules[key]
        out = []
        for target in info.resolved.values():
            if target in self.modules and target not in out:
                out.append(target)
        return out

    def to_deps_doc(self) -> DepsDoc:
        """The ``snapshot-deps.json`` record (Cypress's dependency metadata, extended)."""
        return DepsDoc(
            root=str(self.root),
            entry=self.entry,
            inputs={
                k: DepsInput(
                    key=m.key,
                    size=m.size,
                    kind=m.kind,
                    format=m.format,
                    imports=list(m.imports),
                    resolved=dict(m.resolved),
                    load_order=m.load_order,
                    source_mapped=m.source_mapped,
                )
                for k, m in self.modules.items()
            },
            resolutions=[(r.parent_dir, r.request, r.target) for r in self.resolutions],
        )

    @classmethod
    def from_deps_doc(cls, doc: DepsDoc) -> ModuleGraph:
        """Inverse of :meth:`to_deps_doc`."""
        root = Path(doc.root)
        modules = {
            k: ModuleInfo(
                key=k,
                path=root / k[2:],
                kind=m.kind,
                size=m.size,
                imports=tuple(m.imports),
                resolved=dict(m.resolved),
                load_order=m.load_order,
                source_mapped=m.source_mapped,
            )
            for k, m in doc.inputs.items()
        }
        res = [Resolution(d, r, t) for d, r, t in doc.resolutions]
        return cls(root=root, entry=doc.entry, modules=modules, resolutions=res)

    @classmethod
    def read(cls, path: Path) -> ModuleGraph:
        """Read a ``snapshot-deps.json`` file.

        Raises:
            OSError: unreadable.
            ValueError: malformed, or written by another schema (``msgspec.DecodeError``; rebuild).
        """
        doc = msgspec.json.decode(path.read_bytes(), type=DepsDoc)
        if doc.schema != DEPS_SCHEMA:
            raise ValueError(f"{path.name} has schema {doc.schema}, this v8snap reads {DEPS_SCHEMA}; rebuild")
        return cls.from_deps_doc(doc)

    def write(self, out_dir: Path) -> None:
        """Write ``snapshot-deps.json`` and ``snapshot-entry.js`` (one ``require`` per module) to out_dir."""
        from v8snap.util import atomic_write_text

        out_dir.mkdir(parents=True, exist_ok=True)
        doc = msgspec.json.format(msgspec.json.encode(self.to_deps_doc()), indent=1)
        atomic_write_text(out_dir / "snapshot-deps.json", doc.decode())
        lines = [
            f"exports[{json.dumps(k)}] = require({json.dumps(k)})"
            for k, m in self.modules.items()
            if m.kind not in ("native", "other")
        ]
        atomic_write_text(out_dir / "snapshot-entry.js", "\n".join(lines) + "\n")
