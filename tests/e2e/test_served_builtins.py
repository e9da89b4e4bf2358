"""async_hooks and perf_hooks, which node's builder only warns about, are served at build time with guards.

Holding the module, a class of it or an AsyncLocalStorage made at load is healthy and works at run time as
in a plain run; a hook, a resource, a histogram or an observer made at load is run-time state of the
builder and defers the module (BUILTIN_UNSUPPORTED, naming the call). docs/limits.md, "Built-ins served
with guards".
"""

from __future__ import annotations

from pathlib import Path

from tests.e2e.helpers import run_launcher, run_plain, small_app

from v8snap.bake.app import build_app
from v8snap.config import SnapshotConfig

FILES = {
    "holds.js": (
        "const ah = require('async_hooks');\n"
        "const { performance, PerformanceObserver } = require('perf_hooks');\n"
        "class Job extends ah.AsyncResource {}\nexports.als = new ah.AsyncLocalStorage();\n"
        "const same = performance === globalThis.performance;\n"
        "Object.assign(exports, { ah, Job, PerformanceObserver, same });\n"
    ),
    "hook.js": "const hook = require('async_hooks').createHook({ init() {} });\n"
    "exports.hook = hook.disable();\n",
    "resource.js": "const { AsyncResource } = require('async_hooks');\n"
    "const r = new AsyncResource('x');\nexports.id = r.asyncId();\n",
    "histogram.js": "const h = require('perf_hooks').monitorEventLoopDelay();\nexports.on = h.enable();\n",
    # the global performance, with no perf_hooks required before it
    "mark.js": "exports.m = performance.mark('at-load').name;\n",
    "index.js": (
        "require('./mark');\nconst { ah, als, Job, PerformanceObserver, same } = require('./holds');\n"
        "require('./hook');\nrequire('./resource');\nrequire('./histogram');\n"
        "new Job('job').runInAsyncScope(() => console.log('scope', ah.executionAsyncId() > 1, same));\n"
        "als.run({ id: 7 }, () => setTimeout(() => console.log('store', als.getStore().id), 1));\n"
        "console.log(typeof new PerformanceObserver(() => {}).observe);\n"
    ),
}


def test_async_hooks_and_perf_hooks_are_served_with_guards(tmp_path: Path, node: Path) -> None:
    app = small_app(tmp_path, "served", FILES)
    meta = build_app(SnapshotConfig(app)).meta
    assert "./holds.js" in meta.healthy
    for key, what in (
        ("./hook.js", "async_hooks: async_hooks.createHook()"),
        ("./resource.js", "async_hooks: new AsyncResource()"),
        ("./histogram.js", "perf_hooks: perf_hooks.monitorEventLoopDelay"),
        ("./mark.js", "performance.mark()"),
    ):
        reason = meta.modules[key].reason
        assert reason is not None and (reason.code, reason.detail) == ("BUILTIN_UNSUPPORTED", what), key
    plain = run_plain(node, app, [])
    assert plain.stdout == "scope true true\nfunction\nstore 7\n"
    assert run_launcher(app, []) == plain
