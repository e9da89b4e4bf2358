"""Real libraries baked into snapshots give the same results as the same calls without a snapshot."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from v8snap.embed import BuilderOptions, Module, Runtime, RuntimeOptions, SnapshotBuilder
from v8snap.node.npm import npm_tool

pytestmark = pytest.mark.real

TS_INPUT = (
    "enum Color { Red, Green }\nexport const f = (x: number): Color => x > 0 ? Color.Green : Color.Red;\n"
)
MARKDOWN = "# Title\n\nSome *emphasis* and `code`.\n\n- a\n- b\n"
SCHEMA = {"type": "object", "properties": {"n": {"type": "integer", "minimum": 1}}, "required": ["n"]}

GLUE = """
const lib = (request) => (typeof __v8snap_require === 'function'
  ? __v8snap_require(request)
  : process.getBuiltinModule('module').createRequire(ROOT + '/x.js')(request));
const OPTS = {compilerOptions: {module: 1, target: 7}};
exports.transpile = (src) => lib('typescript').transpileModule(src, OPTS).outputText;
exports.markdown = (md) => lib('marked').marked.parse(md);
exports.validate = (schema, data) => {
  const Ajv = lib('ajv'); const ajv = new Ajv({allErrors: true}); const v = ajv.compile(schema);
  return [v(data), (v.errors || []).map((e) => e.message)];
};
"""


@pytest.fixture(scope="module")
def marked_root(tmp_path_factory: pytest.TempPathFactory, node: Path) -> Path:
    return npm_tool("marked", "15.0.12", node=node)  # a directory holding node_modules/marked


def _both(root: Path, package: str, call: Callable[[Runtime], object]) -> tuple[object, object]:
    glue = Module("glue.js", f"const ROOT = {json.dumps(str(root))};\n" + GLUE)
    blob = (
        SnapshotBuilder(BuilderOptions(node_modules_root=root))
        .with_npm_package(package)
        .with_module(glue)
        .finish()
    )
    with Runtime(RuntimeOptions(startup_snapshot=blob, timeout=60)) as rt:
        snap = call(rt)
    with Runtime(RuntimeOptions(allow_fs_read=[root], timeout=60), modules=[glue]) as rt:
        plain = call(rt)
    return snap, plain


def test_typescript_transpile(installed_app: Callable[[str], Path]) -> None:
    snap, plain = _both(
        installed_app("typescript5"),
        "typescript",
        lambda rt: rt.call_function("glue.js", "transpile", TS_INPUT),
    )
    assert isinstance(snap, str) and 'Color[Color["Green"] = 1]' in snap
    assert snap == plain


def test_marked(marked_root: Path) -> None:
    snap, plain = _both(marked_root, "marked", lambda rt: rt.call_function("glue.js", "markdown", MARKDOWN))
    assert isinstance(snap, str) and "<h1>Title</h1>" in snap and "<em>emphasis</em>" in snap
    assert snap == plain


def test_ajv(installed_app: Callable[[str], Path]) -> None:
    def call(rt: Runtime) -> object:
        return [rt.call_function("glue.js", "validate", SCHEMA, d) for d in ({"n": 3}, {"n": 0}, {})]

    snap, plain = _both(installed_app("ajv8"), "ajv", call)
    assert snap == [[True, []], [False, ["must be >= 1"]], [False, ["must have required property 'n'"]]]
    assert snap == plain
