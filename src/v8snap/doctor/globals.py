"""The globals of Node's snapshot builder, probed once per node fingerprint and cached.

The verifier runs modules in a ``vm`` context of an ordinary node process, whose realm is not the
builder's. Measured on node 24.19.0: the builder's realm lacks ``WebAssembly``, ``SharedArrayBuffer``,
``Float16Array``, ``DisposableStack``, ``AsyncDisposableStack``, ``SuppressedError`` and a few members
(``Promise.try``, ``Error.isError``, ``Math.f16round``, ``RegExp.escape``, ``Atomics.pause``,
``DataView.prototype.getFloat16``/``setFloat16``) -- all present again when the blob runs -- and some of
node's lazily loaded web globals abort the builder when read (``Response``, ``Headers``, ``Request``,
``FormData``, ``WebSocket``, ...) or when constructed or called (``Blob``, ``fetch``, ``MessageChannel``,
...), as does holding an object of ``Intl``'s constructors (``new Intl.Segmenter()``: string-width,
``new Intl.ListFormat()``: @sindresorhus/is). Like the built-ins (``builtins.py``) this is measured, not
hard-coded: a plain run and a builder run list the globals, then one builder run per node global and per
constructor of ``Intl`` touches it (and uses it).
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from v8snap.doctor.builtins import cached_probe, store_probe
from v8snap.errors import NodeProcessError
from v8snap.node.helpers import js_path

#: A builder run that neither ends nor crashes (``new BroadcastChannel()`` keeps the loop alive) counts
#: as a crash after this many seconds.
PROBE_TIMEOUT = 10.0


def _builder(node: Path, script: str, workdir: Path, tag: str, env: dict[str, str]) -> bool:
    """Run ``script`` as a snapshot builder script; True if the builder wrote a blob and exited 0."""
    blob = workdir / f"{tag}.blob"
    try:
        proc = subprocess.run(
            [str(node), "--snapshot-blob", str(blob), "--build-snapshot", str(js_path(script))],
            capture_output=True,
            env={**os.environ, **env},
            timeout=PROBE_TIMEOUT,
            cwd=workdir,
        )
    except subprocess.TimeoutExpired:
        return False
    finally:
        blob.unlink(missing_ok=True)
    return proc.returncode == 0


def _lazy_verdict(node: Path, name: str, workdir: Path) -> str:
    """``ok``, ``touch`` (reading it crashes the builder) or ``use`` (constructing/calling it does)."""
    env = {"V8SNAP_PROBE_GLOBAL": name, "V8SNAP_PROBE_MODE": "use"}
    tag = "g-" + "".join(c if c.isalnum() else "_" for c in name)
    if _builder(node, "probe-global.js", workdir, tag, env):
        return "ok"
    return (
        "use"
        if _builder(node, "probe-global.js", workdir, tag, {**env, "V8SNAP_PROBE_MODE": "touch"})
        else "touch"
    )


def _missing(plain: dict[str, Any], builder: dict[str, Any]) -> list[str]:
    have = set(builder["globals"])
    out = sorted(n for n in plain["globals"] if n not in have)
    for owner, members in plain["members"].items():
        if owner.split(".")[0] not in have or owner not in builder["members"]:
            continue
        there = set(builder["members"][owner])
        out.extend(f"{owner}.{m}" for m in sorted(members) if m not in there)
    return out


#: Node globals that every builder supports (touched and constructed): a probe that fails on them is
#: unreliable (observed: none; the guard is for a loaded machine).
_CONTROLS = ("Buffer", "URL", "TextEncoder", "AbortController")


def probe_builder_globals(
    node: Path, *, cache_dir: Path | None = None, jobs: int | None = None
) -> dict[str, Any]:
    """Return what the snapshot builder of ``node`` lacks or cannot survive, as the verifier needs it.

    Args:
        node: node binary.
        cache_dir: where the per-fingerprint cache lives (default: as for the built-in probe).
        jobs: parallel builder runs (default: CPU count).

    Returns:
        ``{"missing": [dotted path, ...], "lazy": {global name: "touch" | "use"}}``: globals and members
        a plain realm has and the builder's lacks; node's globals that crash the builder when read
        (``touch``) or when constructed or called (``use``). First call per fingerprint: about 60 builder
        runs (~20 s on 2 cores); later calls read the cache.

    Raises:
        NodeProcessError: node cannot list its globals (plainly or in its builder).
    """
    cache, cached = cached_probe("builder-globals-2", node, cache_dir)  # -2: Intl's members are probed
    if isinstance(cached, dict) and isinstance(cached.get("missing"), list):
        return cached
    with tempfile.TemporaryDirectory(prefix="v8snap-globals-") as tmp:
        work = Path(tmp)
        plain_out, builder_out = work / "plain.json", work / "builder.json"
        proc = subprocess.run(
            [str(node), str(js_path("list-globals.js"))],
            capture_output=True,
            text=True,
            env={**os.environ, "V8SNAP_PROBE_OUT": str(plain_out)},
            timeout=60,
            cwd=work,
        )
        if proc.returncode != 0 or not plain_out.is_file():
            raise NodeProcessError(f"{node} cannot list its globals: {proc.stderr.strip()[-500:]}")
        env = {"V8SNAP_PROBE_OUT": str(builder_out), "V8SNAP_PROBE_ECMA": str(plain_out)}
        if not _builder(node, "list-globals.js", work, "list", env) or not builder_out.is_file():
            raise NodeProcessError(f"{node}'s snapshot builder cannot list its globals")
        plain = json.loads(plain_out.read_text())
        builder = json.loads(builder_out.read_text())
        ecma = set(plain["ecma"])
        names = [n for n in builder["globals"] if n not in ecma and n not in ("global", "globalThis")]
        # ICU-backed objects: an Intl.Segmenter, NumberFormat, ... held from load aborts the builder
        names += [f"Intl.{m}" for m in builder["members"].get("Intl", []) if m[:1].isupper()]
        with ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 2) as pool:
            verdicts = dict(zip(names, pool.map(lambda n: _lazy_verdict(node, n, work), names), strict=True))
    # Controls: globals every node's builder supports. A probe that failed for the machine's sake (a full
    # temp dir, the time limit under load) must not be cached as a fact about node.
    broken = [n for n in _CONTROLS if n in verdicts and verdicts[n] != "ok"]
    if broken:
        raise NodeProcessError(
            f"probing {node}'s snapshot builder failed for globals it always supports ({', '.join(broken)}); "
            "is the machine overloaded or the temp directory full? Try again"
        )
    data = {
        "missing": _missing(plain, builder),
        "lazy": {n: v for n, v in sorted(verdicts.items()) if v != "ok"},
    }
    store_probe(cache, data)
    return data


def builder_missing_globals(node: Path, profile: str = "node") -> frozenset[str]:
    """Global names (no dotted members) the builder of ``node`` lacks (``WebAssembly``,
    ``SharedArrayBuffer``, ``Float16Array``, ...), from :func:`probe_builder_globals` (cached per node).

    The snapshot printer makes a top-level declaration whose initializer reads one of them lazy, as it does
    for ``process``: ``const get = Object.getOwnPropertyDescriptor(SharedArrayBuffer.prototype,
    "byteLength").get`` (jsdom, webidl-conversions) then runs on first use, where the global exists, and
    the module is healthy instead of GLOBAL_MISSING. Empty for the electron profile (mksnapshot's globals
    are not probed).
    """
    if profile != "node":
        return frozenset()
    return frozenset(m for m in probe_builder_globals(node).get("missing", []) if "." not in m)
