"""What an app printed, and whether the blob's run printed the same: the output check's comparison.

Real output varies from run to run: durations (``2 passing (3ms)``), timestamps, pids, ports, temp paths,
random ids. Two plain runs that happen to agree are no proof of determinism, so the comparison learns a
*mask* from several plain runs: a line that is the same in every run is compared exactly; a line that
differs is cut into tokens (digit runs, words, single other characters) and only the tokens that differ
between plain runs are masked, so ``2 passing at 3 ms`` still checks ``2 passing at``, ``ms``; a duration in
parentheses (``(3ms)``) is dropped before comparing, as runners print it only for slow tests. A blob run
that differs where the mask is strict is shown to more plain runs before it counts as a mismatch
(:func:`v8snap.bake.acceptance.OutputCheck`).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

_TOKEN = re.compile(r"\d+|[^\W\d_]+|\s+|.", re.S)


@dataclass(frozen=True)
class RunOutput:
    """What one run of the app printed.

    Attributes:
        returncode: exit code (negative: killed by that signal; -9 after a time-out).
        stdout, stderr: decoded output (UTF-8, undecodable bytes replaced).
        timed_out: the run reached its time limit and was ended.
    """

    returncode: int
    stdout: str
    stderr: str
    timed_out: bool = False


def run_app(cmd: list[str], cwd: Path, timeout: float, extra_env: dict[str, str] | None = None) -> RunOutput:
    """Run ``cmd`` (stdin closed) and capture its output; at ``timeout`` seconds end its process group.

    The app gets SIGTERM first (its exit handlers run), SIGKILL 2 s later. ``NODE_OPTIONS`` and
    ``V8SNAP_DISABLE`` are removed from the environment (every run must see the same node), then
    ``extra_env`` is added.

    Returns:
        A :class:`RunOutput`; never raises for a failing app.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("NODE_OPTIONS", "V8SNAP_DISABLE")}
    env.update(extra_env or {})
    proc = subprocess.Popen(
        cmd,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    timed_out = False
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            out, err = proc.communicate(timeout=2)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
    return RunOutput(
        proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), timed_out
    )


@dataclass(frozen=True)
class LineMask:
    """How one line of a stream is compared.

    Attributes:
        exact: the line every plain run printed (compared exactly), or None.
        tokens: the line's tokens with None where plain runs differ (``exact`` is None), or None when the
            plain runs' token counts differ too (the whole line is masked).
    """

    exact: str | None
    tokens: tuple[str | None, ...] | None


@dataclass(frozen=True)
class StreamMask:
    """The mask of one stream (stdout or stderr) learned from plain runs.

    Attributes:
        lines: one :class:`LineMask` per line, or None when the plain runs differ in their number of lines
            even with digits ignored (then only the digit-blind text of all runs is compared, if equal).
        digit_blind: with ``lines`` None, the text with every digit run replaced by ``0`` when all plain
            runs agree on it; None: the stream cannot be compared at all.
    """

    lines: tuple[LineMask, ...] | None
    digit_blind: str | None = None

    def masked(self) -> list[str]:
        """What the mask ignores, one description per masked line (for the build summary)."""
        if self.lines is None:
            return ["all digits (line counts vary)"] if self.digit_blind is not None else ["everything"]
        out = []
        for i, m in enumerate(self.lines):
            if m.exact is not None:
                continue
            if m.tokens is None:
                out.append(f"line {i + 1} (whole line)")
            else:
                shown = "".join("…" if t is None else t for t in m.tokens)
                out.append(f"line {i + 1}: {shown.strip()[:80]!r}")
        return out


_LOADER_FRAME = re.compile(
    r"\s+at (?:.*\()?(?:node:internal/|node:diagnostics_channel:|.*/\.v8snap/.*\.js:\d)"
    r"|\s+at deserializeMain \("
)
"""A stack frame of node's own loader or of the snapshot script: the frames under the app's code that a
plain run and a run from the blob cannot share (docs/limits.md, "Loader frames in stack traces")."""

_FRAME = re.compile(r"\s+at \S")

_DURATION = re.compile(r" ?\(\d+(?:\.\d+)? ?(?:ms|s|µs|us|ns)\)")
"""A duration in parentheses (``(12ms)``, ``(1.5 s)``): test runners print it after a test only when the
test took longer than a threshold (mocha's and jest's slow tests), so whether it is there at all depends on
the machine's speed, not on the app."""


def comparable(text: str) -> str:
    """``text`` without the stack-frame lines of node's loader and the snapshot script (both sides of the
    output check see the app's own frames and everything else exactly).

    The `` {`` that opens an error's own properties (``{ code: 'E_X' }``) ends the last frame line, which
    is a loader frame on one side and an app frame on the other when the two stacks hold a different
    number of loader frames: it becomes a line of its own on both sides. Durations in parentheses are
    dropped (a test runner prints them only for a slow test, :data:`_DURATION`)."""
    out: list[str] = []
    for line in _DURATION.sub("", text).split("\n"):
        loader = _LOADER_FRAME.match(line) is not None
        if line.endswith(" {") and (loader or _FRAME.match(line)):
            if not loader:
                out.append(line[:-2])
            out.append("{")
        elif not loader:
            out.append(line)
    return "\n".join(out)


def _tokens(line: str) -> list[str]:
    return _TOKEN.findall(line)


def _digit_blind(text: str) -> str:
    return re.sub(r"\d+", "0", text)


def learn_mask(texts: list[str]) -> StreamMask:
    """The mask that accepts every text in ``texts`` (the plain runs' output of one stream).

    Args:
        texts: at least one run's output.

    Returns:
        A :class:`StreamMask`.
    """
    texts = [comparable(t) for t in texts]
    runs = [t.split("\n") for t in texts]
    if len({len(r) for r in runs}) != 1:
        blind = {_digit_blind(t) for t in texts}
        return StreamMask(None, blind.pop() if len(blind) == 1 else None)
    lines: list[LineMask] = []
    for variants in zip(*runs, strict=True):
        if len(set(variants)) == 1:
            lines.append(LineMask(variants[0], None))
            continue
        toks = [_tokens(v) for v in variants]
        if len({len(t) for t in toks}) != 1:
            lines.append(LineMask(None, None))
            continue
        pattern = tuple(col[0] if len(set(col)) == 1 else None for col in zip(*toks, strict=True))
        lines.append(LineMask(None, pattern))
    return StreamMask(tuple(lines))


def first_difference(mask: StreamMask, text: str) -> str | None:
    """Where ``text`` breaks ``mask``: ``"line 5: expected '…', got '…'"``, or None when it fits (both
    compared without loader frames, :func:`comparable`)."""
    text = comparable(text)
    if mask.lines is None:
        if mask.digit_blind is None or _digit_blind(text) == mask.digit_blind:
            return None
        return "differs (compared with digits ignored: the plain runs vary in their number of lines)"
    got = text.split("\n")
    if len(got) != len(mask.lines):
        return f"{len(got) - 1} lines, plain runs printed {len(mask.lines) - 1}"
    for i, (m, line) in enumerate(zip(mask.lines, got, strict=True)):
        if m.exact is not None:
            if line != m.exact:
                return f"line {i + 1}: plain {m.exact[:120]!r}, blob {line[:120]!r}"
            continue
        if m.tokens is None:
            continue
        toks = _tokens(line)
        if len(toks) != len(m.tokens) or any(
            want is not None and want != t for want, t in zip(m.tokens, toks, strict=True)
        ):
            shown = "".join("…" if t is None else t for t in m.tokens)
            return f"line {i + 1}: plain {shown[:120]!r} (… varies), blob {line[:120]!r}"
    return None
