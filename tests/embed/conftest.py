"""Shared fixtures for the embedding API tests: one snapshot built per session, runtimes closed after use."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from v8snap.embed import Module, Runtime, RuntimeOptions, SnapshotBuilder

LIB_CJS = """
exports.add = function (a, b) { return a + b; };
exports.greet = (name) => `hello ${name}`;
exports.later = async (x) => { await new Promise((r) => setTimeout(r, 5)); return x * 2; };
exports.counter = 0;
exports.bump = function () { return ++exports.counter; };
"""

LIB_ESM = """
import { add } from "./lib.js";
export function triple(x) { return add(x, add(x, x)); }
export const answer = 42;
export default function main(a) { return "entry:" + a; }
"""


@pytest.fixture(scope="session")
def modules() -> list[Module]:
    return [
        Module("lib.js", LIB_CJS),
        Module("esm.mjs", LIB_ESM),
        Module(
            "globals.js",
            "globalThis.importantFunction = function() { return 42; }; var bootTime = Date.now();",
        ),
    ]


@pytest.fixture(scope="session")
def blob(modules: list[Module]) -> bytes:
    return SnapshotBuilder().with_module(modules[0]).with_module(modules[1]).with_module(modules[2]).finish()


@pytest.fixture(params=["snapshot", "plain"])
def runtime(request: pytest.FixtureRequest, blob: bytes, modules: list[Module]) -> Iterator[Runtime]:
    if request.param == "snapshot":
        rt = Runtime(RuntimeOptions(startup_snapshot=blob, timeout=20))
    else:
        rt = Runtime(RuntimeOptions(timeout=20), modules=modules)
    with rt:
        yield rt
