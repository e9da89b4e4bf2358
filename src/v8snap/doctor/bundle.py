"""The verifier bundle: the prelude and every module definition, compiled once per verifier worker.

Unlike the snapshot script it has no loader and no boot call: a worker runs it in each fresh ``vm``
context and then initializes one module. A line table maps bundle lines back to module keys so that a
violation's stack names ``./node_modules/x/index.js:LINE:COL``, not a line of a generated file.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from v8snap.blueprint import Blueprint
from v8snap.blueprint.assemble import module_definition, resolver_map, snapshot_sources
from v8snap.esm.convert import dynamic_imports
from v8snap.node.helpers import js_part
from v8snap.util import atomic_write_bytes


@dataclass(frozen=True)
class VerifierBundle:
    """Files a worker loads.

    Attributes:
        script: the bundle (the ``js/prelude/`` part + ``globalThis.__v8snap_defs = {...}``).
        config: JSON config (root, entry, resolver map, built-in verdicts, allow list, profile, line table).
        digest: sha256 of both, so workers reload only when something changed.
        norewrite: keys the transform refused to rewrite, with the reason.
    """

    script: Path
    config: Path
    digest: str
    norewrite: dict[str, str]


def write_bundle(
    bp: Blueprint, workdir: Path, *, profile: str = "node", builder_globals: dict[str, Any] | None = None
) -> VerifierBundle:
    """Write the verifier bundle of ``bp`` into ``workdir``.

    Args:
        bp: the blueprint (its ``transform`` is applied as in the snapshot script).
        workdir: output directory.
        profile: ``node`` or ``electron`` (the worker installs the strict verifiers for ``electron``).
        builder_globals: what node's builder lacks or cannot survive (``doctor.globals``): the worker's
            realm is made to match (touching those is a violation).

    Returns:
        The :class:`VerifierBundle`.

    Raises:
        OSError: a module file cannot be read or the bundle cannot be written.
    """
    prelude = js_part("prelude")  # with the ES module registry (prelude/esm-*.js)
    parts = [prelude, "globalThis.__v8snap_defs = {"]
    line = prelude.count("\n") + 2
    lines: list[list[object]] = []
    keys: list[str] = []
    norewrite: dict[str, str] = {}
    for key, info, source, refused in snapshot_sources(bp):
        if refused is not None:
            norewrite[key] = refused
        text = f"{json.dumps(key)}: {module_definition(info.kind, source)},"
        # The definition's body starts on the line after `"key": function (...) {`.
        lines.append([line + 1, key])
        parts.append(text)
        line += text.count("\n") + 1
        keys.append(key)
    parts.append("};\n")
    script_text = "\n".join(parts)
    config = {
        "root": str(bp.graph.root),
        "entry": bp.graph.entry,
        "map": resolver_map(bp),
        "builtinVerdicts": bp.builtin_verdicts,
        "allow": list(bp.allow),
        "assume": bp.assume,
        "profile": profile,
        "builderGlobals": builder_globals,
        "keys": keys,
        "lines": lines,
        "esmImports": dynamic_imports(bp.graph),  # v8snap-esm
        # lazy ES module imports (js/prelude/esm-lazy.js): apps only, as in the snapshot script
        "esmLazy": bp.mode != "library",
    }
    config_text = json.dumps(config)
    data = script_text.encode("utf-8", "surrogateescape")
    digest = hashlib.sha256(data + b"\0" + config_text.encode()).hexdigest()
    script = workdir / "verifier-bundle.js"
    config_path = workdir / "verifier-config.json"
    atomic_write_bytes(script, data)
    atomic_write_bytes(config_path, config_text.encode())
    return VerifierBundle(script, config_path, digest, norewrite)
