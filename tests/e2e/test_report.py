"""`v8snap report` / `v8snap build --report`: the demo app's report rendered in headless Chromium.

Two builds of a copy of the demo app (the second after an edit, through the CLI with ``--report`` and the
measured strategy), then the page is opened in Debian's ``chromium`` over the DevTools pipe: every module
of the meta is a row, search and the verdict filter narrow the rows, a rewritten module shows its diff,
the startup chart and "what changed" are filled in, no request leaves the page, and a screenshot is saved
under the test's temporary directory.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tests.e2e.cdp import Browser, find_chromium
from typer.testing import CliRunner

from v8snap.bake.app import PREVIOUS_META, build_app
from v8snap.cli import app as cli
from v8snap.config import SnapshotConfig
from v8snap.report.data import package_of

pytestmark = pytest.mark.real

EDITED = "node_modules/ms/index.js"  # healthy; reading the clock at load defers it
ROWS = "[...document.querySelectorAll('#modules tbody tr.mod')]"
VISIBLE = f"{ROWS}.filter((r) => !r.hidden)"


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory: pytest.TempPathFactory, installed_app: Callable[[str], Path]) -> Path:
    import subprocess

    app = tmp_path_factory.mktemp("report") / "demo-app"
    subprocess.run(["cp", "-a", str(installed_app("demo")), str(app)], check=True)
    subprocess.run(["rm", "-rf", str(app / ".v8snap")], check=True)
    build_app(SnapshotConfig(app))
    edited = app / EDITED
    edited.write_text(edited.read_text() + "\nDate.now();\n")
    res = CliRunner().invoke(cli, ["build", str(app), "--report", "--strategy", "auto"])
    assert res.exit_code == 0, res.output
    assert (app / ".v8snap" / PREVIOUS_META).is_file()
    return app


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    binary = find_chromium()
    if binary is None:
        pytest.skip("no chromium on PATH (.ci/run installs Debian's chromium package)")
    b = Browser(binary, tmp_path_factory.mktemp("chromium-profile"))
    for domain in ("Network", "Page", "Runtime", "Log"):
        b.page(f"{domain}.enable")
    yield b
    b.close()


def test_request_detector_sees_a_request(browser: Browser) -> None:
    """The network check below can fail: a page that loads an image over http is seen doing so."""
    browser.events.clear()
    browser.page("Page.navigate", url="data:text/html,<img src='http://127.0.0.1:9/x.png'>")
    browser.wait_for("document.readyState === 'complete'")
    urls = [
        e["params"]["request"]["url"] for e in browser.events if e["method"] == "Network.requestWillBeSent"
    ]
    assert "http://127.0.0.1:9/x.png" in urls


def test_report_in_chromium(demo_report: Path, browser: Browser, tmp_path: Path) -> None:
    out = demo_report / ".v8snap"
    html = out / "report.html"
    meta = json.loads((out / "snapshot-meta.json").read_text())
    url = html.as_uri()
    browser.events.clear()
    browser.page("Page.navigate", url=url)
    assert browser.wait_for("document.body && document.body.dataset.ready") == "1"

    # Every module of the meta is a row, once.
    keys = browser.eval(f"{ROWS}.map((r) => r.dataset.key)")
    assert sorted(keys) == sorted(meta["modules"])

    # Search narrows the rows to the modules that mention every word; clearing it shows them all again.
    def search(text: str) -> list[str]:
        return browser.eval(
            f"(() => {{ const q = document.getElementById('q'); q.value = {json.dumps(text)};"
            f" q.dispatchEvent(new Event('input')); return {VISIBLE}.map((r) => r.dataset.key); }})()"
        )

    express = search("express")
    want = [k for k in meta["modules"] if "express" in (k + package_of(k)).lower()]
    assert set(want) <= set(express) and 0 < len(express) < len(keys)
    assert all("express" in json.dumps(meta["modules"][k]).lower() or "express" in k for k in express)
    assert search("typescript.js") == ["./node_modules/typescript/lib/typescript.js"]
    assert len(search("")) == len(keys)

    # The verdict filter shows exactly the deferred modules.
    deferred = browser.eval(
        "(() => { const s = document.getElementById('f-verdict'); s.value = 'deferred';"
        f" s.dispatchEvent(new Event('input')); return {VISIBLE}.map((r) => r.dataset.key); }})()"
    )
    assert sorted(deferred) == sorted(meta["deferred"])
    browser.eval(
        "(() => { const s = document.getElementById('f-verdict'); s.value = '';"
        " s.dispatchEvent(new Event('input')); })()"
    )

    # A rewritten module's diff is one click away.
    diff = browser.eval(
        f"(() => {{ const r = {ROWS}.find((r) => r.querySelector('button.explain') &&"
        " !r.querySelector('button.explain').textContent.startsWith('norewrite'));"
        " r.querySelector('button.explain').click();"
        " return r.nextElementSibling.textContent; })()"
    )
    assert diff.startswith("line ") and "(snapshot)" in diff and "@@ -" in diff

    # The startup comparison and what changed since the previous build.
    assert browser.eval("document.getElementById('startup').tagName") == "DIV"
    assert browser.eval("document.querySelectorAll('#startup canvas').length") >= 1
    changes = browser.eval("document.getElementById('changes').textContent")
    assert f"./{EDITED}: healthy → deferred (TIME_READ Date.now())" in changes
    assert f"./{EDITED}: content changed" in changes

    # Nothing but the page itself was requested; the page threw nothing.
    requested = [
        e["params"]["request"]["url"] for e in browser.events if e["method"] == "Network.requestWillBeSent"
    ]
    assert requested == [url]
    assert browser.eval("performance.getEntriesByType('resource').length") == 0
    assert not [e for e in browser.events if e["method"] == "Runtime.exceptionThrown"]
    errors = [
        e["params"]["entry"]["text"]
        for e in browser.events
        if e["method"] == "Log.entryAdded" and e["params"]["entry"]["level"] == "error"
    ]
    assert not errors

    shot = tmp_path / "report.png"
    browser.screenshot(shot)
    assert shot.stat().st_size > 20_000
