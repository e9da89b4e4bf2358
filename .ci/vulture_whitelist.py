"""Names vulture cannot see used: public API (embedding, CLI commands run by typer) and record fields
that are part of a file format or of a documented result (read by users, tests or the JS side)."""

# ruff: noqa
from v8snap import cli
from v8snap.embed import builder, errors, module, runtime

# CLI commands and the option callback (registered with typer decorators)
cli._options
cli.build
cli.verify
cli.doctor
cli.bench
cli.demo
cli.install
cli.uninstall
cli.sea
cli.report
cli.profile
# Public embedding API (docs/embedding.md)
builder.SnapshotBuilder.with_module
builder.SnapshotBuilder.with_expression
builder.SnapshotBuilder.with_npm_package
errors.JsError.js_message
errors.JsError.js_code
module.Module.load_dir
runtime.Runtime._finalizer  # keeps the weakref.finalize alive
runtime.Runtime.load_module
runtime.Runtime.register_function
runtime.Runtime.drain_console
runtime.Runtime.eval_async
runtime.Runtime.call_function_async
runtime.Runtime.call_entrypoint_async
runtime.Runtime.get_value_async
# Fields of documented results and file formats
_.reused_verdicts  # BuildReport
_.graph_seconds  # DiagnoseReport
_.same_output  # bench demo result
_.mtime_ns  # file stamps
_.verifications  # doctor stats
_.has_errors  # ParsedSource
_.is_main  # trace record (js/trace.js)
_.via  # trace record (js/trace.js)
_.eager_requires  # rewrite result
_.timings_ms  # snapshot-meta.json
_.cache_key  # snapshot-meta.json

# Read outside src/: benchmarks/startup.py prints the CPU-time medians
from v8snap.bake import timing as startup
startup.StartupResult.median_cpu_ms
# Enum member compared by value ("dev" from the CLI and package.json)
from v8snap import kinds
kinds.Mode.DEV
# Installs a layout from an npm lockfile with pnpm/yarn (tests/e2e/test_layouts.py builds its pnpm and yarn
# copies of the demo app with it; kept beside ensure_installed, which picks the manager by lockfile)
from v8snap.node import npm
npm.convert_lockfile
