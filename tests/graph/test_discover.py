from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from v8snap.errors import AppError, GraphError
from v8snap.graph import ModuleGraph, Resolution, discover_graph, find_entry, trace_app

App = Callable[[str], Path]


def triples(graph: ModuleGraph) -> set[tuple[str, str, str]]:
    return {(r.parent_dir, r.request, r.target) for r in graph.resolutions}


def test_basic_app_modules_in_load_order(node: Path, fixture_app: App) -> None:
    graph = discover_graph(fixture_app("graph-basic"), node=node)
    assert graph.entry == "./index.js"
    assert list(graph.modules) == [
        "./index.js",
        "./lib/a.js",
        "./lib/b.js",
        "./lib/c.js",
        "./data.json",
        "./cyc/x.js",
        "./cyc/y.js",
        "./net.js",
        "./lazy-user.js",
    ]
    assert [m.load_order for m in graph.modules.values()] == list(range(9))
    assert graph.modules["./data.json"].kind == "json"
    assert graph.modules["./data.json"].imports == ()
    assert {m.kind for k, m in graph.modules.items() if k != "./data.json"} == {"cjs"}
    assert graph.modules["./lib/c.js"].size == (fixture_app("graph-basic") / "lib/c.js").stat().st_size


def test_basic_app_excludes_lazy_broken_and_failed_addon(node: Path, fixture_app: App) -> None:
    graph = discover_graph(fixture_app("graph-basic"), node=node)
    for absent in ("./lazy.js", "./broken.js", "./addon.node", "./not-a-real-module"):
        assert absent not in graph.modules
    assert all(r.target != "./lazy.js" for r in graph.resolutions)
    # the lazy specifier is still known statically (the doctor / rewriter may want it)
    assert graph.modules["./lazy-user.js"].resolved == {"./lazy": "./lazy.js"}
    assert any("addon.node" in n and "ERR_DLOPEN_FAILED" in n for n in graph.notes)
    # a require of a shadowed `require` parameter is not a static import
    assert "./not-a-real-module" not in graph.modules["./index.js"].imports


def test_basic_app_resolutions(node: Path, fixture_app: App) -> None:
    graph = discover_graph(fixture_app("graph-basic"), node=node)
    got = triples(graph)
    expected = {
        (".", "./lib/a", "./lib/a.js"),
        ("./lib", "./b", "./lib/b.js"),
        ("./lib", "./c.js", "./lib/c.js"),
        (".", "./data.json", "./data.json"),
        (".", "./cyc/x", "./cyc/x.js"),
        ("./cyc", "./y", "./cyc/y.js"),
        ("./cyc", "./x", "./cyc/x.js"),  # circular edge
        (".", "./net", "./net.js"),
        (".", "http", "node:http"),  # built-in, required from ./net.js at the root
        (".", "./lazy-user", "./lazy-user.js"),
        (".", "path", "node:path"),  # dynamic require(name): only the trace knows it
        ("./cyc", "../lib/c", "./lib/c.js"),  # static only: inside a function never called
    }
    assert got == expected
    assert len(graph.resolutions) == len(got), "resolutions must be deduplicated"
    assert graph.deps_of("./cyc/x.js") == ["./cyc/y.js"]
    assert graph.deps_of("./cyc/y.js") == ["./cyc/x.js", "./lib/c.js"]


def test_server_trace_stops_at_its_first_listen(node: Path, fixture_app: App) -> None:
    root = fixture_app("graph-server")
    run = trace_app(root, root / "server.js", node=node, args=[], timeout=20, until="listen")
    assert run.reason == "listen"  # stopped at the listen, not at the 20 s time limit
    graph = discover_graph(root, node=node, timeout=20, until="listen")
    assert list(graph.modules) == ["./server.js", "./handler.js"]
    assert "./late.js" not in graph.modules  # required 3 s later


def test_trace_time_limit_and_until_module(node: Path, fixture_app: App) -> None:
    root = fixture_app("graph-server")
    run = trace_app(root, root / "server.js", node=node, args=[], limit=1.0)
    assert run.reason == "time-limit"
    assert [r.resolved for r in run.records if r.via == "require"][-1] == str(root / "handler.js")
    run = trace_app(root, root / "server.js", node=node, args=[], until="handler.js")
    assert run.reason == "module" and "listening" not in run.stdout
    with pytest.raises(AppError, match="--trace-until"):
        trace_app(root, root / "server.js", node=node, args=[], until="nope.js")


def test_whole_startup_trace_finds_modules_after_the_first_tick(node: Path, fixture_app: App) -> None:
    root = fixture_app("graph-later")
    run = trace_app(root, root / "index.js", node=node, args=[])
    assert run.reason == "exit" and run.first_tick is not None
    graph = discover_graph(root, node=node)
    assert list(graph.modules) == [
        "./index.js",
        "./lib/base.js",
        "./lib/in-immediate.js",
        "./lib/after-await.js",
        "./lib/plugin.js",
    ]
    # The setImmediate queued by the main module runs in the first turn; the rest come later.
    assert graph.later == ["./lib/after-await.js", "./lib/plugin.js"]


def test_process_exit_still_writes_trace(node: Path, fixture_app: App) -> None:
    root = fixture_app("graph-exit")
    run = trace_app(root, root / "cli.js", node=node, args=[])
    assert run.reason == "exit"
    assert run.exit_code == 3
    assert "usage: graph-exit" in run.stderr  # app output is captured, not shown
    graph = discover_graph(root, node=node)
    assert graph.entry == "./cli.js"  # from package.json bin
    assert list(graph.modules) == ["./cli.js", "./usage.js"]


def test_uncaught_exception_at_startup_is_a_graph_error(node: Path, fixture_app: App) -> None:
    with pytest.raises(GraphError, match="boom at startup"):
        discover_graph(fixture_app("graph-throws"), node=node)


def test_esm_app(node: Path, fixture_app: App) -> None:
    graph = discover_graph(fixture_app("graph-esm"), node=node)
    kinds = {k: m.kind for k, m in graph.modules.items()}
    assert kinds == {
        "./main.js": "esm",
        "./lib/helper.js": "esm",
        "./lib/legacy.cjs": "cjs",
        "./lib/legacy-dep.cjs": "cjs",
        "./lib/dyn.js": "esm",
    }
    assert graph.entry == "./main.js"
    assert {k: m.format for k, m in graph.modules.items()} == kinds
    got = triples(graph)
    assert ("./lib", "./legacy-dep.cjs", "./lib/legacy-dep.cjs") in got
    # import resolutions (import conditions) belong to the ES module, not to the require resolver map
    assert not any(req == "node:fs" for _, req, _ in got)
    assert graph.modules["./main.js"].resolved == {
        "node:fs": "node:fs",
        "./lib/helper.js": "./lib/helper.js",
        "./lib/legacy.cjs": "./lib/legacy.cjs",
        "./lib/dyn.js": "./lib/dyn.js",
    }


def test_trace_args_runs_are_merged(node: Path, fixture_app: App) -> None:
    root = fixture_app("graph-args")
    one = discover_graph(root, node=node)
    assert list(one.modules) == ["./index.js", "./help.js"]
    both = discover_graph(root, node=node, trace_args=[["build"], ["serve"]])
    assert list(both.modules) == ["./index.js", "./build.js", "./serve.js"]
    assert both.modules["./serve.js"].load_order == 2


def test_include_globs_add_untraced_modules(node: Path, fixture_app: App) -> None:
    graph = discover_graph(fixture_app("graph-basic"), node=node, include=["lazy*.js", "lib/*.js"])
    assert list(graph.modules)[-1] == "./lazy.js"
    assert graph.modules["./lazy.js"].load_order == -1
    assert graph.modules["./lib/a.js"].load_order == 1  # already traced: keeps its place
    assert (".", "./lazy", "./lazy.js") in triples(graph)
    with pytest.raises(AppError, match="relative"):
        discover_graph(fixture_app("graph-basic"), node=node, include=["/etc/*.conf"])


def test_explicit_entry_and_entry_errors(node: Path, fixture_app: App, tmp_path: Path) -> None:
    root = fixture_app("graph-basic")
    graph = discover_graph(root, node=node, entry="lib/a.js")
    assert graph.entry == "./lib/a.js"
    assert list(graph.modules) == ["./lib/a.js", "./lib/b.js", "./lib/c.js"]
    # as `node lib/a` runs lib/a.js (mocha's bin/mocha is bin/mocha.js)
    assert discover_graph(root, node=node, entry="lib/a").entry == "./lib/a.js"
    with pytest.raises(AppError):
        discover_graph(root, node=node, entry="missing.js")
    outside = tmp_path / "outside.js"
    outside.write_text("1")
    with pytest.raises(AppError, match="outside"):
        discover_graph(root, node=node, entry=str(outside))


def test_modules_outside_root_are_left_out(node: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere" / "ext"
    elsewhere.mkdir(parents=True)
    (elsewhere / "package.json").write_text('{"name": "ext", "main": "main.js"}')
    (elsewhere / "main.js").write_text("module.exports = require('./inner');")
    (elsewhere / "inner.js").write_text("module.exports = 1;")
    root = tmp_path / "app"
    (root / "node_modules").mkdir(parents=True)
    os.symlink(elsewhere, root / "node_modules" / "ext")
    (root / "index.js").write_text("require('ext'); require('./local');")
    (root / "local.js").write_text("module.exports = 2;")
    graph = discover_graph(root, node=node)
    assert list(graph.modules) == ["./index.js", "./local.js"]
    assert all(r.request != "ext" for r in graph.resolutions)
    assert any("'ext'" in n and "outside" in n for n in graph.notes)


def test_child_processes_do_not_clobber_the_trace(node: Path, tmp_path: Path) -> None:
    (tmp_path / "child.js").write_text("require('./child-dep');")
    (tmp_path / "child-dep.js").write_text("module.exports = 1;")
    (tmp_path / "index.js").write_text(
        "const cp = require('child_process');\n"
        "cp.spawnSync(process.execPath, [...process.execArgv, require('path').join(__dirname, 'child.js')],"
        " {stdio: 'inherit'});\n"
        "require('./after');\n"
    )
    (tmp_path / "after.js").write_text("module.exports = 2;")
    graph = discover_graph(tmp_path, node=node)
    assert list(graph.modules) == ["./index.js", "./after.js"]


def test_hanging_app_times_out(node: Path, tmp_path: Path) -> None:
    (tmp_path / "index.js").write_text("for (;;) {}")
    with pytest.raises(GraphError, match="did not finish"):
        discover_graph(tmp_path, node=node, timeout=1.5)


def test_killed_app_produces_no_trace(node: Path, tmp_path: Path) -> None:
    (tmp_path / "index.js").write_text("console.error('dying'); process.kill(process.pid, 'SIGKILL');")
    with pytest.raises(GraphError, match="produced no trace"):
        discover_graph(tmp_path, node=node)


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc to build a minimal N-API addon")
def test_native_addon_is_kind_native(node: Path, tmp_path: Path) -> None:
    include = node.parent.parent / "include" / "node"
    assert (include / "node_api.h").is_file()
    src = tmp_path / "addon.c"
    src.write_text(
        "#include <node_api.h>\n"
        "static napi_value Init(napi_env env, napi_value exports) { return exports; }\n"
        "NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)\n"
    )
    root = tmp_path / "app"
    (root / "build").mkdir(parents=True)
    subprocess.run(
        ["gcc", "-shared", "-fPIC", f"-I{include}", "-o", str(root / "build" / "addon.node"), str(src)],
        check=True,
    )
    (root / "index.js").write_text("module.exports = require('./build/addon.node');")
    graph = discover_graph(root, node=node)
    assert graph.modules["./build/addon.node"].kind == "native"
    assert graph.modules["./build/addon.node"].imports == ()
    assert (".", "./build/addon.node", "./build/addon.node") in triples(graph)
    out = tmp_path / "out"
    graph.write(out)
    assert "addon.node" not in (out / "snapshot-entry.js").read_text()


def test_write_outputs(node: Path, fixture_app: App, tmp_path: Path) -> None:
    graph = discover_graph(fixture_app("graph-basic"), node=node)
    graph.write(tmp_path / "out")
    deps = json.loads((tmp_path / "out" / "snapshot-deps.json").read_text())
    assert deps["entry"] == "./index.js"
    assert list(deps["inputs"]) == list(graph.modules)
    assert deps["inputs"]["./lib/a.js"]["resolved"] == {"./b": "./lib/b.js"}
    assert deps["inputs"]["./data.json"]["kind"] == "json"
    assert [Resolution(*r) for r in deps["resolutions"]] == graph.resolutions
    lines = (tmp_path / "out" / "snapshot-entry.js").read_text().splitlines()
    assert lines == [f'exports["{k}"] = require("{k}")' for k in graph.modules]


def test_find_entry_variants(node: Path, tmp_path: Path) -> None:
    def app(name: str, pkg: dict[str, object] | None, files: list[str]) -> Path:
        root = tmp_path / name
        root.mkdir()
        if pkg is not None:
            (root / "package.json").write_text(json.dumps(pkg))
        for f in files:
            (root / f).parent.mkdir(parents=True, exist_ok=True)
            (root / f).write_text("1")
        return root

    root = app("main-noext", {"main": "lib/start"}, ["lib/start.js", "index.js"])
    assert find_entry(root, node=node) == root / "lib" / "start.js"
    root = app("main-dir", {"main": "lib"}, ["lib/index.js"])
    assert find_entry(root, node=node) == root / "lib" / "index.js"
    root = app("bin-str", {"bin": "cli.js"}, ["cli.js", "index.js"])
    assert find_entry(root, node=node) == root / "cli.js"
    root = app(
        "bin-dict", {"bin": {"first": "bin/one.js", "second": "bin/two.js"}}, ["bin/one.js", "bin/two.js"]
    )
    assert find_entry(root, node=node) == root / "bin" / "one.js"
    root = app("index", None, ["index.js"])
    assert find_entry(root, node=node) == root / "index.js"
    with pytest.raises(AppError, match=r"main 'nope\.js'"):
        find_entry(app("bad-main", {"main": "nope.js"}, ["index2.js"]), node=node)
    with pytest.raises(AppError, match="bin"):
        find_entry(app("bad-bin", {"bin": {"x": "missing.js"}}, []), node=node)
    with pytest.raises(AppError, match="no entry point"):
        find_entry(app("empty", {"name": "empty"}, ["other.js"]), node=node)
    with pytest.raises(AppError, match="not a directory"):
        find_entry(tmp_path / "missing", node=node)
