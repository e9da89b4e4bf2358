"""Plain data passed out of the snapshot printer: :class:`Rewrite` records and :class:`RewriteResult`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

RewriteKind = Literal["lazy-require", "lazy-destructure", "lazy-exports", "lazy-global", "lazy-derived"]
"""What a rewrite did.

* ``lazy-require``: ``const x = require('m')`` (or a member/call chain on it) became a cached getter.
* ``lazy-destructure``: ``const {a, b} = <lazy initializer>`` became one getter per binding.
* ``lazy-exports``: ``exports.x = require('m')`` became an accessor property on ``exports``.
* ``lazy-global``: the initializer read a run-time-only global (``process``, ``Buffer``, timers, ...).
* ``lazy-derived``: the initializer read a binding that was itself made lazy.
"""

DEFAULT_RUNTIME_GLOBALS: frozenset[str] = frozenset(
    {
        "process",
        "Buffer",
        "setTimeout",
        "setInterval",
        "setImmediate",
        "clearTimeout",
        "clearInterval",
        "clearImmediate",
    }
)
"""Globals whose value is only meaningful at run time (read at build time, they would be baked in)."""

ELECTRON_RUNTIME_GLOBALS: frozenset[str] = frozenset({"console"})
"""Added to the run-time-only globals by the ``electron`` profile (mksnapshot has no usable console)."""


@dataclass(frozen=True)
class Rewrite:
    """One edit the printer made.

    Attributes:
        line: 1-based line of the rewritten declaration or statement in the input.
        kind: see :data:`RewriteKind`.
        binding: the name made lazy (for ``lazy-exports``: the exported property name).
        specifier: the required module for require-based rewrites, else ``None``.
        reason: one human sentence saying why.
    """

    line: int
    kind: RewriteKind
    binding: str
    specifier: str | None
    reason: str


@dataclass
class RewriteResult:
    """Outcome of :func:`v8snap.rewrite.rewrite_module`.

    Attributes:
        code: the rewritten module body (equal to the input when nothing was done or on norewrite).
        norewrite: why the module must be kept verbatim, or ``None``.
        rewrites: the edits made (empty on norewrite).
        eager_requires: specifiers of lazy modules that the module still requires while it initializes
            (``module.exports = require('m')``, requires in non-declaration statements, ...): the module
            cannot be healthy unless these are. Computed on norewrite too (then: every such require).
    """

    code: str
    norewrite: str | None = None
    rewrites: list[Rewrite] = field(default_factory=list)
    eager_requires: list[str] = field(default_factory=list)
