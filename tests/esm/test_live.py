"""Which exported bindings an ES module may reassign after its evaluation (v8snap.esm.live): top-level code
runs only while it evaluates; a name a scope declares again is another binding; the rest counts."""

from __future__ import annotations

import pytest

from v8snap.esm.live import reassigned_exports

NOT_LIVE = {
    # d3-array's count.js: the function's own local of the same name
    "local let": "export default function count(v) { let count = 0; for (const x of v) ++count; }",
    "parameter": "export let n = 1; export function f(n) { n += 1; return n; }",
    "destructured parameter": "export let a = 1; export const f = ({b: [a]}) => { a = 2; };",
    "function var (hoisted)": "export let v = 1; function f() { if (1) { v = 2; } var v; }",
    "block const": "export let c = 1; { const c = 2; } if (1) { let c; c = 3; }",
    "for head": "export let i = 0; for (let i = 0; i < 2; i++) {} for (const i of []) {}",
    "catch parameter": "export let e = 1; try {} catch (e) { e = 2; }",
    "switch case": "export let w = 1; switch (1) { case 1: let w; w = 2; }",
    "nested function declaration": "export let g = 1; function o() { function g() {} g = 2; }",
    "top level only": "export let n = 1; n++; for (n of [2]) {} if (n) { n = 3; }",
    # yargs-parser's yargs-parser-types.js (TypeScript's enum)
    "typescript enum": "export var E; (function (E) { E['A'] = 'a'; })(E || (E = {}));",
}
ASSIGNED = {
    "function called at load": "export let n; function init() { n = 1; } init();",
    "class field initializer": "export let n = 0; export class A { f = n++; }",
    "from a function": "export let n = 1; export function inc() { n += 1; }",
    "for of without declaration": "export let x; function f() { for (x of [1]) {} }",
    "var of the module": "export var x = 1; { var x; } function g() { x++; }",
    "sibling block's let does not shadow": "export let s = 1; function f() { { let s; } { s = 2; } }",
    "default value reads the outer name": "export let d = 1; function f(a = d++) { var d; }",
    "destructuring assignment": "export let a, b; export const f = () => { [a, {b}] = [1, {b: 2}]; };",
    "inner var of another function": "export let q = 1; function f() { var q; } function g() { q = 2; }",
}


@pytest.mark.parametrize("src", NOT_LIVE.values(), ids=NOT_LIVE.keys())
def test_not_a_live_binding(src: str) -> None:
    assert reassigned_exports(src.encode()) == []


@pytest.mark.parametrize("src", ASSIGNED.values(), ids=ASSIGNED.keys())
def test_assigned_export_is_a_live_binding(src: str) -> None:
    assert reassigned_exports(src.encode()) != []
