"""Fixture app for the doctor: one module per behaviour (the cases Cypress's doctor tests, plus hazards)."""

from __future__ import annotations

import json
from pathlib import Path

#: module file -> source. index.js requires the ones listed in LOADED; the others (they would hang,
#: exit or throw in the trace run) join the graph through ``include``.
MODULES: dict[str, str] = {
    "buffer_at_load.js": "module.exports = Buffer.from('abc').toString('hex');\n",
    "console_use.js": "const log = console.log;\nmodule.exports = (m) => log(m);\n",
    "console_write.js": "console.log('loading');\nmodule.exports = 1;\n",
    "filename_at_load.js": "const here = __filename;\nmodule.exports = () => here;\n",
    "filename_later.js": "module.exports = () => __filename;\n",
    "late_defined.js": "module.exports = helper();\nvar helper = function () { return 1; };\n",
    "env_leaf.js": "module.exports = { home: process.env.HOME };\n",
    "uses_env_later.js": "module.exports = () => require('./env_leaf').home;\n",
    "uses_env_now.js": "const env = require('./env_leaf');\nmodule.exports = () => env.home;\n",
    "deep1.js": "module.exports = require('./deep2');\n",
    "deep2.js": "module.exports = require('./deep3');\n",
    "deep3.js": "module.exports = require('./deep4');\n",
    "deep4.js": "module.exports = process.argv.length;\n",
    "cyc2a.js": "exports.a = 1;\nconst b = require('./cyc2b');\nexports.sum = () => exports.a + b.b;\n",
    "cyc2b.js": "exports.b = 2;\nconst a = require('./cyc2a');\nexports.peek = () => a.a;\n",
    "cyc3a.js": "exports.name = 'a';\nrequire('./cyc3b');\n",
    "cyc3b.js": "exports.name = 'b';\nrequire('./cyc3c');\n",
    "cyc3c.js": "exports.name = 'c';\nrequire('./cyc3a');\n",
    "cycbad_a.js": "exports.x = 1;\nrequire('./cycbad_b');\n",
    "cycbad_b.js": "require('./cycbad_a');\nexports.r = Math.random();\n",
    "hz_argv.js": "module.exports = process.argv.slice(2);\n",
    "hz_cwd.js": "module.exports = process.cwd();\n",
    "hz_date_now.js": "module.exports = Date.now();\n",
    "hz_new_date.js": "module.exports = new Date().getFullYear();\n",
    "hz_date_zero.js": "module.exports = new Date(0).toISOString();\n",
    "hz_random.js": "module.exports = Math.random();\n",
    # node's crypto randomness and the time origin would be the same in every run from the blob
    "hz_crypto.js": "module.exports = require('crypto').randomBytes(4).toString('hex');\n",
    "hz_webcrypto.js": "module.exports = globalThis.crypto.randomUUID();\n",
    "hz_time_origin.js": "module.exports = performance.timeOrigin;\n",
    "hz_tz.js": "module.exports = new Date(2020, 0, 1).getHours() + (1.5).toLocaleString();\n",
    "hz_os.js": "module.exports = require('os').cpus().length;\n",
    "hz_timer.js": "setTimeout(() => {}, 1000).unref();\nmodule.exports = 1;\n",
    "hz_fs_outside.js": "module.exports = require('fs').existsSync('/etc/hostname');\n",
    "hz_env_node_env.js": "module.exports = process.env.NODE_ENV === 'production';\n",
    "hz_catches.js": "let v; try { v = process.env.HOME; } catch (e) { v = null; }\nmodule.exports = v;\n",
    # the fallback exists only on a path a plain run never takes: the reason is the dependency, not it
    "catch_fallback.js": (
        "let m;\ntry { m = require('./hz_random'); } catch (e) { m = require('./no_fallback'); }\n"
        "module.exports = m;\n"
    ),
    "needs_http.js": "module.exports = require('http').STATUS_CODES[200];\n",
    "own_json.js": "module.exports = require('pkgdata').size;\n",
    "pure.js": "module.exports = { add: (a, b) => a + b, list: [1, 2, 3].map((x) => x * 2) };\n",
    "hang.js": "while (true) {}\n",
    "exits.js": "process.exit(0);\n",
    "throws_string.js": "throw 'nope';\n",
    "kills_worker.js": "process._kill(process.pid, 9);\n",
}
NOT_LOADED = {
    "kills_worker.js",
    "hang.js",
    "exits.js",
    "throws_string.js",
    "console_write.js",
    "late_defined.js",
}

#: expected verdicts (node profile) and the reason code of each non-healthy module
EXPECTED: dict[str, tuple[str, str | None]] = {
    "buffer_at_load.js": ("healthy", None),  # Node's builder supports buffer (electron: see its test)
    "console_use.js": ("healthy", None),
    "console_write.js": ("deferred", "STDIO_WRITE"),
    "filename_at_load.js": ("healthy", None),  # the app root is part of the fingerprint
    "filename_later.js": ("healthy", None),
    "late_defined.js": ("deferred", "UNKNOWN_ERROR"),
    "env_leaf.js": ("deferred", "ENV_READ"),
    "uses_env_later.js": ("healthy", None),
    "uses_env_now.js": ("deferred", "DEPENDS_ON_DEFERRED"),
    "deep1.js": ("deferred", "DEPENDS_ON_DEFERRED"),
    "deep2.js": ("deferred", "DEPENDS_ON_DEFERRED"),
    "deep3.js": ("deferred", "DEPENDS_ON_DEFERRED"),
    "deep4.js": ("deferred", "ARGV_READ"),
    "cyc2a.js": ("healthy", None),
    "cyc2b.js": ("healthy", None),
    "cyc3a.js": ("healthy", None),
    "cyc3b.js": ("healthy", None),
    "cyc3c.js": ("healthy", None),
    "cycbad_a.js": ("deferred", "DEPENDS_ON_DEFERRED"),
    "cycbad_b.js": ("deferred", "RANDOM_READ"),
    "hz_argv.js": ("deferred", "ARGV_READ"),
    "hz_cwd.js": ("deferred", "CWD_READ"),
    "hz_date_now.js": ("deferred", "TIME_READ"),
    "hz_new_date.js": ("deferred", "TIME_READ"),
    "hz_date_zero.js": ("healthy", None),
    "hz_random.js": ("deferred", "RANDOM_READ"),
    "hz_crypto.js": ("deferred", "RANDOM_READ"),
    "hz_webcrypto.js": ("deferred", "RANDOM_READ"),
    "hz_time_origin.js": ("deferred", "TIME_READ"),
    "hz_tz.js": ("deferred", "ENV_READ"),  # TZ / LANG: assumptions (healthy) unless they are off
    "hz_os.js": ("deferred", "ENV_READ"),
    "hz_timer.js": ("deferred", "TIMER_AT_INIT"),
    "hz_fs_outside.js": ("deferred", "FS_OUTSIDE_APP"),
    "hz_env_node_env.js": ("deferred", "ENV_READ"),
    "hz_catches.js": ("deferred", "ENV_READ"),
    "catch_fallback.js": ("deferred", "DEPENDS_ON_DEFERRED"),
    "needs_http.js": ("deferred", "BUILTIN_CRASHES"),
    "own_json.js": ("healthy", None),
    "pure.js": ("healthy", None),
    "hang.js": ("deferred", "TIMEOUT"),
    "exits.js": ("deferred", "EXIT_CALLED"),
    "throws_string.js": ("deferred", "UNKNOWN_ERROR"),
    "kills_worker.js": ("deferred", "EXIT_CALLED"),
}


def write_fixture_app(root: Path) -> Path:
    """Write the doctor fixture app into ``root`` and return it."""
    (root / "lib").mkdir(parents=True, exist_ok=True)
    for name, src in MODULES.items():
        (root / "lib" / name).write_text(src)
    loaded = [n for n in MODULES if n not in NOT_LOADED]
    index = "'use strict';\nconst out = {};\n" + "".join(
        f"out[{json.dumps(n)}] = typeof require('./lib/{n}');\n" for n in loaded
    )
    index += "console.log(Object.keys(out).length);\n"
    (root / "index.js").write_text(index)
    (root / "package.json").write_text(
        json.dumps({"name": "doctor-fixture", "version": "1.0.0", "main": "index.js"})
    )
    pkg = root / "node_modules" / "pkgdata"
    pkg.mkdir(parents=True, exist_ok=True)
    (pkg / "package.json").write_text(json.dumps({"name": "pkgdata", "version": "1.0.0", "main": "index.js"}))
    (pkg / "data.json.txt").write_text("0123456789")
    (pkg / "index.js").write_text(
        "const fs = require('fs');\nconst path = require('path');\n"
        "module.exports = { size: fs.readFileSync(path.join(__dirname, 'data.json.txt'), 'utf8').length };\n"
    )
    return root
