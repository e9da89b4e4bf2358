"""The typed, versioned records on disk: snapshot-meta.json, snapshot-deps.json, the verdict cache.

A record written by another schema (or malformed) is never half-read: reading it raises a ValueError
that says to rebuild, and the commands treat the build as stale.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from v8snap.bake.meta import BlobIdentity, MetaSchemaError, SnapshotMeta
from v8snap.config import SnapshotConfig
from v8snap.doctor.cache import CacheEntry, VerdictCache
from v8snap.doctor.record import ModuleRecord
from v8snap.doctor.violations import Violation
from v8snap.graph.model import ModuleGraph, ModuleInfo, Resolution
from v8snap.kinds import Code, Mode, Verdict
from v8snap.launch.run import verify_app
from v8snap.node.fingerprint import Fingerprint

FP = Fingerprint("v24.19.0", "13.6", 123, "x64", "linux", (), "node", "/app")


def _meta() -> SnapshotMeta:
    return SnapshotMeta(
        healthy=["./a.js"],
        deferred=["./b.js"],
        norewrite=[],
        deferred_hash_file="package-lock.json",
        deferred_hash="ab" * 32,
        fingerprint=FP,
        blob=BlobIdentity("cd" * 32, 1234),
        entry="./index.js",
        modules={
            "./a.js": ModuleRecord(verdict=Verdict.HEALTHY, sha256="01" * 32),
            "./b.js": ModuleRecord(
                verdict=Verdict.DEFERRED, sha256="02" * 32, reason=Violation("./b.js", Code.ENV_READ, "HOME")
            ),
        },
    )


def test_meta_round_trip_keeps_the_documented_json_names(tmp_path: Path) -> None:
    path = tmp_path / "snapshot-meta.json"
    _meta().write(path)
    raw = json.loads(path.read_text())
    assert raw["schema"] == 2 and raw["blob"] == {"sha256": "cd" * 32, "size": 1234}
    assert {"deferredHashFile", "deferredHash", "staleFiles", "timingsMs"} <= set(raw)
    assert raw["modules"]["./a.js"] == {"verdict": "healthy", "sha256": "01" * 32}
    assert raw["modules"]["./b.js"]["reason"]["code"] == "ENV_READ"
    back = SnapshotMeta.read(path)
    assert back == _meta() and back.mode is Mode.PRODUCTION and back.blob_size == 1234
    assert back.reasons() == {"./b.js": Violation("./b.js", "ENV_READ", "HOME")}


def test_meta_without_schema_is_the_untyped_version_1(tmp_path: Path) -> None:
    """Metas written before the typed records have no ``schema``: version 1, read as "rebuild"."""
    path = tmp_path / "snapshot-meta.json"
    _meta().write(path)
    raw = json.loads(path.read_text())
    del raw["schema"]
    path.write_text(json.dumps(raw))
    with pytest.raises(MetaSchemaError, match=r"schema 1.*rebuild"):
        SnapshotMeta.read(path)


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d.update(schema=3),
        lambda d: d.pop("fingerprint"),
        lambda d: d["modules"]["./a.js"].update(verdict="sick"),
        lambda d: d["blob"].update(size="big"),
    ],
)
def test_other_or_broken_meta_says_rebuild(tmp_path: Path, edit: object) -> None:
    app = tmp_path / "app"
    (app / ".v8snap").mkdir(parents=True)
    (app / "package.json").write_text("{}")
    path = app / ".v8snap" / "snapshot-meta.json"
    _meta().write(path)
    raw = json.loads(path.read_text())
    edit(raw)  # type: ignore[operator]
    path.write_text(json.dumps(raw))
    with pytest.raises(MetaSchemaError, match="rebuild"):
        SnapshotMeta.read(path)
    problems = verify_app(SnapshotConfig(app))
    assert len(problems) == 1 and "rebuild" in problems[0]


def test_deps_doc_round_trip(tmp_path: Path) -> None:
    root = tmp_path
    graph = ModuleGraph(
        root=root,
        entry="./index.js",
        modules={
            "./index.js": ModuleInfo(
                "./index.js", root / "index.js", "cjs", 10, ("./a",), {"./a": "./a.js"}, 0
            ),
            "./a.js": ModuleInfo("./a.js", root / "a.js", "cjs", 5, (), {}, 1),
        },
        resolutions=[Resolution(".", "./a", "./a.js")],
    )
    graph.write(tmp_path / "out")
    back = ModuleGraph.read(tmp_path / "out" / "snapshot-deps.json")
    assert back == graph
    raw = json.loads((tmp_path / "out" / "snapshot-deps.json").read_text())
    assert raw["inputs"]["./index.js"]["loadOrder"] == 0
    raw["schema"] = 9
    (tmp_path / "out" / "snapshot-deps.json").write_text(json.dumps(raw))
    with pytest.raises(ValueError, match="rebuild"):
        ModuleGraph.read(tmp_path / "out" / "snapshot-deps.json")


def test_verdict_cache_round_trip_and_other_version_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "doctor-cache.json"
    cache = VerdictCache.open(path)
    entry = CacheEntry(
        verdict=Verdict.DEFERRED, reason=Violation("./b.js", Code.TIME_READ), load_deps=["./c.js"]
    )
    cache.put("k", entry)
    cache.save()
    assert json.loads(path.read_text())["entries"]["k"]["loadDeps"] == ["./c.js"]
    assert VerdictCache.open(path).get("k", tmp_path) == entry
    raw = json.loads(path.read_text())
    raw["version"] = 99
    path.write_text(json.dumps(raw))
    assert VerdictCache.open(path).entries == {}
    path.write_text("{not json")
    assert VerdictCache.open(path).entries == {}
