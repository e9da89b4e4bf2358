"""Splice replacement text into UTF-8 source by byte ranges; edits may nest, never partially overlap."""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field

Producer = Callable[["Splicer"], bytes]


@dataclass
class Splicer:
    """Collects edits ``[start, end) -> producer`` over ``src`` and renders ranges with them applied.

    A producer receives the splicer so it can render sub-ranges of the original text with the edits
    nested inside them applied (e.g. a getter that embeds an initializer containing references).

    Attributes:
        src: the original UTF-8 source.
    """

    src: bytes
    _edits: list[tuple[int, int, Producer]] = field(default_factory=list)
    _sorted: bool = True
    _starts: list[int] = field(default_factory=list)

    def add(self, start: int, end: int, producer: Producer | bytes) -> None:
        """Register an edit of bytes ``[start, end)`` (a constant or a producer of the new bytes)."""
        if isinstance(producer, bytes):
            const = producer

            def producer(_s: Splicer) -> bytes:
                return const

        self._edits.append((start, end, producer))
        self._sorted = False

    def __len__(self) -> int:
        return len(self._edits)

    def render(self, start: int, end: int) -> bytes:
        """Bytes ``[start, end)`` of the source with every outermost edit inside the range applied."""
        if not self._sorted:
            self._edits.sort(key=lambda e: (e[0], -e[1]))
            self._starts = [e[0] for e in self._edits]
            self._sorted = True
        out: list[bytes] = []
        cursor = start
        i = bisect.bisect_left(self._starts, start)
        while i < len(self._edits):
            s, e, producer = self._edits[i]
            i += 1
            if s >= end:
                break
            if s < cursor or e > end:
                continue  # nested in an edit already applied, or straddling the range end
            out.append(self.src[cursor:s])
            out.append(producer(self))
            cursor = e
        out.append(self.src[cursor:end])
        return b"".join(out)
