"""The README example, verbatim (imports from the package root)."""


def test_readme_example_verbatim() -> None:
    from v8snap import Module, Runtime, RuntimeOptions, SnapshotBuilder

    module = Module("my_module.js", "globalThis.importantFunction = function() { return 42; }")
    snapshot = SnapshotBuilder().with_module(module).finish()  # bytes
    runtime = Runtime(RuntimeOptions(startup_snapshot=snapshot))
    assert runtime.eval("importantFunction()") == 42
    runtime.close()


def test_readme_example_from_embed_package() -> None:
    from v8snap.embed import Module, Runtime, RuntimeOptions, SnapshotBuilder

    module = Module("my_module.js", "globalThis.importantFunction = function() { return 42; }")
    snapshot = SnapshotBuilder().with_module(module).finish()
    assert isinstance(snapshot, bytes) and len(snapshot) > 1000
    with Runtime(RuntimeOptions(startup_snapshot=snapshot)) as runtime:
        assert runtime.eval("importantFunction()") == 42
