"""What the report shows, as one JSON-able dict, from what a build left in ``APP/.v8snap``.

Inputs (all written by ``v8snap build``): ``snapshot-meta.json`` (verdicts, reasons, the build-time self
time of each healthy module's initialization ``initMs``, the strategy record), ``snapshot-deps.json`` (the
module graph: kinds and sizes), ``snapshot-meta.prev.json`` (the build before, for "what changed"), and,
when present, a ``v8snap profile`` result (:func:`load_profile`). The printer's rewrites are re-printed as
``v8snap doctor --explain`` does (:func:`v8snap.blueprint.printer.explain`).
"""

from __future__ import annotations

import datetime as _dt
import difflib
import json
import re
from pathlib import Path
from typing import Any

import msgspec

from v8snap.bake.app import PREVIOUS_META
from v8snap.bake.meta import SnapshotMeta
from v8snap.errors import NoSnapshotError
from v8snap.graph import ModuleGraph
from v8snap.util import read_source

PROFILE_FILES = ("profile.json", "profile/profile.json", "startup-profile.json")
"""Where a ``v8snap profile`` result is looked for, relative to ``APP/.v8snap`` (first found wins)."""

#: A module bigger than this (bytes) gets no diff in the report (difflib is quadratic on huge files);
#: its rewrites are still listed and ``v8snap doctor --explain`` shows the diff.
MAX_DIFF_SOURCE = 1_500_000
#: A diff longer than this (characters) is cut, with a note.
MAX_DIFF_CHARS = 60_000

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? ")
_MS_FIELDS = ("loadMs", "selfMs", "ms", "totalMs", "timeMs", "durationMs", "duration")
_KEY_FIELDS = ("key", "module", "id", "file", "filename", "path")


def package_of(key: str) -> str:
    """The npm package a module key belongs to (``@scope/name``, the innermost ``node_modules``), or
    ``"(app)"`` for the app's own files."""
    parts = key.split("/")
    idx = [i for i, p in enumerate(parts) if p == "node_modules"]
    if not idx or idx[-1] + 1 >= len(parts):
        return "(app)"
    i = idx[-1] + 1
    return "/".join(parts[i : i + 2]) if parts[i].startswith("@") else parts[i]


def load_profile(out_dir: Path, root: Path) -> tuple[dict[str, float], str | None]:
    """Per-module load times (ms) from a ``v8snap profile`` result, if one exists.

    The shape is read loosely: a top-level list, or a dict with a ``modules`` (or ``deferred``) entry that
    is a list of objects or a map key -> number/object; a module is named by ``key``/``module``/``id``/
    ``file``/``filename``/``path`` (an absolute path under the app is made a module key) and its time is
    the first of ``loadMs``/``selfMs``/``ms``/``totalMs``/``timeMs``/``durationMs``/``duration``.

    Returns:
        (module key -> ms, the file read or None). Unreadable or shapeless files give ``({}, None)``.
    """
    for rel in PROFILE_FILES:
        path = out_dir / rel
        if not path.is_file():
            continue
        try:
            doc = json.loads(path.read_text())
        except (OSError, ValueError):
            return {}, None
        return _profile_times(doc, root), str(path)
    return {}, None


def _profile_times(doc: Any, root: Path) -> dict[str, float]:
    items: Any = doc
    if isinstance(doc, dict):
        items = doc.get("modules", doc.get("deferred", doc))
    pairs: list[tuple[Any, Any]] = []
    if isinstance(items, dict):
        pairs = list(items.items())
    elif isinstance(items, list):
        for it in items:
            if isinstance(it, dict):
                name = next((it[f] for f in _KEY_FIELDS if isinstance(it.get(f), str)), None)
                pairs.append((name, it))
    out: dict[str, float] = {}
    prefix = str(root).rstrip("/") + "/"
    for name, value in pairs:
        if not isinstance(name, str):
            continue
        ms = value
        if isinstance(value, dict):
            ms = next((value[f] for f in _MS_FIELDS if isinstance(value.get(f), int | float)), None)
        if not isinstance(ms, int | float) or isinstance(ms, bool):
            continue
        key = "./" + name[len(prefix) :] if name.startswith(prefix) else name
        if not key.startswith("./") and not key.startswith("/"):
            key = "./" + key
        out[key] = float(ms)
    return out


def _rewrite_diff(source: str, printed: str, key: str, lines: set[int]) -> tuple[str, str]:
    """The ``--explain`` diff cut to the hunks that hold a rewrite (the others only drop comments or make
    text one-byte); returns (diff text, a note on what was left out)."""
    if len(source) > MAX_DIFF_SOURCE:
        return "", f"no diff for a module of {len(source):,} characters: see `v8snap doctor --explain {key}`"
    diff = list(
        difflib.unified_diff(
            source.splitlines(),
            printed.splitlines(),
            f"a/{key[2:]}",
            f"b/{key[2:]} (snapshot)",
            lineterm="",
            n=1,
        )
    )
    head, hunks, cur = diff[:2], [], list[str]()
    for line in diff[2:]:
        if line.startswith("@@"):
            cur = [line]
            hunks.append(cur)
        elif hunks:
            cur.append(line)
    kept, dropped = [], 0
    for h in hunks:
        m = _HUNK.match(h[0])
        start = int(m.group(1)) if m else 0
        count = int(m.group(2)) if m and m.group(2) is not None else 1
        if any(start <= ln <= start + max(count, 1) for ln in lines):
            kept.append(h)
        else:
            dropped += 1
    if not kept:
        kept, dropped = hunks, 0
    text = "\n".join(head + [ln for h in kept for ln in h])
    note = f"{dropped} other hunks only drop comments or make text one-byte" if dropped else ""
    if len(text) > MAX_DIFF_CHARS:
        text = text[:MAX_DIFF_CHARS]
        note = (note + "; " if note else "") + f"cut at {MAX_DIFF_CHARS:,} characters"
    return text, note


def _explanations(graph: ModuleGraph, meta: SnapshotMeta, node: Path | None) -> dict[str, dict[str, Any]]:
    """key -> {"rewrites": [...], "norewrite": str|None, "diff": str, "diffNote": str} for each CJS module."""
    from v8snap.blueprint.printer import explain
    from v8snap.doctor.builtins import probe_builtins
    from v8snap.node import find_node

    verdicts = probe_builtins(find_node(node))
    out: dict[str, dict[str, Any]] = {}
    for key, info in graph.modules.items():
        if info.kind != "cjs" or key not in meta.modules:
            continue
        try:
            ex = explain(graph, key, healthy=meta.healthy, builtin_verdicts=verdicts)
        except (OSError, KeyError, ValueError):
            continue
        rewrites = [
            {
                "line": r.line,
                "kind": r.kind,
                "binding": r.binding,
                "specifier": r.specifier,
                "reason": r.reason,
            }
            for r in ex.result.rewrites
        ]
        diff, note = "", ""
        if rewrites:
            source = read_source(info.path)
            diff, note = _rewrite_diff(source, ex.printed, key, {r.line for r in ex.result.rewrites})
        out[key] = {"rewrites": rewrites, "norewrite": ex.result.norewrite, "diff": diff, "diffNote": note}
    return out


def _changes(meta: SnapshotMeta, prev: SnapshotMeta | None) -> dict[str, Any]:
    if prev is None:
        return {"previous": False}
    mods, prev_mods = _records(meta), _records(prev)
    now = {k: m.get("verdict", "") for k, m in mods.items()}
    then = {k: m.get("verdict", "") for k, m in prev_mods.items()}
    moved = [
        {"key": k, "from": then[k], "to": now[k], "reason": _reason_text(mods[k])}
        for k in sorted(now.keys() & then.keys())
        if now[k] != then[k]
    ]
    changed = sorted(
        k for k in now.keys() & then.keys() if mods[k].get("sha256") != prev_mods[k].get("sha256")
    )
    return {
        "previous": True,
        "added": [{"key": k, "verdict": now[k]} for k in sorted(now.keys() - then.keys())],
        "removed": [{"key": k, "verdict": then[k]} for k in sorted(then.keys() - now.keys())],
        "moved": moved,
        "contentChanged": changed,
        "blobSize": [prev.blob_size, meta.blob_size],
        "strategy": [str(prev.strategy.chosen), str(meta.strategy.chosen)],
        "node": [prev.fingerprint.node, meta.fingerprint.node],
    }


def _records(meta: SnapshotMeta) -> dict[str, dict[str, Any]]:
    """The meta's module records as their JSON form (camelCase keys, defaults left out)."""
    return {k: msgspec.to_builtins(m) for k, m in meta.modules.items()}


def _reason_text(mod: dict[str, Any]) -> str:
    r = mod.get("reason") or {}
    return f"{r.get('code', '')} {r.get('detail', '')}".strip()


def collect(out_dir: Path, root: Path, *, node: Path | None = None, explain: bool = True) -> dict[str, Any]:
    """Everything the page shows, from the build in ``out_dir`` (``APP/.v8snap``) of the app at ``root``.

    Args:
        out_dir: the app's ``.v8snap`` directory.
        root: the app's root directory (module keys are relative to it).
        node: node binary for the built-in probe that re-printing needs (default: the bundled one).
        explain: re-print modules to list the printer's rewrites and their diffs.

    Returns:
        A dict: ``app``, ``generated``, ``node``, ``blob`` {size, sha256}, ``entry``, ``mode``, ``counts``,
        ``modules`` (one per module, with verdict, reason code/detail, first app frame, package, bytes,
        ``initMs``/``loadMs``, rewrites and diff), ``onDisk``, ``strategy``, ``timingsMs``, ``changes``,
        ``profile`` (the file read or None).

    Raises:
        NoSnapshotError: no build in ``out_dir`` (meta or deps missing or unreadable).
    """
    meta_path, deps_path = out_dir / "snapshot-meta.json", out_dir / "snapshot-deps.json"
    try:
        meta = SnapshotMeta.read(meta_path)
        graph = ModuleGraph.read(deps_path)
    except (OSError, ValueError, KeyError) as exc:
        raise NoSnapshotError(
            f"no usable build in {out_dir} ({exc.__class__.__name__}: {exc})",
            hint=f"run `v8snap build {root}` first",
        ) from exc
    prev = None
    if (out_dir / PREVIOUS_META).is_file():
        try:
            prev = SnapshotMeta.read(out_dir / PREVIOUS_META)
        except (OSError, ValueError, KeyError):
            prev = None
    load_ms, profile_file = load_profile(out_dir, root)
    explained = _explanations(graph, meta, node) if explain else {}
    modules = []
    for key, mod in _records(meta).items():
        info = graph.modules.get(key)
        reason = mod.get("reason") or {}
        ex = explained.get(key, {})
        modules.append(
            {
                "key": key,
                "package": package_of(key),
                "verdict": mod.get("verdict", ""),
                "code": reason.get("code", ""),
                "detail": reason.get("detail", ""),
                "frame": reason.get("stack", ""),
                "kind": info.kind if info else "",
                "bytes": info.size if info else 0,
                "initMs": mod.get("initMs"),
                "loadMs": load_ms.get(key),
                "reads": mod.get("reads", []),
                "rewrites": ex.get("rewrites", []),
                "norewrite": ex.get("norewrite"),
                "diff": ex.get("diff", ""),
                "diffNote": ex.get("diffNote", ""),
            }
        )
    on_disk = [
        {"key": k, "kind": m.kind, "bytes": m.size, "package": package_of(k), "loadMs": load_ms.get(k)}
        for k, m in graph.modules.items()
        if k not in meta.modules
    ]
    return {
        "app": root.name,
        "root": str(root),
        "generated": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "node": meta.fingerprint.node,
        "blob": {"size": meta.blob_size, "sha256": meta.blob_sha256},
        "entry": meta.entry,
        "mode": meta.mode,
        "counts": {
            "healthy": len(meta.healthy),
            "deferred": len(meta.deferred),
            "norewrite": len(meta.norewrite),
        },
        "modules": modules,
        "onDisk": on_disk,
        "strategy": msgspec.to_builtins(meta.strategy),
        "timingsMs": meta.timings_ms,
        "changes": _changes(meta, prev),
        "profile": profile_file,
    }
