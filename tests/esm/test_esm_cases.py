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
 a bare import (effects) and an import in a cycle stay eagerapp = tmp_path_factory.mktemp("esm") / "esm-cases"
 a bare import (effects) and an import in a cycle stay eagershutil.copytree(FIXTURE, app)
 a bare import (effects) and an import in a cycle stay eager# Two hand-written packages (no registry has them): installed as node_modules of the copy.
 a bare import (effects) and an import in a cycle stay eagershutil.copytree(FIXTURE / "packages", app / "node_modules")
 a bare import (effects) and an import in a cycle stay eagertrace = tuple((c,) for c in CASES if c not in UNTRACED)
 a bare import (effects) and an import in a cycle stay eagerreturn app, build_app(SnapshotConfig(app, trace_args=trace))


def test_table_has_at_least_40_cases() -> None:
 a bare import (effects) and an import in a cycle stay eagerassert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES)
def test_case_same_output_plain_and_blob(built: tuple[Path, BuildReport], node: Path, case: str) -> None:
 a bare import (effects) and an import in a cycle stay eagerapp, _ = built
 a bare import (effects) and an import in a cycle stay eagerplain = run_plain(node, app, [case])
 a bare import (effects) and an import in a cycle stay eagerif case not in UNTRACED:
 a bare import (effects) and an import in a cycle stay eager    assert plain.returncode == 0, plain.stderr
 a bare import (effects) and an import in a cycle stay eagerassert run_launcher(app, [case]) == plain


def test_es_modules_are_in_the_blob_or_on_disk_for_a_reason(built: tuple[Path, BuildReport]) -> None:
 a bare import (effects) and an import in a cycle stay eager_, report = built
 a bare import (effects) and an import in a cycle stay eagerhealthy = set(report.meta.healthy)
 a bare import (effects) and an import in a cycle stay eager# converted and initialized at build time: ESM <-> ESM, ESM -> CJS, export *, a package's ESM, .mjs
 a bare import (effects) and an import in a cycle stay eagerfor key in (
 a bare import (effects) and an import in a cycle stay eager    "./lib/starboth.js",
 a bare import (effects) and an import in a cycle stay eager    "./lib/re-cjs.js",
 a bare import (effects) and an import in a cycle stay eager    "./node_modules/esm-only/index.js",
 a bare import (effects) and an import in a cycle stay eager    "./lib/via-mjs.mjs",
 a bare import (effects) and an import in a cycle stay eager    "./lib/term.js",  # imports node:process, reads process.stdout.isTTY (an assumption)
 a bare import (effects) and an import in a cycle stay eager    "./lib/shadow.js",  # assigns exports at top level only, or locals named like them
 a bare import (effects) and an import in a cycle stay eager    "./lib/proc-user.js",  # imports node:process, tty, child_process; uses them later
 a bare import (effects) and an import in a cycle stay eager    "./lib/member-require.js",  # x.require("y") is no import
 a bare import (effects) and an import in a cycle stay eager):
 a bare import (effects) and an import in a cycle stay eager    assert key in healthy, key
 a bare import (effects) and an import in a cycle stay eager# import() at load of a registry ES module is served from the registry, not a violation
 a bare import (effects) and an import in a cycle stay eagerassert "./lib/import-at-load.cjs" in healthy
 a bare import (effects) and an import in a cycle stay eagerassert report.on_disk["./lib/tla.js"] == "ES module (TOP_LEVEL_AWAIT)"
 a bare import (effects) and an import in a cycle stay eagerassert report.on_disk["./lib/tla-user.js"] == "ES module (TOP_LEVEL_AWAIT)"
 a bare import (effects) and an import in a cycle stay eagerassert report.on_disk["./lib/esm-cycle.js"] == "ES module (ESM_CJS_CYCLE)"
 a bare import (effects) and an import in a cycle stay eagerassert report.on_disk["./lib/counter.js"] == "ES module (LIVE_BINDING)"
 a bare import (effects) and an import in a cycle stay eager# its importer is deferred because the module is not in the snapshot (it is no native addon)
 a bare import (effects) and an import in a cycle stay eagerreason = report.meta.modules["./cases/live-binding.js"].reason
 a bare import (effects) and an import in a cycle stay eagerassert reason is not None and (reason.code, reason.detail) == ("NOT_IN_SNAPSHOT", "./lib/counter.js")


def test_importer_of_a_deferred_es_module_stays_healthy_unless_it_reads_it(
 a bare import (effects) and an import in a cycle stay eagerbuilt: tuple[Path, BuildReport],
) -> None:
 a bare import (effects) and an import in a cycle stay eager_, report = built
 a bare import (effects) and an import in a cycle stay eagerhealthy = set(report.meta.healthy)
 a bare import (effects) and an import in a cycle stay eager# hold deferred (lazy-dep, lazy-thru) and on-disk (lazy-counter, LIVE_BINDING) imports, read them later
 a bare import (effects) and an import in a cycle stay eagerlazy_users = ("lazy-user", "lazy-throw-user", "lazy-loud-user", "lazy-mid", "lazy-star")
 a bare import (effects) and an import in a cycle stay eagerassert {f"./lib/{name}.js" for name in lazy_users} <= healthy
 a bare import (effects) and an import in a cycle stay eagerassert report.on_disk["./lib/lazy-counter.js"] == "ES module (LIVE_BINDING)"
 a bare import (effects) and an import in a cycle stay eager# its export names are in the blob: a change to it makes the blob stale
 a bare import (effects) and an import in a cycle stay eagerassert any(f.endswith("/lib/lazy-counter.js") for f in report.meta.stale_files)
 a bare import (effects) and an import in a cycle stay eagerreasons = {k: report.meta.modules[k].reason for k in ("./lib/lazy-dep.js", "./lib/lazy-eager.js")}
 a bare import (effects) and an import in a cycle stay eagerassert reasons["./lib/lazy-dep.js"] is not None and reasons["./lib/lazy-dep.js"].code == "TIME_READ"
 a bare import (effects) and an import in a cycle stay eager# reads the binding while it loads: deferred as before
 a bare import (effects) and an import in a cycle stay eagereager = reasons["./lib/lazy-eager.js"]
 a bare import (effects) and an import in a cycle stay eagerassert eager is not None and (eager.code, eager.detail) == ("DEPENDS_ON_DEFERRED", "./lib/lazy-dep.js")
 a bare import (effects) and an import in a cycle stay eager# a bare import (effects) and an import in a cycle stay eager
 a bare import (effects) and an import in a cycle stay eagerfor key in ("./lib/lazy-side.js", "./lib/lazy-unused.js", "./lib/lazy-cyc-a.js"):
 a bare import (effects) and an import in a cycle stay eager    reason = report.meta.modules[key].reason
 a bare import (effects) and an import in a cycle stay eager    assert reason is not None and reason.code == "DEPENDS_ON_DEFERRED", key
 a bare import (effects) and an import in a cycle stay eager# so does one of a module that waits through its imports (require(esm) refuses top-level await)
 a bare import (effects) and an import in a cycle stay eagerwaits = report.meta.modules["./lib/lazy-tla-user.js"].reason
 a bare import (effects) and an import in a cycle stay eagerassert waits is not None and (waits.code, waits.detail) == ("NOT_IN_SNAPSHOT", "./lib/lazy-live-tla.js")
 a bare import (effects) and an import in a cycle stay eagerassert report.on_disk["./lib/lazy-live-tla.js"] == "ES module (LIVE_BINDING)"  # found before its wait


def test_builtin_namespace_values_are_the_run_s(built: tuple[Path, BuildReport], node: Path) -> None:
 a bare import (effects) and an import in a cycle stay eagerapp, _ = built
 a bare import (effects) and an import in a cycle stay eagerargs = ["builtin-getters.js", "not", "traced"]  # argv read through node:process's namespace
 a bare import (effects) and an import in a cycle stay eagerplain = run_plain(node, app, args)
 a bare import (effects) and an import in a cycle stay eagerassert "not traced" in plain.stdout
 a bare import (effects) and an import in a cycle stay eagerassert run_launcher(app, args) == plain


def test_import_from_disk_gets_the_blob_instance(built: tuple[Path, BuildReport], tmp_path: Path) -> None:
 a bare import (effects) and an import in a cycle stay eagerapp, _ = built
 a bare import (effects) and an import in a cycle stay eager# cases/esm-only-package.js is deferred (it prints at load): node loads it from disk, and its import of
 a bare import (effects) and an import in a cycle stay eager# the ESM-only package is served from the blob through the module hooks.
 a bare import (effects) and an import in a cycle stay eagerstats = snapshot_stats(app, ["esm-only-package.js"], tmp_path)
 a bare import (effects) and an import in a cycle stay eagerassert stats["enabled"] is True
 a bare import (effects) and an import in a cycle stay eagerassert int(str(stats["served"])) >= 2  # esm-only/index.js and inner.js, initialized in the blob
