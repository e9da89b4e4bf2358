"""Run the printer over every .js file of real npm packages (express@4, typescript@5)."""

from __future__ import annotations

import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from v8snap.node import find_node, npm_command
from v8snap.rewrite import rewrite_module, strip_comments, to_one_byte
from v8snap.syntax.tree import parse

pytestmark = pytest.mark.real


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("rewrite-real")
    (root / "package.json").write_text('{"name": "rewrite-real", "version": "1.0.0", "private": true}')
    cmd = [*npm_command(find_node()), "install", "express@4", "typescript@5", "--no-audit", "--no-fund"]
    subprocess.run(cmd, cwd=root, check=True, capture_output=True, timeout=300)
    return root / "node_modules"


def _is_lazy(spec: str) -> bool:
    # every relative require and every non-builtin package is "not healthy": the hardest case
    return not spec.startswith("node:") and spec not in {"path", "util", "events", "fs"}


def test_every_file_rewrites_or_is_norewrite(packages: Path) -> None:
    files = sorted(p for p in packages.rglob("*.js") if p.is_file())
    assert len(files) > 100
    counts: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    start = time.perf_counter()
    for path in files:
        source = path.read_text("utf-8", errors="replace")
        res = rewrite_module(source, is_lazy=_is_lazy)
        if res.norewrite is not None:
            counts["norewrite"] += 1
            reasons[res.norewrite.split(" at line")[0].split(" (line")[0]] += 1
            assert res.code == source
        else:
            counts["rewritten" if res.rewrites else "unchanged"] += 1
            kinds.update(r.kind for r in res.rewrites)
            if res.rewrites:
                assert not parse(res.code.encode()).root_node.has_error, path
                assert res.code.count("\n") == source.count("\n"), path
        small = to_one_byte(strip_comments(res.code)[0])
        small.encode("latin-1")
    elapsed = time.perf_counter() - start
    print(f"\nfiles={len(files)} {dict(counts)} kinds={dict(kinds)} reasons={dict(reasons)} {elapsed:.1f}s")
    assert counts["rewritten"] > 30


def test_typescript_prints_to_one_byte(packages: Path) -> None:
    """The printer handles the largest module we know (8.5 MB); its time is benchmarks/doctor_bench.py's."""
    source = (packages / "typescript" / "lib" / "typescript.js").read_text("utf-8")
    start = time.perf_counter()
    res = rewrite_module(source, is_lazy=_is_lazy)
    rewrite_s = time.perf_counter() - start
    small = to_one_byte(strip_comments(res.code)[0])
    total_s = time.perf_counter() - start
    small.encode("latin-1")
    print(
        f"\ntypescript.js {len(source) / 1e6:.1f} MB: "
        f"rewrite {rewrite_s:.2f}s, +strip+one-byte {total_s:.2f}s"
    )
    print(f"rewrites={len(res.rewrites)} norewrite={res.norewrite} chars {len(source)} -> {len(small)}")
    assert res.norewrite is None and len(small) < len(source)


APP = """
const express = require('express');
const app = express();
app.use(express.json());
app.get('/hi/:name', (req, res) => res.json({ hi: req.params.name, q: req.query }));
const server = app.listen(0, async () => {
  const port = server.address().port;
  const r = await fetch(`http://127.0.0.1:${port}/hi/bob?x=1`);
  const type = r.headers.get('content-type');
  console.log(JSON.stringify({ status: r.status, body: await r.json(), type }));
  server.close();
});
"""


def test_rewritten_express_still_serves(packages: Path, tmp_path: Path) -> None:
    """Rewrite every file of the installed tree in place (all requires lazy) and run an express app."""
    import shutil

    copy = tmp_path / "node_modules"
    shutil.copytree(packages, copy, symlinks=True)
    rewritten = 0
    for path in copy.rglob("*.js"):
        if path.is_file() and "typescript" not in path.parts:
            source = path.read_text("utf-8")
            res = rewrite_module(source, is_lazy=lambda s: True)
            if res.rewrites:
                rewritten += 1
                path.write_text(to_one_byte(strip_comments(res.code)[0]), "utf-8")
    assert rewritten > 30
    outputs = []
    for root in (packages.parent, tmp_path):
        (root / "app.js").write_text(APP)
        proc = subprocess.run(
            [str(find_node()), "app.js"], cwd=root, capture_output=True, text=True, timeout=60
        )
        assert proc.returncode == 0, proc.stderr
        outputs.append(proc.stdout)
    assert outputs[0] == outputs[1]
    assert '"hi":"bob"' in outputs[1]
