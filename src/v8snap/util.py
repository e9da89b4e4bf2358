"""Small shared helpers: atomic writes, hashing, the user's private cache directories."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temp file in the same directory + fsync + ``os.replace``.

    A reader sees either the old file or the whole new one; a killed writer leaves only a ``.tmp-*`` file
    that no reader looks at.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".tmp-{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """:func:`atomic_write_bytes` for UTF-8 text."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_move(src: Path, dst: Path) -> None:
    """Move a finished file into place atomically (same file system: ``os.replace``), fsyncing it first."""
    with open(src, "rb+") as f:
        os.fsync(f.fileno())
    os.replace(src, dst)


def read_source(path: Path) -> str:
    """A module's text as node reads it: UTF-8 with each invalid byte sequence replaced by U+FFFD.

    Node's loaders read sources with ``fs.readFileSync(file, 'utf8')``, which substitutes the same maximal
    invalid subparts as Python's ``errors="replace"`` (checked against node in
    ``tests/test_errors_contract.py``), so a latin-1 file runs from the blob as it runs plainly.
    """
    return path.read_bytes().decode("utf-8", errors="replace")


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


_ERROR_HEAD = re.compile(r"^(?:Uncaught )?(?:[A-Z]\w*)?(?:Error|Exception)\b(?: \[[A-Z0-9_]+\])?:")
_FRAME = re.compile(r"^\s+at ")
_LOCATION = re.compile(r"^(?!node:)\S.*:\d+$")
_OWN_JS = str(Path(__file__).resolve().parent / "js")


def last_lines(text: str, n: int) -> str:
    """The last ``n`` non-empty lines of a node process's output (node's ``Node.js vX`` footer dropped)."""
    kept = [ln.rstrip() for ln in text.strip().splitlines() if ln.strip() and not ln.startswith("Node.js v")]
    return "\n".join(kept[-n:])


def error_line(text: str) -> str:
    """The last error message line (``TypeError: ...``) of a node process's output, else its last line:
    the one-line reason a run failed (the last line of an uncaught error is a stack frame)."""
    lines = [ln.rstrip() for ln in text.strip().splitlines()]
    heads = [ln for ln in lines if _ERROR_HEAD.match(ln.strip())]
    return heads[-1].strip() if heads else last_lines(text, 1)


def node_error_excerpt(text: str, max_lines: int = 12) -> str:
    """The lines of node's error output a user needs, at most ``max_lines``.

    For an uncaught error: the source location node prints above it (unless inside node), the message
    with its continuation lines (``Require stack: ...``), the first three stack frames outside node's
    internals and v8snap's own scripts, and the error's ``code``. Otherwise the last lines of ``text``.
    A tail cut at a fixed number of lines would show only node's internal frames of a long stack.
    """
    lines = [line.rstrip() for line in text.strip().splitlines()]
    head = next((i for i, line in enumerate(lines) if _ERROR_HEAD.match(line)), None)
    if head is None:
        return last_lines(text, max_lines)
    out: list[str] = []
    before = [line for line in lines[max(0, head - 5) : head] if line.strip()]
    loc = next((i for i, line in enumerate(before) if _LOCATION.match(line)), None)
    if loc is not None and not before[loc].startswith(_OWN_JS):
        out += before[loc : loc + 3]
    i = head
    while i < len(lines) and not _FRAME.match(lines[i]) and i - head < 6:
        out.append(lines[i])
        i += 1
    frames = 0
    while i < len(lines) and _FRAME.match(lines[i]):
        line = lines[i]
        if frames < 3 and "(node:" not in line and " node:" not in line and _OWN_JS not in line:
            out.append(line)
            frames += 1
        i += 1
    out += [line.strip().rstrip(",") for line in lines[i : i + 8] if re.match(r"^\s+code: ", line)][:1]
    return "\n".join(out[:max_lines])


_private_fallbacks: dict[str, Path] = {}


def user_cache_path(*parts: str) -> Path:
    """``<user cache dir>/v8snap/<parts>``: ``$V8SNAP_CACHE_DIR`` when set, else platformdirs'
    (``$XDG_CACHE_HOME`` or ``~/.cache`` on Linux)."""
    if os.environ.get("V8SNAP_CACHE_DIR"):
        return Path(os.environ["V8SNAP_CACHE_DIR"]).joinpath(*parts)
    from platformdirs import user_cache_dir  # imported on first use: `import v8snap` stays light

    return Path(user_cache_dir("v8snap", appauthor=False)).joinpath(*parts)


def private_dir(path: Path) -> Path:
    """``path`` as a directory only this user can use, or a private temporary one when it cannot be.

    Created with mode 0700. It must be a directory owned by ``os.getuid()``: one of the user's with group or
    other bits is set to 0700 and, if others could write it, emptied of its files (they may not be the
    user's); one owned by someone else (or unusable) is not used: this process gets a ``mkdtemp``
    directory (0700, removed at exit) instead, with a warning.
    """
    import stat
    import warnings

    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = os.stat(path)
        problem = (
            ""
            if stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid()
            else "is not a directory owned by this user"
        )
    except OSError as exc:
        problem = f"cannot be used ({exc.strerror})"
    if problem:
        warnings.warn(f"v8snap: {path} {problem}; using a private temporary directory", stacklevel=3)
        fallback = _private_fallbacks.get(str(path))
        if fallback is None or not fallback.is_dir():
            import atexit
            import shutil

            fallback = Path(tempfile.mkdtemp(prefix="v8snap-"))
            atexit.register(shutil.rmtree, fallback, True)
            _private_fallbacks[str(path)] = fallback
        return fallback
    if st.st_mode & 0o077:
        os.chmod(path, 0o700)
        if st.st_mode & 0o022:
            for entry in path.iterdir():
                if entry.is_symlink() or entry.is_file():
                    entry.unlink(missing_ok=True)
    return path
