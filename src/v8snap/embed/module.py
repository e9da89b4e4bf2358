"""``Module``: a named JavaScript source to put in a snapshot or load into a runtime.

A module is CommonJS or an ES module (detected, or given with ``kind``); TypeScript/JSX files
(``.ts``/``.tsx``/``.jsx``) are first transformed to JavaScript, then are one or the other. Each module runs
once. A CommonJS module runs as a function of ``(exports, require, module, __filename, __dirname)`` with
``__filename`` = its name. An ES module takes the conversion every app's ES modules take
(:mod:`v8snap.esm`, node's semantics: live bindings, ``export *``, default/named interop with CommonJS,
``import.meta.url`` ``file:///<name>``); its exports are its namespace (``require`` of it gets what node's
``require(esm)`` gives).
Exports are what ``Runtime.call_function(name, ...)`` and ``get_value(..., module=name)`` see. ``require``
and ``import`` inside a module serve built-ins, other modules of the same snapshot/runtime by relative name
(``./util.js``), and npm packages added with ``SnapshotBuilder.with_npm_package``.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from v8snap.embed.esm import Conversion, esm_filename, looks_like_esm, to_javascript
from v8snap.node import find_node

ModuleKind = Literal["auto", "cjs", "esm"]

_SOURCE_SUFFIXES = (".js", ".cjs", ".mjs", ".ts", ".mts", ".cts", ".tsx", ".jsx")
_LOADERS = {".ts": "ts", ".mts": "ts", ".cts": "ts", ".tsx": "tsx", ".jsx": "jsx"}


@dataclass(frozen=True)
class Module:
    """A JavaScript module given by name and source.

    Attributes:
        name: the module's name (``"my_module.js"``, ``"lib/util.js"``): its key in the runtime, its
            ``__filename`` and the file name in JS stacks.
        source: the JavaScript (or TypeScript) source text.
        kind: ``"cjs"``, ``"esm"`` or ``"auto"`` (ESM iff a top-level ``import``/``export`` exists;
            ``.mjs`` is always ESM, ``.cjs`` always CommonJS).
    """

    name: str
    source: str
    kind: ModuleKind = "auto"

    @classmethod
    def load(cls, path: str | Path, *, name: str | None = None, kind: ModuleKind = "auto") -> Module:
        """Read a module from a file.

        Args:
            path: the file (UTF-8).
            name: module name; default ``path`` as given, in posix form.
            kind: see :attr:`kind`.

        Returns:
            The module.

        Raises:
            OSError: the file cannot be read.
        """
        p = Path(path)
        return cls(name or p.as_posix(), p.read_text(encoding="utf-8"), kind)

    @classmethod
    def load_dir(cls, path: str | Path, *, kind: ModuleKind = "auto") -> list[Module]:
        """Read every JS/TS module under a directory (recursively, sorted, ``node_modules`` skipped).

        Args:
            path: the directory.
            kind: see :attr:`kind`.

        Returns:
            One module per file, named by its posix path relative to ``path`` (``"sub/util.js"``), so
            relative ``require``/``import`` between them resolve.

        Raises:
            NotADirectoryError: ``path`` is not a directory.
        """
        root = Path(path)
        if not root.is_dir():
            raise NotADirectoryError(str(root))
        files = sorted(
            f
            for f in root.rglob("*")
            if f.is_file()
            and f.suffix in _SOURCE_SUFFIXES
            and "node_modules" not in f.relative_to(root).parts
        )
        return [cls.load(f, name=f.relative_to(root).as_posix(), kind=kind) for f in files]

    @property
    def loader(self) -> str:
        """esbuild loader for this module's source (``js``, ``ts``, ``tsx``, ``jsx``)."""
        return _LOADERS.get(Path(self.name).suffix, "js")

    def needs_conversion(self) -> bool:
        """True when the source must be converted (ES module or TypeScript/JSX)."""
        return self.loader != "js" or self.is_esm(self.source)

    def is_esm(self, javascript: str) -> bool:
        """True when this module is an ES module, given its JavaScript (TypeScript already transformed).

        ``kind`` decides when given; else ``.mjs``/``.mts`` are ES modules, ``.cjs`` CommonJS, and any other
        name is an ES module iff ``javascript`` has a top-level ``import``/``export``.
        """
        suffix = Path(self.name).suffix
        if self.kind != "auto":
            return self.kind == "esm"
        if suffix in (".mjs", ".mts"):
            return True
        if suffix == ".cjs":
            return False
        return looks_like_esm(javascript)


def module_sources(modules: list[Module], *, node: Path | None = None) -> list[tuple[str, bool]]:
    """Source of each module as the embedding runtime evaluates it (a CommonJS body), and whether it is
    an ES module.

    CommonJS modules are kept as they are; TypeScript/JSX first becomes JavaScript (:func:`to_javascript`);
    ES modules become registry definitions through the conversion every app's ES modules take
    (:func:`v8snap.esm.convert.convert_sources`). An ES module's imports resolve as the embedding's
    ``require`` does: relative names to the modules of ``modules`` (``./x``, ``./x.js``, ``.cjs``, ``.mjs``,
    ``./x/index.js``) with their exact format; anything else (a built-in, an npm package of the snapshot,
    a module loaded earlier) is whatever ``require`` returns at run time (:data:`v8snap.esm.convert.Target`).

    Args:
        modules: the modules, converted together (their imports of each other resolve exactly).
        node: node binary used to run esbuild and the lexer.

    Returns:
        ``(source, esm)`` in the order of ``modules``.

    Raises:
        V8SnapError: a module does not parse or uses top-level ``await``; esbuild cannot be installed.
    """
    if not any(m.needs_conversion() for m in modules):
        return [(m.source, False) for m in modules]
    from v8snap.esm.convert import SourceModule, convert_sources  # the converter: only when needed

    sources = [m.source for m in modules]
    typed = [(i, m) for i, m in enumerate(modules) if m.loader != "js"]
    js = to_javascript([Conversion(m.name, m.source, m.loader) for _, m in typed], node=node)
    for (i, _), code in zip(typed, js, strict=True):
        sources[i] = code
    pairs = zip(modules, sources, strict=True)
    batch = [SourceModule(esm_filename(m.name), src, m.is_esm(src)) for m, src in pairs]
    formats = {b.filename: "esm" if b.esm else "cjs" for b in batch}

    def resolve(importer: str, spec: str) -> tuple[str, str]:
        if spec in ("module", "node:module"):
            return "node:module", "builtin"
        if not spec.startswith(("./", "../", "/")):
            return spec, "auto"
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec))
        for cand in (joined, joined + ".js", joined + ".cjs", joined + ".mjs", joined + "/index.js"):
            if cand in formats:
                return cand, formats[cand]
        return joined, "auto"

    converted = convert_sources(batch, resolve, node=node or find_node())
    return [(converted.get(b.filename, b.source), b.esm) for b in batch]
