"""``Module``: a named JavaScript source to put in a snapshot or load into a runtime.

A module is CommonJS or an ES module (detected, or given with ``kind``); TypeScript files (``.ts``/``.tsx``)
are ES modules with a ``ts`` loader. Each module runs once, as a CommonJS function of
``(exports, require, module, __filename, __dirname)`` with ``__filename`` = its name; its exports are what
``Runtime.call_function(name, ...)`` and ``get_value(..., module=name)`` see. ``require`` inside a module
serves built-ins, other modules of the same snapshot/runtime by relative name (``./util.js``), and npm
packages added with ``SnapshotBuilder.with_npm_package``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from v8snap.embed.esm import Conversion, looks_like_esm, to_commonjs

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
            ``.mjs`` is always ESM, ``.cjs`` always CommonJS, TypeScript always converted).
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
        """True when the source must go through esbuild (ES module or TypeScript/JSX)."""
        suffix = Path(self.name).suffix
        if self.loader != "js":
            return True
        if self.kind != "auto":
            return self.kind == "esm"
        if suffix == ".mjs":
            return True
        if suffix == ".cjs":
            return False
        return looks_like_esm(self.source)


def commonjs_sources(modules: list[Module], *, node: Path | None = None) -> list[str]:
    """CommonJS source of each module, converting the ES/TypeScript ones in one esbuild run.

    Args:
        modules: the modules.
        node: node binary used to run esbuild.

    Returns:
        Sources in the order of ``modules``.

    Raises:
        V8SnapError: a module does not parse, or esbuild cannot be installed.
    """
    todo = [(i, m) for i, m in enumerate(modules) if m.needs_conversion()]
    converted = to_commonjs([Conversion(m.name, m.source, m.loader) for _, m in todo], node=node)
    out = [m.source for m in modules]
    for (i, _), code in zip(todo, converted, strict=True):
        out[i] = code
    return out
