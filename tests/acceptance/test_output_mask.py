"""The output check's mask: what varies between plain runs is ignored token by token, nothing else."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from v8snap.bake.output import first_difference, learn_mask


def test_duration_is_masked_but_the_rest_of_the_line_is_checked() -> None:
    mask = learn_mask(["ok\n  2 passing in 3ms\n", "ok\n  2 passing in 5ms\n"])
    assert first_difference(mask, "ok\n  2 passing in 7ms\n") is None
    diff = first_difference(mask, "ok\n  3 passing in 7ms\n")
    assert diff is not None and "line 2" in diff
    assert first_difference(mask, "OK\n  2 passing in 7ms\n") is not None
    assert mask.masked() == ["line 2: '2 passing in …ms'"]


def test_a_slow_tests_duration_may_be_there_or_not() -> None:
    # mocha prints "(52ms)" after a test only when it is slow: all plain runs were, the blob's was not
    plain = [
        "  ✔ parses (52ms)\n  ✔ fast\n2 passing (1s)\n",
        "  ✔ parses (48ms)\n  ✔ fast\n2 passing (1.2 s)\n",
    ]
    mask = learn_mask(plain)
    assert mask.masked() == []
    assert first_difference(mask, "  ✔ parses\n  ✔ fast (31ms)\n2 passing (800ms)\n") is None
    assert first_difference(mask, "  ✔ parses (3)\n  ✔ fast\n2 passing (1s)\n") is not None
    assert first_difference(mask, "  ✔ parsed\n  ✔ fast\n2 passing (1s)\n") is not None


def test_identical_plain_runs_compare_exactly() -> None:
    mask = learn_mask(["pid 42\n", "pid 42\n"])
    assert first_difference(mask, "pid 42\n") is None
    assert first_difference(mask, "pid 43\n") is not None
    assert mask.masked() == []


def test_line_count_must_match_and_varying_counts_fall_back_to_digit_blind() -> None:
    mask = learn_mask(["a\nb\n", "a\nb\n"])
    assert first_difference(mask, "a\nb\nc\n") is not None
    varying = learn_mask(["t=1\n", "t=1\nt=2\n"])
    assert varying.lines is None and varying.digit_blind is None  # cannot be compared at all
    same_shape = learn_mask(["took 10 ms\n", "took 9 ms\n"])
    assert first_difference(same_shape, "took 123 ms\n") is None


@given(st.lists(st.text(alphabet="ab1 \n", max_size=30), min_size=1, max_size=4))
def test_every_plain_run_fits_its_own_mask(texts: list[str]) -> None:
    mask = learn_mask(texts)
    for t in texts:
        assert first_difference(mask, t) is None


PLAIN_STACK = """/app/index.js:2
d(process.argv[2]);
^

TypeError: bad boom
    at module.exports (/app/node_modules/d/index.js:1:40)
    at Object.<anonymous> (/app/index.js:2:1)
    at Module._compile (node:internal/modules/cjs/loader:1872:14)
    at Object..js (node:internal/modules/cjs/loader:2003:10)
    at Module.load (node:internal/modules/cjs/loader:1594:32)
    at TracingChannel.traceSync (node:diagnostics_channel:328:14)
    at node:internal/main/run_main_module:33:47

Node.js v24.19.0
"""


def test_loader_frames_are_not_compared_but_app_frames_are() -> None:
    """An uncaught error in the main module: node's loader frames (plain) and the snapshot script's
    (blob) stand under the app's frames; those are left out on both sides, the app's are compared."""
    blob = PLAIN_STACK.replace(
        """    at Module._compile (node:internal/modules/cjs/loader:1872:14)
    at Object..js (node:internal/modules/cjs/loader:2003:10)
    at Module.load (node:internal/modules/cjs/loader:1594:32)
    at TracingChannel.traceSync (node:diagnostics_channel:328:14)
    at node:internal/main/run_main_module:33:47
""",
        """    at load (/app/.v8snap/work/snapshot-0.js:666:24)
    at Module.v8snapLoad [as _load] (/app/.v8snap/work/snapshot-0.js:758:14)
    at wrapModuleLoad (node:internal/modules/cjs/loader:255:19)
    at /app/.v8snap/work/snapshot-0.js:998:19
    at deserializeMain (node:internal/v8/startup_snapshot:117:5)
""",
    )
    assert blob != PLAIN_STACK
    mask = learn_mask([PLAIN_STACK, PLAIN_STACK])
    assert first_difference(mask, blob) is None
    wrong_line = blob.replace("/app/index.js:2:1", "/app/index.js:3:1")
    assert first_difference(mask, wrong_line) is not None


def test_error_properties_after_a_frame_of_either_kind_compare_equal() -> None:
    """With node's 10 frames, the plain stack can end on an app frame where the blob's ends on a loader
    frame: the `` {`` of the error's properties is on a different kind of line."""
    plain = "Error: x\n    at f (/app/a.js:1:2)\n    at g (/app/b.js:3:4) {\n  code: 'E_X'\n}\n"
    blob = plain.replace(" {\n", "\n    at deserializeMain (node:internal/v8/startup_snapshot:117:5) {\n")
    mask = learn_mask([plain, plain])
    assert first_difference(mask, blob) is None
    assert first_difference(mask, blob.replace("b.js:3:4", "b.js:3:5")) is not None
    assert first_difference(mask, blob.replace("  code: 'E_X'", "  code: 'E_Y'")) is not None
