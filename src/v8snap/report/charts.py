"""The charting library the report inlines: Apache ECharts' browser build, installed from npm.

ECharts (Apache-2.0, ``echarts`` on npm) draws the treemaps and the startup bars. Its one-file build
``dist/echarts.min.js`` (about 1.1 MB) is installed once per version with the npm bundled next to our node
into ``$V8SNAP_CACHE_DIR`` (default ``~/.cache/v8snap``)``/tools/echarts-<ver>``, like esbuild
(:mod:`v8snap.embed.esm`); ``V8SNAP_ECHARTS_DIR`` points at a directory that already holds
``node_modules/echarts`` (offline use). The report carries the library's licence header and NOTICE.
"""

from __future__ import annotations

from pathlib import Path

from v8snap.errors import V8SnapError
from v8snap.node.npm import npm_tool

ECHARTS_VERSION = "6.0.0"
"""echarts version installed from npm for the report."""


def ensure_echarts(node: Path | None = None) -> Path:
    """Return the ``node_modules/echarts`` directory, installing the package from npm on first use.

    Args:
        node: node binary whose npm installs it; default :func:`v8snap.node.find_node`.

    Returns:
        The package directory (under ``V8SNAP_ECHARTS_DIR`` when set).

    Raises:
        V8SnapError: the install failed (e.g. no access to the npm registry) or the package has no
            ``dist/echarts.min.js``.
    """
    tool = npm_tool("echarts", ECHARTS_VERSION, node=node, env="V8SNAP_ECHARTS_DIR")
    pkg = tool / "node_modules" / "echarts"
    if not (pkg / "dist" / "echarts.min.js").is_file():
        raise V8SnapError(
            f"the charting library is missing: {pkg / 'dist' / 'echarts.min.js'} does not exist",
            hint="let v8snap reach the npm registry once, or point V8SNAP_ECHARTS_DIR at a directory "
            f"holding node_modules/echarts (version {ECHARTS_VERSION})",
        )
    return pkg


def echarts_script(node: Path | None = None) -> str:
    """The library's source as one ``<script>`` body: its NOTICE as a comment, then ``echarts.min.js``
    (which starts with the Apache licence header). Raises as :func:`ensure_echarts`."""
    pkg = ensure_echarts(node)
    source = (pkg / "dist" / "echarts.min.js").read_text(encoding="utf-8")
    notice_file = pkg / "NOTICE"
    notice = notice_file.read_text(encoding="utf-8").replace("*/", "* /") if notice_file.is_file() else ""
    # Inside <script>, only "</script" (any case) ends the element early: break it where it appears.
    body = f"/* echarts {ECHARTS_VERSION} (Apache-2.0)\n{notice}*/\n{source}"
    return _escape_script(body)


def _escape_script(text: str) -> str:
    import re

    return re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)
