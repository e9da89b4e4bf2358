"""``v8snap report``: the doctor's verdicts and the startup of one build as one self-contained HTML page.

The page (``APP/.v8snap/report.html``) carries its data as JSON and its charting library inlined
(:mod:`v8snap.report.charts`); it loads nothing at view time (its Content-Security-Policy forbids any
fetch). What it shows comes from :func:`v8snap.report.data.collect`.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from v8snap.report.charts import echarts_script
from v8snap.report.data import collect
from v8snap.util import atomic_write_text

REPORT_NAME = "report.html"
"""File name of the report in ``APP/.v8snap``."""

__all__ = ["REPORT_NAME", "collect", "render_report", "write_report"]


def render_report(data: dict[str, object], *, node: Path | None = None) -> str:
    """The HTML page for ``data`` (the shape :func:`collect` returns), with the charting library inlined.

    Raises:
        V8SnapError: the charting library could not be installed
            (:func:`~v8snap.report.charts.ensure_echarts`).
    """
    page = resources.files("v8snap.report").joinpath("page.html").read_text(encoding="utf-8")
    # JSON inside <script type="application/json">: no "<" may end the element; "\u003c" parses back to "<".
    blob = json.dumps(data, separators=(",", ":"), ensure_ascii=False).replace("<", "\\u003c")
    # The library first: app data that happens to hold a marker must not receive it.
    return page.replace("/*@@ECHARTS@@*/", echarts_script(node), 1).replace("/*@@DATA@@*/", blob, 1)


def write_report(out_dir: Path, root: Path, *, node: Path | None = None) -> Path:
    """Write ``out_dir/report.html`` for the last build of the app at ``root``; returns its path.

    Args:
        out_dir: the app's ``.v8snap`` directory.
        root: the app's root directory.
        node: node binary (re-printing probes its built-ins; npm installs the charting library).

    Raises:
        NoSnapshotError: the app has no build.
        V8SnapError: the charting library could not be installed.
    """
    html = render_report(collect(out_dir, root, node=node), node=node)
    path = out_dir / REPORT_NAME
    atomic_write_text(path, html)
    return path
