"""Issue 11's table of ES module semantics: each case runs plainly and from the blob with identical output.

One app (tests/fixtures/esm-cases) holds every case: ``node main.js <case>`` imports ``cases/<case>``. It is
built once (one trace run per case, so every case's modules are in the graph; the build's own output check
already compares each traced case) and each case is then run both ways here. ``error-at-import.js`` is not
traced (a trace stops at an uncaught error) but its modules are: it checks message, stack and exit code.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.e2e.helpers import run_launcher, run_plain, snapshot_stats

from v8snap.bake.app import BuildReport, build_app
from v8snap.config import SnapshotConfig

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "esm-cases"
CASES = sorted(p.name for p in (FIXTURE / "cases").iterdir())
UNTRACED = {"error-at-import.js"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildReport]:
    app = tmp_path_factory.mktemp("esm") / "esm-cases"
    shutil.copytree(FIXTURE, app)
    # Two hand-written packages (no registry has them): installed as node_modules of the copy.
    shutil.copytree(FIXTURE / "packages", app / "node_modules")
    trace = tuple((c,) for c in CASES if c not in UNTRACED)
    return app, build_app(SnapshotConfig(app, trace_args=trace))


def test_table_has_at_least_40_cases() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES)
def test_case_same_output_plain_and_blob(built: tuple[Path, BuildReport], node: Path, case: str) -> None:
    app, _ = built
    plain = run_plain(node, app, [case])
    if case not in UNTRACED:
        assert plain.returncode == 0, plain.stderr
    assert run_launcher(app, [case]) == plain


def test_es_modules_are_in_the_blob_or_on_disk_for_a_reason(built: tuple[Path, BuildReport]) -> None:
    _, report = built
    healthy = set(report.meta.healthy)
    # converted and initialized at build time: ESM <-> ESM, ESM -> CJS, export *, a package's ESM, .mjs
    for key in (
        "./lib/starboth.js",
        "./lib/re-cjs.js",
        "./node_modules/esm-only/index.js",
        "./lib/via-mjs.mjs",
        "./lib/term.js",  # imports node:process, reads process.stdout.isTTY (an assumption)
        "./lib/shadow.js",  # assigns exports at top level only, or locals named like them
        "./lib/proc-user.js",  # imports node:process, tty, child_process; uses them later
        "./lib/member-require.js",  # x.require("y") is no import
    ):
        assert key in healthy, key
    # import() at load of a registry ES module is served from the registry, not a violation
    assert "./lib/import-at-load.cjs" in healthy
    assert report.on_disk["./lib/tla.js"] == "ES module (TOP_LEVEL_AWAIT)"
    assert report.on_disk["./lib/tla-user.js"] == "ES module (TOP_LEVEL_AWAIT)"
    assert report.on_disk["./lib/esm-cycle.js"] == "ES module (ESM_CJS_CYCLE)"
    assert report.on_disk["./lib/counter.js"] == "ES module (LIVE_BINDING)"
    # its importer is deferred because the module is not in the snapshot (it is no native addon)
    reason = report.meta.modules["./cases/live-binding.js"].reason
    assert reason is not None and (reason.code, reason.detail) == ("NOT_IN_SNAPSHOT", "./lib/counter.js")


def test_importer_of_a_deferred_es_module_stays_healthy_unless_it_reads_it(
    built: tuple[Path, BuildReport],
) -> None:
    _, report = built
    healthy = set(report.meta.healthy)
    # hold deferred (lazy-dep, lazy-thru) and on-disk (lazy-counter, LIVE_BINDING) imports, read them later
    lazy_users = ("lazy-user", "lazy-throw-user", "lazy-loud-user", "lazy-mid", "lazy-star")
    assert {f"./lib/{name}.js" for name in lazy_users} <= healthy
    assert report.on_disk["./lib/lazy-counter.js"] == "ES module (LIVE_BINDING)"
    # its export names are in the blob: a change to it makes the blob stale
    assert any(f.endswith("/lib/lazy-counter.js") for f in report.meta.stale_files)
    reasons = {k: report.meta.modules[k].reason for k in ("./lib/lazy-dep.js", "./lib/lazy-eager.js")}
    assert reasons["./lib/lazy-dep.js"] is not None and reasons["./lib/lazy-dep.js"].code == "TIME_READ"
    # reads the binding while it loads: deferred as before
    eager = reasons["./lib/lazy-eager.js"]
    assert eager is not None and (eager.code, eager.detail) == ("DEPENDS_ON_DEFERRED", "./lib/lazy-dep.js")
    # a bare import or one never read (effects) and an import in a cycle stay eager
    for key in ("./lib/lazy-side.js", "./lib/lazy-unused.js", "./lib/lazy-cyc-a.js"):
        reason = report.meta.modules[key].reason
        assert reason is not None and reason.code == "DEPENDS_ON_DEFERRED", key
    # so does one of a module that waits through its imports (require(esm) refuses top-level await)
    waits = report.meta.modules["./lib/lazy-tla-user.js"].reason
    assert waits is not None and (waits.code, waits.detail) == ("NOT_IN_SNAPSHOT", "./lib/lazy-live-tla.js")
    assert report.on_disk["./lib/lazy-live-tla.js"] == "ES module (LIVE_BINDING)"  # found before its wait


def test_builtin_namespace_values_are_the_run_s(built: tuple[Path, BuildReport], node: Path) -> None:
    app, _ = built
    args = ["builtin-getters.js", "not", "traced"]  # argv read through node:process's namespace
    plain = run_plain(node, app, args)
    assert "not traced" in plain.stdout
    assert run_launcher(app, args) == plain


def test_import_from_disk_gets_the_blob_instance(built: tuple[Path, BuildReport], tmp_path: Path) -> None:
    app, _ = built
    # cases/esm-only-package.js is deferred (it prints at load): node loads it from disk, and its import of
    # the ESM-only package is served from the blob through the module hooks.
    stats = snapshot_stats(app, ["esm-only-package.js"], tmp_path)
    assert stats["enabled"] is True
    assert int(str(stats["served"])) >= 2  # esm-only/index.js and inner.js, initialized in the blob
