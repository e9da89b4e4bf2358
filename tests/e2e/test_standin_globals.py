"""Global constructors the builder's realm lacks and a blob's realm has are stand-ins while modules load.

tslib's helpers (and every bundle of them) pick `SuppressedError` or a polyfill at load; the module is
healthy and, from the blob, makes the realm's own SuppressedError as a plain run does. Constructing it at
load defers the module (GLOBAL_MISSING). docs/limits.md, "Stand-in globals".
"""

from __future__ import annotations

from pathlib import Path

from tests.e2e.helpers import run_launcher, run_plain, small_app

from v8snap.bake.app import build_app
from v8snap.config import SnapshotConfig

FILES = {
    # the shape of tslib 2.x's __disposeResources helper
    "helpers.js": (
        "var _S = typeof SuppressedError === 'function' ? SuppressedError\n"
        "  : function (error, suppressed, m) {\n  var e = new Error(m);\n"
        "  return e.name = 'SuppressedError', e.error = error, e.suppressed = suppressed, e;\n"
        "};\nexports.make = function make() { return new _S(new Error('a'), new Error('b'), 'msg'); };\n"
    ),
    "early.js": "exports.e = new SuppressedError(1, 2, 'at load');\nexports.name = exports.e.name;\n",
    # the shape of get-intrinsic's table
    "table.js": (
        "exports.t = { f16: typeof Float16Array === 'undefined' ? undefined : Float16Array,\n"
        "  sab: typeof SharedArrayBuffer === 'undefined' ? undefined : SharedArrayBuffer };\n"
    ),
    "size.js": "exports.n = Float16Array.BYTES_PER_ELEMENT;\n",
    "index.js": (
        "const e = require('./helpers').make();\n"
        "console.log(e instanceof SuppressedError, e instanceof Error,\n"
        "  Object.getPrototypeOf(e) === SuppressedError.prototype, e.name, e.message, e.error.message,\n"
        "  e.suppressed.message, e.stack.split('\\n').slice(0, 3).join(' | '));\n"
        "console.log(require('./early').name, typeof SuppressedError, SuppressedError.length);\n"
        "const { f16, sab } = require('./table').t;\nconst a = f16.from([1, 2.5]);\n"
        "console.log(a instanceof Float16Array, a instanceof f16, a[1], f16.BYTES_PER_ELEMENT, f16.name,\n"
        "  new sab(8).byteLength, require('./size').n,\n"
        "  Object.getPrototypeOf(f16) === Object.getPrototypeOf(Int8Array));\n"
        "const d = Object.getOwnPropertyDescriptor(f16, 'BYTES_PER_ELEMENT');\n"
        "console.log(d.value, d.configurable, Object.getOwnPropertyDescriptor(f16, 'prototype').writable,\n"
        "  Object.isFrozen(Object.freeze(sab)), Object.keys(Object.getOwnPropertyDescriptors(f16)).join());\n"
    ),
}


def test_suppressed_error_kept_at_load_is_the_realms_own(tmp_path: Path, node: Path) -> None:
    app = small_app(tmp_path, "standin", FILES)
    meta = build_app(SnapshotConfig(app)).meta
    assert "./helpers.js" in meta.healthy
    assert "./table.js" in meta.healthy
    early = (("./early.js", "new SuppressedError()"), ("./size.js", "Float16Array.BYTES_PER_ELEMENT"))
    for key, what in early:
        reason = meta.modules[key].reason
        assert reason is not None and (reason.code, reason.detail) == ("GLOBAL_MISSING", what), key
    plain = run_plain(node, app, [])
    assert plain.stdout.startswith("true true true SuppressedError msg a b SuppressedError: msg | ")
    assert run_launcher(app, []) == plain
