"""Transparent huge pages for node's malloc, for the process only (not for the app or its children).

Node reads a snapshot blob into a zero-filled buffer (``SnapshotData::FromFile``) and copies V8's part out of
it (``FromBlob``): for a 20 MB blob that is ~10,000 page faults on 4 KiB pages, ~20% of a runtime's start in
``perf record`` here. glibc >= 2.35 reads ``GLIBC_TUNABLES=glibc.malloc.hugetlb=1`` at exec and then asks
for huge pages (``MADV_HUGEPAGE``) for its large blocks; where THP is ``never`` or glibc is older nothing
changes. The caller's own ``GLIBC_TUNABLES`` travels in ``V8SNAP_TUNABLES`` (``-``: it was unset,
``=VALUE``: it was VALUE), and ``js/loader/boot.js`` / ``js/embed/runtime/protocol.js`` put it back into
``process.env`` before any user code runs, so the app and the processes it spawns see the environment they
were given.
"""

from __future__ import annotations

from collections.abc import Mapping

HUGE_PAGES_TUNABLE = "glibc.malloc.hugetlb=1"

#: The same as :func:`with_huge_pages`, in POSIX sh, for the launcher's snapshot branch.
TUNABLES_SH = f"""\
  if [ "${{GLIBC_TUNABLES+set}}" = set ]; then
    V8SNAP_TUNABLES="=$GLIBC_TUNABLES"; GLIBC_TUNABLES="$GLIBC_TUNABLES:{HUGE_PAGES_TUNABLE}"
  else
    V8SNAP_TUNABLES=-; GLIBC_TUNABLES={HUGE_PAGES_TUNABLE}
  fi
  export V8SNAP_TUNABLES GLIBC_TUNABLES
"""


def with_huge_pages(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` with the huge-pages tunable appended and the caller's value kept for the loader.

    Args:
        env: the environment the node process would get.

    Returns:
        A new mapping with ``GLIBC_TUNABLES`` and ``V8SNAP_TUNABLES`` set.
    """
    out = dict(env)
    own = out.get("GLIBC_TUNABLES")
    out["V8SNAP_TUNABLES"] = "-" if own is None else "=" + own
    out["GLIBC_TUNABLES"] = HUGE_PAGES_TUNABLE if own is None else f"{own}:{HUGE_PAGES_TUNABLE}"
    return out
