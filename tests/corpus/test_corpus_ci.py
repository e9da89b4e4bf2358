"""Five apps of the real-app corpus (issue 9), end to end: install, build, output check under every
variation.

Chosen for breadth and speed, one per class: a template engine (handlebars), an HTTP framework built
without listening (express), a CLI argument parser (minimist), a colour library that looks at the
terminal at load (chalk 4) and a YAML parser (js-yaml). The pipeline is ``benchmarks/corpus.py``
(imported, no timing); each app is built in a private copy under ``tmp_path`` so that a concurrent
``python benchmarks/corpus.py`` run on the same checkout is not disturbed.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CI_APPS = ["handlebars", "express", "minimist", "chalk", "js-yaml", "esm-cli", "esm-mixed"]


def _corpus_module():
    name = "v8snap_benchmarks_corpus"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO / "benchmarks" / "corpus.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod  # dataclasses look their module up while the class body runs
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.real
@pytest.mark.timeout(900)
@pytest.mark.parametrize("name", CI_APPS)
def test_corpus_app_builds_and_matches_plain(name: str, tmp_path: Path) -> None:
    corpus = _corpus_module()
    assert name in corpus.app_names()
    res = corpus.run_app(name, timing=False, copy_to=tmp_path, log=lambda _m: None)
    assert res.installed, res.install_error
    assert res.built, f"{name}: build failed:\n{res.build_error}"
    assert res.modules > 0
    expected = {"default", "FORCE_COLOR=1", "NO_COLOR=1", "DEBUG=*", "other cwd", "extra args"}
    assert expected <= set(res.variations)
    assert not res.diffs, f"{name}: output from the snapshot differs from the plain run: {res.diffs}"
