"""Where the launcher's milliseconds go: node's own timers and the loader's ``performance`` marks.

``v8snap profile APP [-- ARGS]`` runs, in alternating rounds (so machine noise hits all alike):

- the launcher (``sh``) and the same ``node --snapshot-blob BLOB -- ARGS`` command without it: the
  difference is what the shell launcher itself costs (its ``test -nt`` and ``wc -c``);
- that command with ``V8SNAP_PROFILE=<file>``: the loader (js/loader/profile-marks.js) records a mark at
  each of its steps (fingerprint, stat of every baked file, assumptions, require hook + code cache, main
  module start and end, exit) as milliseconds since the process started (``performance.now()``) and one
  span per
  module load (Module._load, cached loads skipped) with its own time (total minus nested loads);
- an empty blob of the same node (built once into ``APP/.v8snap/profile/``) with the same marks: its
  ``loader start`` is process start + node's bootstrap from a user-land blob; the app's own blob costs
  the difference (a bigger heap to deserialize);
- ``node -e 0`` as the floor.

Each figure is the median over the rounds. One more run with node's ``--cpu-prof`` writes a
``.cpuprofile`` (Chrome DevTools, speedscope) next to the table: node's sampling profiler, not ours.
A registry module's compile cannot be told apart from its run (V8 compiles a function lazily, on its
first call); a module node loads from disk is read + compiled + run in one span.
"""

from __future__ import annotations

import hashlib
import json
import statistics
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from v8snap.bake.launcher import launcher_name
from v8snap.bake.meta import SnapshotMeta
from v8snap.bake.output import run_app
from v8snap.config import SnapshotConfig
from v8snap.errors import NodeProcessError, NoSnapshotError, SnapshotStaleError, V8SnapError
from v8snap.util import atomic_move, node_error_excerpt, private_dir

#: Environment variable that turns the loader's marks on (js/loader/profile-marks.js).
PROFILE_ENV = "V8SNAP_PROFILE"

_EMPTY_MAIN = """'use strict';
// v8snap profile: an empty user-land blob; with V8SNAP_PROFILE=<file> it records when its main runs.
require('v8').startupSnapshot.setDeserializeMainFunction(() => {
  const file = process.env.V8SNAP_PROFILE;
  if (!file) return;
  const { performance } = require('perf_hooks');
  const steps = [['loader start', performance.now()]];
  process.on('exit', () => {
    steps.push(['exit', performance.now()]);
    require('fs').writeFileSync(file, JSON.stringify({ steps, spans: [], files: 0 }));
  });
});
"""


@dataclass(frozen=True)
class ProfileRow:
    """One line of the profile: ``what`` cost ``ms`` (median over rounds) and is of ``kind``."""

    what: str
    kind: str
    ms: float


@dataclass
class ProfileReport:
    """The profile of one app.

    Attributes:
        rows: the launcher's start-up split into parts, most expensive first (ms, medians).
        total_ms: median wall time of the launcher (or of the blob command when the launcher does not use
            the blob), as seen by the caller (spawn to exit).
        floor_ms: median wall time of ``node -e 0``.
        empty_blob_ms: median wall time of an empty blob of the same node.
        rounds: alternating rounds measured.
        cpuprofile: the ``.cpuprofile`` written by node's ``--cpu-prof`` (one extra run), or None.
        strategy: the launcher's strategy (only ``snapshot`` uses the blob; others are profiled from the
            blob anyway and the launcher row is left out).
        by_kind: module-load kind -> total own ms (built-in, blob: healthy, blob: deferred, disk).
    """

    rows: list[ProfileRow]
    total_ms: float
    floor_ms: float
    empty_blob_ms: float
    rounds: int
    cpuprofile: Path | None
    strategy: str
    by_kind: dict[str, float] = field(default_factory=dict)


def empty_blob(node: Path, cache_dir: Path, timeout: float = 120.0) -> Path:
    """An empty user-land blob of ``node`` in ``cache_dir`` (built once per node binary; reused).

    Raises:
        NodeProcessError: node's snapshot builder failed.
    """
    st = node.stat()
    tag = hashlib.sha256(f"{node}\0{st.st_size}\0{st.st_mtime_ns}".encode()).hexdigest()[:16]
    blob = cache_dir / f"empty-{tag}.blob"
    if blob.is_file():
        return blob
    with tempfile.TemporaryDirectory(dir=cache_dir, prefix=".tmp-empty-") as tmp:
        script, out = Path(tmp) / "empty.js", Path(tmp) / "empty.blob"
        script.write_text(_EMPTY_MAIN)
        run = run_app(
            [str(node), "--snapshot-blob", str(out), "--build-snapshot", str(script)], Path(tmp), timeout
        )
        if run.returncode != 0 or not out.is_file():
            raise NodeProcessError(
                f"node could not build an empty snapshot blob for the profile:\n"
                f"{node_error_excerpt(run.stderr) or '(no output)'}"
            )
        atomic_move(out, blob)
    return blob


def _timed(argv: list[str], cwd: Path, env: dict[str, str] | None, timeout: float) -> float:
    t0 = time.perf_counter_ns()
    run = run_app(argv, cwd, timeout, env)
    ms = (time.perf_counter_ns() - t0) / 1e6
    if run.timed_out:
        raise V8SnapError(f"`{' '.join(argv[:4])} ...` did not finish within {timeout:.0f} s")
    if "v8snap: " in run.stderr:
        raise V8SnapError(f"the snapshot was not used: {run.stderr.strip()[-300:]}")
    return ms


def _marks(file: Path) -> dict[str, object]:
    try:
        return dict(json.loads(file.read_text()))
    except (OSError, ValueError) as exc:
        raise V8SnapError(
            "the profiled run wrote no marks: rebuild the app with this v8snap (`v8snap build`)",
            hint="the blob predates `v8snap profile`",
        ) from exc


def _med(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def profile_app(
    cfg: SnapshotConfig,
    node: Path,
    args: list[str],
    *,
    rounds: int = 7,
    cpuprofile: bool = True,
    timeout: float = 60.0,
    top: int = 20,
) -> ProfileReport:
    """Profile the start-up of the app built in ``cfg.out_dir`` (see the module docstring).

    Args:
        cfg: the app's configuration (its ``.v8snap/`` holds the blob and meta).
        node: the node binary the blob was built with.
        args: the app's arguments.
        rounds: alternating measured rounds (after one warm-up round).
        cpuprofile: also write ``APP/.v8snap/profile/<name>.cpuprofile`` with node's ``--cpu-prof``.
        timeout: seconds per run.
        top: module loads shown one per row; the rest are summed in one row.

    Returns:
        A :class:`ProfileReport`; rows in ms, most expensive first.

    Raises:
        NoSnapshotError: the app has no blob or meta (build it first).
        NodeProcessError: the empty blob could not be built.
        V8SnapError: a run timed out, did not use the snapshot, or wrote no marks (a blob older than this
            command).
    """
    if not cfg.blob_path.is_file() or not cfg.meta_path.is_file():
        raise NoSnapshotError(f"{cfg.app_root} has no snapshot yet", hint="build it first: v8snap build")
    try:
        strategy = str(SnapshotMeta.read(cfg.meta_path).strategy.chosen)
    except (OSError, ValueError) as exc:  # malformed or another schema: the last build cannot be read
        raise SnapshotStaleError(f"the last build in {cfg.out_dir} cannot be read: {exc}") from None
    root = cfg.app_root
    work = private_dir(cfg.out_dir / "profile")
    empty = empty_blob(node, work)
    launcher = cfg.out_dir / "bin" / launcher_name(root)
    direct = [str(node), "--snapshot-blob", str(cfg.blob_path), "--", *args]
    walls: dict[str, list[float]] = defaultdict(list)
    docs: list[dict[str, object]] = []
    empty_docs: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(dir=work, prefix=".tmp-marks-") as tmp:
        marks, empty_marks = Path(tmp) / "marks.json", Path(tmp) / "empty.json"
        for i in range(rounds + 1):
            w = {
                "direct": _timed(direct, root, None, timeout),
                "marked": _timed(direct, root, {PROFILE_ENV: str(marks)}, timeout),
                "empty": _timed(
                    [str(node), "--snapshot-blob", str(empty)], root, {PROFILE_ENV: str(empty_marks)}, timeout
                ),
                "floor": _timed([str(node), "-e", "0"], root, None, timeout),
            }
            if strategy == "snapshot" and launcher.is_file():
                w["launcher"] = _timed([str(launcher), *args], root, None, timeout)
            if i == 0:
                continue  # warm-up: page cache, the code cache's first fill
            for k, v in w.items():
                walls[k].append(v)
            docs.append(_marks(marks))
            empty_docs.append(_marks(empty_marks))
    rows, by_kind = _rows(root, docs, empty_docs, walls, top)
    total = _med(walls["launcher"]) if walls.get("launcher") else _med(walls["direct"])
    out = None
    if cpuprofile:
        name = f"{launcher_name(root)}.cpuprofile"
        prof_flags = ["--cpu-prof", "--cpu-prof-dir", str(work), "--cpu-prof-name", name]
        _timed(
            [str(node), "--snapshot-blob", str(cfg.blob_path), *prof_flags, "--", *args], root, None, timeout
        )
        out = work / name if (work / name).is_file() else None
    return ProfileReport(
        rows, total, _med(walls["floor"]), _med(walls["empty"]), rounds, out, strategy, by_kind
    )


def _step(doc: dict[str, object], name: str) -> float | None:
    for step, t in doc.get("steps", []):  # type: ignore[attr-defined]
        if step == name:
            return float(t)
    return None


def _gap(docs: list[dict[str, object]], a: str, b: str) -> float:
    vals = []
    for d in docs:
        ta, tb = _step(d, a), _step(d, b)
        if ta is not None and tb is not None:
            vals.append(tb - ta)
    return _med(vals)


def _rows(
    root: Path,
    docs: list[dict[str, object]],
    empty_docs: list[dict[str, object]],
    walls: dict[str, list[float]],
    top: int,
) -> tuple[list[ProfileRow], dict[str, float]]:
    files = int(docs[0].get("files", 0)) if docs else 0  # type: ignore[call-overload]
    start = _med([t for d in docs if (t := _step(d, "loader start")) is not None])
    empty_start = _med([t for d in empty_docs if (t := _step(d, "loader start")) is not None])
    exit_at = [t for d in docs if (t := _step(d, "exit")) is not None]
    rows = [
        ProfileRow("process start + node bootstrap from a user-land blob (empty blob)", "node", empty_start),
        ProfileRow(
            "deserializing this blob's heap (beyond an empty blob)", "node", max(start - empty_start, 0.0)
        ),
        ProfileRow(
            "node fingerprint (version, binary)", "loader check", _gap(docs, "loader start", "fingerprint")
        ),
        ProfileRow(
            f"stat of the {files} files baked into the blob",
            "loader check",
            _gap(docs, "fingerprint", "stat"),
        ),
        ProfileRow("assumptions (env, argv, cwd)", "loader check", _gap(docs, "stat", "assumptions")),
        ProfileRow("require hook + code cache", "loader", _gap(docs, "assumptions", "main start")),
        ProfileRow(
            "the app after its main module (event loop until exit)", "app", _gap(docs, "main end", "exit")
        ),
        ProfileRow(
            "process exit + spawn (exit handlers, teardown)",
            "node",
            max(_med(walls["marked"]) - _med(exit_at), 0.0),
        ),
    ]
    if walls.get("launcher"):
        # Difference of two noisy medians: near zero it can come out negative (shown as 0).
        shell = max(_med([a - b for a, b in zip(walls["launcher"], walls["direct"], strict=True)]), 0.0)
        rows.append(ProfileRow("shell launcher (sh, test -nt, wc -c)", "launcher", shell))
    own: dict[tuple[str, str], list[float]] = defaultdict(list)
    for d in docs:
        per: dict[tuple[str, str], float] = defaultdict(float)
        for label, kind, _t0, _total, self_ms in d.get("spans", []):  # type: ignore[attr-defined]
            per[(str(label), str(kind))] += float(self_ms)
        for k, v in per.items():
            own[k].append(v)
    n = len(docs)
    module_rows = []
    by_kind: dict[str, float] = defaultdict(float)
    for (label, kind), vals in own.items():
        ms = _med(vals + [0.0] * (n - len(vals)))
        by_kind[kind.split(" (")[0] if kind.startswith("main") else kind] += ms
        module_rows.append(ProfileRow(_short(root, label), kind, ms))
    module_rows.sort(key=lambda r: -r.ms)
    rows += module_rows[:top]
    rest = module_rows[top:]
    if rest:
        rows.append(ProfileRow(f"{len(rest)} other module loads", "modules", sum(r.ms for r in rest)))
    rows.sort(key=lambda r: -r.ms)
    return rows, {k: round(v, 2) for k, v in sorted(by_kind.items(), key=lambda kv: -kv[1])}


def _short(root: Path, label: str) -> str:
    if label.startswith("node:"):
        return label
    try:
        return "./" + str(Path(label).relative_to(root))
    except ValueError:
        return label
