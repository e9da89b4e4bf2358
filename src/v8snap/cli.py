"""The ``v8snap`` command: parses arguments, calls the API, renders progress and tables. No logic here."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from v8snap.config import KNOWN_BENIGN_HAZARDS
from v8snap.errors import (
    AppNotFoundError,
    FileSystemError,
    NoSnapshotError,
    SnapshotStaleError,
    V8SnapError,
)

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Start Node.js apps from a V8 startup snapshot.",
)
err = Console(stderr=True)
out = Console()

AppArg = Annotated[Path, typer.Argument(help="app directory (holds package.json)")]
RewriteOpt = Annotated[bool, typer.Option(help="snapshot printer: lazy requires and run-time globals")]
AssumeOpt = Annotated[
    bool, typer.Option(help="env/argv/cwd read at load: healthy under a startup check (else deferred)")
]
NodeOpt = Annotated[
    Path | None, typer.Option("--node", help="node binary (default: V8SNAP_NODE or the bundled one)")
]


_DEBUG = False


@app.callback()
def _options(
    debug: Annotated[
        bool, typer.Option("--debug", help="show the traceback of an error (also V8SNAP_DEBUG=1)")
    ] = False,
) -> None:
    """Start Node.js apps from a V8 startup snapshot."""
    global _DEBUG
    _DEBUG = debug


def _config(app_dir: Path, *, writes: bool = False, **kw: object):  # type: ignore[no-untyped-def]
    """The app's config; ``writes``: the command writes APP/.v8snap, check that it can (before any work)."""
    from v8snap.config import SnapshotConfig

    root = app_dir.resolve()
    if not root.exists():
        raise AppNotFoundError(
            f"app directory {root} does not exist", hint="point v8snap at the app's directory"
        )
    if not root.is_dir():
        raise AppNotFoundError(
            f"{root} is not a directory", hint="point v8snap at the app's directory (it holds package.json)"
        )
    if not (root / "package.json").is_file() and not kw.get("entry"):
        raise AppNotFoundError(
            f"{root} has no package.json", hint="point v8snap at the app's directory or pass --entry"
        )
    cfg = SnapshotConfig(app_root=root, **{k: v for k, v in kw.items() if v is not None})  # type: ignore[arg-type]
    if writes:
        from v8snap.graph.layout import refuse_unsupported

        refuse_unsupported(root)  # before any progress line: the refusal is the whole output
        cfg.ensure_out_dir()
    return cfg


def _progress() -> tuple[Callable[[str], None], Callable[[], None]]:
    status = err.status("starting")
    status.start()

    def say(msg: str) -> None:
        status.update(msg)
        err.log(msg, highlight=False)

    return say, status.stop


def _fmt_ms(v: float) -> str:
    return f"{v:,.0f} ms" if v >= 100 else f"{v:.1f} ms"


@app.command()
def build(
    app_dir: AppArg = Path("."),
    entry: Annotated[str | None, typer.Option(help="entry file relative to the app")] = None,
    node: NodeOpt = None,
    trace_args: Annotated[
        list[str] | None, typer.Option("--trace-args", help='args of a trace run, e.g. "--help"')
    ] = None,
    include: Annotated[list[str] | None, typer.Option(help="glob of extra modules to include")] = None,
    mode: Annotated[
        str, typer.Option(help="production (app + node_modules) or dev (node_modules only)")
    ] = "production",
    allow: Annotated[list[str] | None, typer.Option(help="accept a hazard, e.g. ENV_READ:NODE_ENV")] = None,
    rewrite: RewriteOpt = True,
    assume: AssumeOpt = True,
    warmup: Annotated[
        list[str] | None, typer.Option(help="JS run at build time to warm hot paths (repeatable)")
    ] = None,
    huge_pages: Annotated[
        bool, typer.Option(help="launcher: transparent huge pages for node's malloc (GLIBC_TUNABLES)")
    ] = True,
    strategy: Annotated[
        str | None,
        typer.Option(
            help="auto (time snapshot / compile-cache / plain and use the fastest), or force one of them "
            "(default: V8SNAP_STRATEGY, else auto)"
        ),
    ] = None,
    measure: Annotated[
        bool, typer.Option(help="with --strategy auto: time the strategies (--no-measure: snapshot)")
    ] = True,
    trace_until: Annotated[
        str,
        typer.Option(help="a trace run stops at: exit, listen (a server's first listen) or a module file"),
    ] = "exit",
    trace_limit: Annotated[
        float, typer.Option(help="seconds a trace run may last (then: what it loaded)")
    ] = 10.0,
    with_report: Annotated[
        bool, typer.Option("--report", help="write APP/.v8snap/report.html at the end (see `v8snap report`)")
    ] = False,
) -> None:
    """Build the snapshot blob, meta and launcher into APP/.v8snap."""
    import shlex

    from v8snap.bake.app import build_app

    traces = tuple(tuple(shlex.split(a)) for a in (trace_args or [])) or ((),)
    cfg = _config(
        app_dir,
        writes=True,
        entry=entry,
        node=node,
        trace_args=traces,
        include=tuple(include or ()),
        mode=mode,
        allow=KNOWN_BENIGN_HAZARDS + tuple(allow or ()),
        rewrite=rewrite,
        assume=assume,
        warmup=tuple(warmup or ()),
        huge_pages=huge_pages,
        strategy=_strategy(strategy) if strategy is not None else None,
        measure=measure,
        trace_until=trace_until,
        trace_limit=trace_limit,
    )
    say, stop = _progress()
    try:
        report = build_app(cfg, say)
    finally:
        stop()
    m = report.meta
    table = Table(title=f"v8snap build: {cfg.app_root.name}")
    for col in ("healthy", "deferred", "norewrite", "blob", "build time", "launcher"):
        table.add_column(col)
    table.add_row(
        str(len(m.healthy)),
        str(len(m.deferred)),
        str(len(m.norewrite)),
        f"{m.blob_size / 1e6:.1f} MB",
        f"{report.seconds:.1f} s",
        str(report.launcher),
    )
    out.print(table)
    _print_build_notes(report)
    if with_report:
        _write_report(cfg)


def _strategy(value: str) -> str:
    from v8snap.kinds import Strategy

    if value not in Strategy._value2member_map_:
        raise typer.BadParameter(
            f"{value!r}: use auto, snapshot, compile-cache or plain", param_hint="--strategy"
        )
    return value


def _print_build_notes(report) -> None:  # type: ignore[no-untyped-def]
    """What the build healed, masked, skipped and left on disk: one line each, for the summary."""
    choice = report.meta.strategy
    how = (
        "forced"
        if choice.forced
        else ", ".join(f"{k} {v:.0f} ms" for k, v in choice.medians_ms.items()) or "not measured"
    )
    if choice.reason:
        how = f"the snapshot cannot run this app: {choice.reason}"
    out.print(f"launcher strategy: [bold]{choice.chosen}[/bold] ({escape(how)})", highlight=False)
    for name, why in choice.rejected.items():
        out.print(f"not used: {name}, its output differs from a plain run: {escape(why)}", highlight=False)
    acc = report.acceptance
    out.print(
        f"modules found after the first tick (whole-startup trace): {len(report.later)}", highlight=False
    )
    if report.on_disk:
        from v8snap.bake.app import count_reasons

        listed = count_reasons(report.on_disk)
        out.print(f"stay on disk (loaded by node at run time): {listed}", highlight=False)
    for line in acc.healed:
        out.print(f"healed: {line}", highlight=False, markup=False)
    for line in acc.masked:
        out.print(
            f"output check ignored what varies between plain runs: {line}", highlight=False, markup=False
        )
    for line in acc.skipped:
        out.print(f"[yellow]skipped[/yellow]: {line}", highlight=False)


@app.command()
def report(app_dir: AppArg = Path("."), node: NodeOpt = None) -> None:
    """Write APP/.v8snap/report.html: verdicts, rewrites, treemaps and startup of the last build."""
    cfg = _config(app_dir, node=node)
    if not cfg.meta_path.is_file():
        raise NoSnapshotError(f"no build in {cfg.out_dir}", hint=f"run `v8snap build {app_dir}` first")
    _write_report(cfg)


def _write_report(cfg) -> None:  # type: ignore[no-untyped-def]
    from v8snap.report import write_report

    say, stop = _progress()
    try:
        say("writing the report (re-printing modules to list the printer's rewrites)")
        path = write_report(cfg.out_dir, cfg.app_root, node=cfg.node)
    finally:
        stop()
    out.print(f"report: {path} ({path.stat().st_size / 1e6:.1f} MB, self-contained)", highlight=False)


@app.command()
def sea(
    app_dir: AppArg = Path("."),
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="the executable to write (default: dist/NAME in the current dir)"
        ),
    ] = None,
    asset: Annotated[
        list[str] | None,
        typer.Option("--asset", help="glob of files the app reads, relative to it (repeatable)"),
    ] = None,
    trace_args: Annotated[
        list[str] | None, typer.Option("--trace-args", help='args of an output check, e.g. "--help"')
    ] = None,
    node: NodeOpt = None,
) -> None:
    """Write one executable (node SEA) that starts the app from its snapshot, with no node or node_modules."""
    import shlex

    from v8snap.bake.launcher import launcher_name
    from v8snap.sea import build_sea

    traces = tuple(tuple(shlex.split(a)) for a in (trace_args or [])) or ((),)
    cfg = _config(app_dir, node=node, trace_args=traces)
    say, stop = _progress()
    try:
        target = output or Path("dist") / launcher_name(cfg.app_root)
        rep = build_sea(cfg, target.resolve(), asset_globs=tuple(asset or ()), progress=say)
    finally:
        stop()
    out.print(
        f"single executable: {rep.binary} ({rep.size / 1e6:.1f} MB, {len(rep.assets)} assets, "
        f"{rep.seconds:.1f} s); its output matches the plain run on {len(rep.checked)} command(s)",
        highlight=False,
    )


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def run(ctx: typer.Context, app_dir: AppArg = Path("."), node: NodeOpt = None) -> None:
    """Run the app from its snapshot (plain run with one warning line if the snapshot cannot be used)."""
    from v8snap.launch.run import exec_app

    exec_app(_config(app_dir, node=node), list(ctx.args))


@app.command()
def verify(app_dir: AppArg = Path("."), node: NodeOpt = None) -> None:
    """Check that the blob matches node, the lockfile, the modules and its recorded sha256."""
    from v8snap.launch.run import launch_strategy, verify_app

    cfg = _config(app_dir, node=node)
    problems = verify_app(cfg)
    if problems:
        raise SnapshotStaleError(
            f"the snapshot of {cfg.app_root} cannot be used: " + "; ".join(problems), problems=problems
        )
    out.print("[green]✓[/green] snapshot is usable")
    strategy = launch_strategy(cfg)
    if strategy != "snapshot":
        out.print(f"(the launcher's measured strategy is {strategy}: it runs the app without the blob)")


@app.command()
def doctor(
    app_dir: AppArg = Path("."),
    as_json: Annotated[bool, typer.Option("--json", help="print the verdicts with reasons as JSON")] = False,
    explain: Annotated[
        str | None, typer.Option(help="module key: show its rewrite (a diff) with reasons, as last built")
    ] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="verifier workers (default: CPUs)")] = None,
    profile: Annotated[str, typer.Option(help="node (default) or electron (mksnapshot rules)")] = "node",
    allow: Annotated[list[str] | None, typer.Option(help="accept a hazard, e.g. ENV_READ:NODE_ENV")] = None,
    previous_healthy: Annotated[
        list[str] | None, typer.Option("--previous-healthy", help="module key to accept as healthy")
    ] = None,
    previous_deferred: Annotated[
        list[str] | None, typer.Option("--previous-deferred", help="module key to defer explicitly")
    ] = None,
    rewrite: RewriteOpt = True,
    assume: AssumeOpt = True,
    mode: Annotated[str, typer.Option(help="production or dev (node_modules only)")] = "production",
    node: NodeOpt = None,
) -> None:
    """Classify the app's modules (healthy / deferred / norewrite, with reasons) without building a blob."""
    if explain is not None:
        _explain(app_dir, explain, node)
        return
    import msgspec
    from rich.live import Live

    from v8snap.bake.app import diagnose_app
    from v8snap.doctor.engine import DoctorProgress
    from v8snap.kinds import Verdict

    cfg = _config(
        app_dir,
        writes=True,
        node=node,
        profile=profile,
        allow=KNOWN_BENIGN_HAZARDS + tuple(allow or ()),
        mode=mode,
        rewrite=rewrite,
        assume=assume,
    )
    live = Live(console=err, transient=True, refresh_per_second=8)

    def show(p: DoctorProgress) -> None:
        stage = f"stage {p.stage}" if p.stage else "verify-all"
        live.update(
            f"[bold]doctor[/bold] {stage}: {p.verified}/{p.total} classified, "
            f"workers busy {p.busy}/{p.jobs}  [dim]{p.message[-70:]}[/dim]"
        )

    with live:
        rep = diagnose_app(
            cfg,
            jobs=jobs,
            previous_healthy=frozenset(previous_healthy or ()),
            previous_deferred=frozenset(previous_deferred or ()),
            rewrite=cfg.rewrite,
            progress=show,
        )
    st = rep.result.state
    records = st.records()
    stats = rep.result.stats
    if as_json:
        doc = {
            "healthy": sorted(st.healthy),
            "deferred": sorted(st.deferred),
            "norewrite": sorted(st.norewrite),
            "modules": msgspec.to_builtins(records),
            "on_disk": rep.on_disk,
            "stats": {
                "total": stats.total,
                "verified": stats.verified,
                "cached": stats.cached,
                "reverified": len(stats.reverified),
                "restarts": stats.restarts,
                "seconds": round(stats.seconds, 3),
            },
        }
        sys.stdout.write(json.dumps(doc, indent=1) + "\n")
        return
    table = Table(
        title=f"{len(st.healthy)} healthy, {len(st.deferred)} deferred, {len(st.norewrite)} norewrite"
    )
    for col in ("module", "verdict", "reason", "where"):
        table.add_column(col)
    for key in sorted(records, key=lambda k: (records[k].verdict == Verdict.HEALTHY, k)):
        r = records[key].reason
        why = f"{r.code} {r.detail}".strip() if r else ""
        table.add_row(key, records[key].verdict, why, r.stack if r else "")
    for key, why in sorted(rep.on_disk.items()):
        table.add_row(key, "on disk", why, "")
    out.print(table)
    out.print(
        f"doctor: {stats.seconds:.1f} s, {stats.verified} verifications, {stats.cached} cached verdicts, "
        f"{stats.restarts} worker restarts"
    )


def _explain(app_dir: Path, key: str, node: Path | None) -> None:
    import difflib

    from v8snap.bake.meta import SnapshotMeta
    from v8snap.blueprint.printer import explain as explain_module
    from v8snap.doctor.builtins import probe_builtins
    from v8snap.doctor.globals import builder_missing_globals
    from v8snap.graph import ModuleGraph
    from v8snap.node import find_node
    from v8snap.util import read_source

    cfg = _config(app_dir)
    deps = cfg.out_dir / "snapshot-deps.json"
    if not deps.is_file() or not cfg.meta_path.is_file():
        raise NoSnapshotError(f"no build in {cfg.out_dir}")
    try:
        graph = ModuleGraph.read(deps)
        meta = SnapshotMeta.read(cfg.meta_path)
    except ValueError as exc:  # malformed or another schema: the last build cannot be read
        raise SnapshotStaleError(f"the last build in {cfg.out_dir} cannot be read: {exc}") from None
    key = key if key.startswith("./") else "./" + key
    if key not in graph.modules:
        raise V8SnapError(f"{key} is not a module of the last build", hint="see `v8snap doctor --json`")
    node_path = find_node(node)
    ex = explain_module(
        graph,
        key,
        healthy=meta.healthy,
        builtin_verdicts=probe_builtins(node_path),
        lazy_globals=builder_missing_globals(node_path, cfg.profile),
    )
    rec = meta.modules.get(key)
    reason = rec.reason if rec is not None else None
    why = f"{reason.code} {reason.detail}" if reason else ""
    out.print(f"[bold]{key}[/bold]: {ex.verdict} {why}".rstrip())
    if ex.result.norewrite:
        out.print(f"norewrite: {ex.result.norewrite} (kept verbatim)")
    for r in ex.result.rewrites:
        spec = f" ({r.specifier})" if r.specifier else ""
        out.print(f"  line {r.line}: {r.kind} {r.binding}{spec}: {r.reason}", highlight=False)
    if not ex.result.rewrites:
        out.print("  no rewrite: comments dropped and text made one-byte only")
    source = read_source(graph.modules[key].path)
    diff = difflib.unified_diff(
        source.splitlines(),
        ex.printed.splitlines(),
        f"a/{key[2:]}",
        f"b/{key[2:]} (snapshot)",
        lineterm="",
        n=1,
    )
    for line in diff:
        out.print(line, highlight=False, markup=False)


@app.command()
def bench(
    app_dir: AppArg = Path("."),
    rounds: Annotated[int, typer.Option(help="alternating rounds")] = 15,
    args: Annotated[str, typer.Option(help="app arguments for every run")] = "",
    node: NodeOpt = None,
) -> None:
    """Time startup: plain node vs NODE_COMPILE_CACHE vs the snapshot (medians of alternating runs)."""
    import shlex

    from v8snap.bake.launcher import launcher_name
    from v8snap.bake.timing import bench_startup, compile_cache_dir, default_variants
    from v8snap.graph import find_entry
    from v8snap.node import find_node

    cfg = _config(app_dir, node=node)
    launcher = cfg.out_dir / "bin" / launcher_name(cfg.app_root)
    if not launcher.is_file():
        raise NoSnapshotError("no launcher: the app has no snapshot yet")
    variants = default_variants(
        find_node(node), find_entry(cfg.app_root), launcher, shlex.split(args), compile_cache_dir()
    )
    _print_bench(bench_startup(variants, cwd=cfg.app_root, rounds=rounds), cfg.app_root.name)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def profile(
    ctx: typer.Context,
    app_dir: AppArg = Path("."),
    rounds: Annotated[int, typer.Option(help="alternating rounds")] = 7,
    top: Annotated[int, typer.Option(help="module loads shown one per row")] = 20,
    node: NodeOpt = None,
) -> None:
    """Where the launcher's milliseconds go (medians of alternating runs) + a .cpuprofile (node --cpu-prof).

    App arguments go after `--`: v8snap profile APP -- --flag.
    """
    from v8snap.node import find_node
    from v8snap.profile import profile_app

    cfg = _config(app_dir, node=node)
    rep = profile_app(cfg, find_node(node), list(ctx.args), rounds=rounds, top=top)
    table = Table(
        title=f"start-up of {cfg.app_root.name}: {_fmt_ms(rep.total_ms)} (median of {rep.rounds} runs)"
    )
    for col, just in (("where", "left"), ("kind", "left"), ("ms", "right"), ("share", "right")):
        table.add_column(col, justify=just)  # type: ignore[arg-type]
    for r in rep.rows:
        if r.ms >= 0.05 or r.kind == "launcher":
            share = f"{100 * r.ms / rep.total_ms:.0f}%" if rep.total_ms else ""
            table.add_row(escape(r.what), r.kind, f"{r.ms:.2f}", share)
    out.print(table)
    kinds = ", ".join(f"{k} {v:.1f} ms" for k, v in rep.by_kind.items())
    out.print(f"module loads by kind: {escape(kinds) or 'none'}", highlight=False)
    out.print(
        f"reference: node -e 0 {_fmt_ms(rep.floor_ms)}, empty blob of this node {_fmt_ms(rep.empty_blob_ms)}",
        highlight=False,
    )
    if rep.strategy != "snapshot":
        out.print(
            f"(the launcher's strategy is {rep.strategy}: this profiles the blob, which it does not use)"
        )
    if rep.cpuprofile is not None:
        out.print(
            f"cpu profile (node --cpu-prof; Chrome DevTools, speedscope): {escape(str(rep.cpuprofile))}"
        )


def _print_bench(results, title: str) -> None:  # type: ignore[no-untyped-def]
    base = results[0].median_ms
    table = Table(title=f"startup of {title} (median of {len(results[0].samples_ms)} alternating runs)")
    for col in ("variant", "median", "min", "ratio vs plain"):
        table.add_column(col)
    for r in results:
        table.add_row(r.name, _fmt_ms(r.median_ms), _fmt_ms(min(r.samples_ms)), f"{r.median_ms / base:.2f}×")
    out.print(table)


@app.command()
def demo(rounds: Annotated[int, typer.Option(help="alternating rounds")] = 15) -> None:
    """Install the demo app, build its snapshot, check its output, and time its startup."""
    from v8snap.bench.demo import run_demo

    say, stop = _progress()
    try:
        res = run_demo(rounds=rounds, progress=say)
    finally:
        stop()
    m = res.report.meta
    out.print(
        f"demo app: {res.app}  ({len(m.healthy)} healthy / {len(m.deferred)} deferred modules, "
        f"blob {m.blob_size / 1e6:.1f} MB)"
    )
    out.print("[green]✓[/green] output from the snapshot is identical to the plain run")
    _print_bench(res.results, "the demo app")
    cc = res.results[1].median_ms
    out.print(f"v8snap vs NODE_COMPILE_CACHE: {res.results[2].median_ms / cc:.2f}×")


@app.command()
def install(
    app_dir: Annotated[
        Path | None,
        typer.Argument(help="app directory; with --bin: the project or package directory (default: found)"),
    ] = None,
    bin_name: Annotated[
        str | None,
        typer.Option("--bin", help="build this npm bin (tsc, eslint, ...) and shadow it with the launcher"),
    ] = None,
    bin_dir: Annotated[Path | None, typer.Option(help="directory on PATH (default ~/.local/bin)")] = None,
    trace_args: Annotated[
        list[str] | None, typer.Option("--trace-args", help='with --bin: more invocations to trace, e.g. "."')
    ] = None,
    strategy: Annotated[
        str | None, typer.Option(help="with --bin: auto (default), snapshot, compile-cache or plain")
    ] = None,
    node: NodeOpt = None,
) -> None:
    """Put the app's launcher on PATH (symlink in --bin-dir); --bin: build an npm CLI and shadow it."""
    if bin_name is not None:
        _install_bin(bin_name, app_dir, bin_dir, trace_args or [], strategy, node)
        return
    from v8snap.bake.launcher import launcher_name

    cfg = _config(app_dir or Path("."))
    bin_dir = bin_dir or Path.home() / ".local" / "bin"
    launcher = cfg.out_dir / "bin" / launcher_name(cfg.app_root)
    if not launcher.is_file():
        raise NoSnapshotError("no launcher: the app has no snapshot yet")
    bin_dir.mkdir(parents=True, exist_ok=True)
    link = bin_dir / launcher.name
    tmp = bin_dir / f".{launcher.name}.tmp"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(launcher)
    os.replace(tmp, link)
    out.print(f"installed {link} -> {launcher}")


def _install_bin(
    name: str,
    pkg_dir: Path | None,
    bin_dir: Path | None,
    trace_args: list[str],
    strategy: str | None,
    node: Path | None,
) -> None:
    """``v8snap install --bin NAME [PKG_DIR]``: find, build, shadow (:mod:`v8snap.launch.bins`)."""
    import shlex

    from v8snap.bake.app import build_app
    from v8snap.graph.layout import refuse_unsupported
    from v8snap.launch.bins import bin_config, find_bin, install_bin

    target = find_bin(name, pkg_dir, node=node, bin_dir=bin_dir)
    refuse_unsupported(target.root)
    cfg = bin_config(
        target,
        node=node,
        trace_args=tuple(tuple(shlex.split(a)) for a in trace_args),
        strategy=_strategy(strategy) if strategy is not None else None,
    )
    cfg.ensure_out_dir()
    say, stop = _progress()
    try:
        say(f"{name}: {target.script} ({target.scope}, app root {target.root})")
        report = build_app(cfg, say)
    finally:
        stop()
    shadow = install_bin(target, report.launcher)
    m = report.meta
    out.print(
        f"{name}: {len(m.healthy)} healthy / {len(m.deferred)} deferred modules, "
        f"blob {m.blob_size / 1e6:.1f} MB"
    )
    _print_build_notes(report)
    out.print(f"installed {shadow} -> {report.launcher} (undo: v8snap uninstall --bin {shlex.quote(name)})")
    if target.scope == "global":
        path = os.environ.get("PATH", "").split(os.pathsep)
        if str(shadow.parent) not in path:
            err.print(f"note: {shadow.parent} is not on PATH; add it before npm's global bin directory")


@app.command()
def uninstall(
    app_dir: Annotated[
        Path | None, typer.Argument(help="project directory (default: the nearest one, then ~/.local/bin)")
    ] = None,
    bin_name: Annotated[str, typer.Option("--bin", help="the bin to restore (as installed with --bin)")] = "",
    bin_dir: Annotated[Path | None, typer.Option(help="where a global bin was installed")] = None,
) -> None:
    """Undo `v8snap install --bin NAME`: put the original bin back exactly and remove its build."""
    from v8snap.launch.bins import find_installed, uninstall_bin

    if not bin_name:
        raise typer.BadParameter("give the bin to restore", param_hint="--bin")
    shadow, state = find_installed(bin_name, app_dir, bin_dir=bin_dir)
    out.print(uninstall_bin(shadow, state), highlight=False)


def _debug() -> bool:
    return _DEBUG or os.environ.get("V8SNAP_DEBUG", "") not in ("", "0")


def _render(exc: V8SnapError) -> None:
    """One paragraph: ``error [CODE]: module: cause``, the node error excerpt if any, then the hint."""
    from rich.text import Text

    from v8snap.util import node_error_excerpt

    msg = str(exc).strip()
    module = getattr(exc, "module", None)
    if module and module not in msg:
        msg = f"{module}: {msg}"
    violation = getattr(exc, "violation", None)
    if violation and violation not in msg:
        msg = f"{msg} ({violation})"
    lines = [Text.assemble(("error", "bold red"), f" [{exc.code}]: {msg}")]
    stack = getattr(exc, "js_stack", "") or ""
    excerpt = node_error_excerpt(stack) if stack.strip() else ""
    if excerpt and excerpt not in msg:
        lines += [Text("  " + line) for line in excerpt.splitlines()]
    if exc.hint:
        lines.append(Text.assemble(("hint", "bold"), f": {exc.hint}"))
    for line in lines:
        err.print(line, highlight=False, soft_wrap=True)


def _render_bug(exc: BaseException) -> None:
    """The paragraph for an exception v8snap did not raise on purpose: a bug, to be reported."""
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    where = f" (in {Path(frames[-1].filename).name}:{frames[-1].lineno}, {frames[-1].name})" if frames else ""
    what = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
    rerun = "" if _debug() else " Rerun the command with --debug (`v8snap --debug ...`) to see the traceback."
    err.print(
        f"error [INTERNAL_ERROR]: this is a bug in v8snap, not in your app: {what}{where}.{rerun} "
        "Please report it with the command you ran and its --debug output.",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


def main() -> None:
    """Console-script entry and the one place errors are rendered.

    Exit status: 0 success; 2 usage error (typer's own); 3 ``v8snap verify`` found the snapshot stale or
    unusable; 1 any other failure. A :class:`V8SnapError` is one paragraph (code, module, cause, hint); an
    environment ``OSError`` (full disk, read-only or forbidden path) is rendered as a
    :class:`~v8snap.errors.FileSystemError`; anything else is a v8snap bug, said so in one paragraph. The
    traceback is shown only with ``--debug`` or ``V8SNAP_DEBUG=1``.
    """
    import traceback

    try:
        app(prog_name="v8snap")
    except Exception as exc:
        known = exc if isinstance(exc, V8SnapError) else None
        if isinstance(exc, OSError) and known is None:
            known = FileSystemError.from_os_error(exc)
        if _debug():
            traceback.print_exception(exc, file=sys.stderr)
        if known is None:
            _render_bug(exc)
            sys.exit(1)
        _render(known)
        sys.exit(known.exit_code)


if __name__ == "__main__":
    main()
