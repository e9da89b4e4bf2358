"""``SnapshotBuilder``: bake modules and expressions into a node startup snapshot for ``Runtime``.

The snapshot script is assembled from the ``js/embed/runtime/`` part (the protocol server), then one build
step per module/expression/npm package in the order they were added, then
``finishSnapshot(fingerprint)``, which makes the protocol server the blob's deserialize main function and
bakes the builder's fingerprint into the heap. A runtime's server reports that fingerprint next to the one of
the node that restored it, and the runtime refuses a mismatch (:class:`SnapshotMismatchError`).
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import msgspec

from v8snap.bake import run_node_builder
from v8snap.bake.node_builder import BuildOutcome
from v8snap.embed.module import Module, module_sources
from v8snap.embed.npm import npm_fragment
from v8snap.embed.options import ESM_PARTS, BuilderOptions
from v8snap.errors import SnapshotBuildError
from v8snap.kinds import Code
from v8snap.node import find_node, js_part, js_path, node_fingerprint
from v8snap.node.fingerprint import Fingerprint
from v8snap.util import atomic_write_bytes

EMBED_PROFILE = "embed"
_ERROR_MARK = "V8SNAP_BUILD_ERROR "
_REQUIRE_MARK = "V8SNAP_REQUIRE "
_UNVERIFIED = re.compile(r'built-in module "([^"]+)" works in user snapshot builder scripts')
# Built-ins node's documentation lists as supported in snapshot builder scripts (docs/architecture.md,
# "Node's snapshot builder"). A crash
# without a JS stack is blamed on the last module that required a built-in outside this list.
_BUILDER_SUPPORTED = frozenset(
    [
        "assert",
        "buffer",
        "console",
        "constants",
        "crypto",
        "diagnostics_channel",
        "dns",
        "events",
        "fs",
        "fs/promises",
        "net",
        "os",
        "path",
        "process",
        "punycode",
        "querystring",
        "stream",
        "string_decoder",
        "timers",
        "url",
        "util",
        "v8",
        "zlib",
    ]
)


@dataclass(frozen=True)
class _Step:
    kind: str  # "module" | "expression" | "npm"
    name: str
    payload: str


def embed_runtime_source() -> str:
    """The embedding runtime's JavaScript: the ES module registry files (embedded ES modules are converted
    as an app's are, :mod:`v8snap.esm`, and run on the same registry), then the ``embed/runtime`` part;
    js/embed/server.js joins the same files."""
    esm = [js_path(f"prelude/esm-{p}.js").read_text(encoding="utf-8") for p in ESM_PARTS]
    return "\n".join([*esm, js_part("embed/runtime")])


def _js(value: object) -> str:
    """A JS literal for ``value`` (JSON, with U+2028/9 escaped, safe inside a script)."""
    return json.dumps(value).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


class SnapshotBuilder:
    """Collect modules, expressions and npm packages, then build a snapshot blob.

    Example::

        blob = SnapshotBuilder().with_module(Module("m.js", "globalThis.f = () => 42")).finish()
    """

    def __init__(self, options: BuilderOptions | None = None) -> None:
        """Args:
        options: build options (node binary, ``node_modules_root`` for npm packages, timeout, flags).
        """
        self.options = options or BuilderOptions()
        self._steps: list[_Step | Module] = []
        self._npm: list[str] = []

    def with_module(self, module: Module) -> SnapshotBuilder:
        """Run ``module`` at build time; its exports and globals live in the snapshot.

        Returns:
            ``self``, for chaining.
        """
        self._steps.append(module)
        return self

    def with_expression(self, expression: str) -> SnapshotBuilder:
        """Evaluate ``expression`` (global scope, indirect eval) at build time, after the steps before it.

        Returns:
            ``self``, for chaining.
        """
        n = sum(1 for s in self._steps if isinstance(s, _Step) and s.kind == "expression") + 1
        self._steps.append(_Step("expression", f"<expression #{n}>", expression))
        return self

    def with_npm_package(self, spec: str) -> SnapshotBuilder:
        """Bake an npm package (resolved from ``options.node_modules_root``) into the snapshot.

        Its exports are then ``require(spec)`` inside modules, and ``__v8snap_require(spec)`` in
        evaluated code. The package is initialized at build time when that works, else on first use.

        Args:
            spec: a request as ``require`` takes it (``"marked"``, ``"ajv"``, ``"lodash/fp"``).

        Returns:
            ``self``, for chaining.

        Raises:
            ValueError: no ``node_modules_root`` was given in the options.
        """
        if self.options.root() is None:
            raise ValueError("with_npm_package needs BuilderOptions(node_modules_root=...)")
        self._npm.append(spec)
        return self

    # ---- building ---------------------------------------------------------------------------------------

    def fingerprint(self) -> Fingerprint:
        """Fingerprint baked into the blob: the builder node's, with profile ``"embed"`` and the flags."""
        node = find_node(self.options.node)
        flags = tuple(self.options.flags)
        return node_fingerprint(node, flags).with_app("", profile=EMBED_PROFILE, flags=flags)

    def script(self) -> str:
        """The snapshot script this builder would run (for inspection and debugging).

        Raises:
            V8SnapError: an ES module cannot be converted; an npm package cannot be bundled.
        """
        node = find_node(self.options.node)
        modules = [s for s in self._steps if isinstance(s, Module)]
        sources = dict(zip((id(m) for m in modules), module_sources(modules, node=node), strict=True))
        # No top-level 'use strict': the npm fragment's module definitions must keep their own mode
        # (sloppy-mode packages exist); the embed runtime is strict inside its own wrapper (js/embed/server.js
        # wraps it the same way).
        parts = [
            "const __v8snap_embed = (function (module, require) {\n'use strict';\n"
            + embed_runtime_source()
            + "\nreturn module.exports;\n})({ exports: {} }, require)(require);",
        ]
        root = self.options.root()
        if self._npm and root is not None:
            fragment = npm_fragment(root, list(self._npm), node=node)
            parts.append(
                f"__v8snap_embed.buildStep('npm', {_js(', '.join(self._npm))}, () => {{\n{fragment}\n}});"
            )
        # Modules are declared first and each runs at its step or when one before imports it (cycles).
        for m in modules:
            src, esm = sources[id(m)]
            decl = f"{{ source: {_js(src)}, esm: {_js(esm)} }}"
            parts.append(f"__v8snap_embed.declared.set({_js(m.name)}, {decl});")
        for step in self._steps:
            if isinstance(step, Module):
                parts.append(
                    f"__v8snap_embed.buildStep('module', {_js(step.name)}, "
                    f"() => __v8snap_embed.runDeclared({_js(step.name)}));"
                )
            else:
                parts.append(
                    f"__v8snap_embed.buildStep('expression', {_js(step.name)}, "
                    f"() => (0, eval)({_js(step.payload)}));"
                )
        parts.append(f"__v8snap_embed.finishSnapshot({_js(msgspec.to_builtins(self.fingerprint()))});")
        return "\n".join(parts) + "\n"

    def finish(self) -> bytes:
        """Build the snapshot and return the blob.

        Returns:
            The raw blob as node writes it (``node --snapshot-blob FILE`` can run it directly).

        Raises:
            SnapshotBuildError: a module or expression threw at build time (``violation`` ``UNKNOWN_ERROR``,
                ``EXIT_CALLED`` or ``GLOBAL_MISSING``, ``module`` and ``js_stack`` set), or the builder
                crashed without a JS stack (``BUILTIN_CRASHES``; ``module`` names the module that required
                a built-in node reports as unverified, when there is one).
            V8SnapError: an ES module cannot be converted.
        """
        node = find_node(self.options.node)
        script = self.script()
        with tempfile.TemporaryDirectory(prefix="v8snap-embed-build-") as tmp:
            tmpdir = Path(tmp)
            entry = tmpdir / "snapshot.js"
            entry.write_text(script, encoding="utf-8")
            out = tmpdir / "snapshot.blob"
            outcome = run_node_builder(
                node,
                entry,
                out,
                cwd=tmpdir,
                flags=tuple(self.options.flags),
                timeout=self.options.timeout,
                env={},
            )
            if not outcome.ok:
                raise _build_error(outcome)
            return out.read_bytes()

    def save(self, path: str | Path) -> Path:
        """Build and write the blob to ``path`` atomically (readers never see a partial file).

        Returns:
            ``path`` as a :class:`Path`.

        Raises:
            SnapshotBuildError: see :meth:`finish`.
        """
        dest = Path(path)
        atomic_write_bytes(dest, self.finish())
        return dest


def _build_error(outcome: BuildOutcome) -> SnapshotBuildError:
    """Turn a failed build into a :class:`SnapshotBuildError` with module, code and JS stack."""
    stderr = outcome.stderr
    for line in stderr.splitlines():
        if line.startswith(_ERROR_MARK):
            rep = json.loads(line[len(_ERROR_MARK) :])
            return SnapshotBuildError(
                f"{rep['kind']} {rep['module']} threw while building the snapshot: "
                f"{rep['name']}: {rep['message']}",
                module=rep["module"],
                violation=rep["code"],
                js_stack=rep["stack"],
                hint="defer that work to run time (do it inside a function), or fix the error",
            )
    tail = "\n".join(line for line in stderr.splitlines() if not line.startswith(_REQUIRE_MARK))[-2000:]
    if outcome.crashed:
        unverified = set(_UNVERIFIED.findall(stderr))
        blamed: str | None = None
        for line in stderr.splitlines():
            if line.startswith(_REQUIRE_MARK):
                rec = json.loads(line[len(_REQUIRE_MARK) :])
                if rec["builtin"] in unverified or rec["builtin"] not in _BUILDER_SUPPORTED:
                    blamed = rec["module"]
        what = f"module {blamed} required an unsupported built-in" if blamed else "no JS stack"
        return SnapshotBuildError(
            f"node's snapshot builder crashed (exit {outcome.returncode}; {what})\n{tail}",
            module=blamed,
            violation=Code.BUILTIN_CRASHES,
            hint="require() built-ins such as http lazily, inside the functions that use them",
        )
    return SnapshotBuildError(
        f"node's snapshot builder failed (exit {outcome.returncode})\n{tail}", violation=Code.UNKNOWN_ERROR
    )
