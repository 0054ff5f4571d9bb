"""Small file helpers: atomic output, gzip-transparent text input.

Every output is written under a temporary name in the same directory and renamed into place
only when complete, so a failed run never leaves a half-written file behind.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import tempfile
import zlib
from pathlib import Path
from typing import IO, Any, Iterator

from thalgen.errors import InputError

_UMASK = os.umask(0o022)
os.umask(_UMASK)


@contextlib.contextmanager
def atomic_path(final: str | Path, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path next to ``final``; rename it to ``final`` if the block succeeds."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{final.name}.", suffix=f".tmp{suffix}", dir=final.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o666 & ~_UMASK)
        os.replace(tmp_path, final)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()
        raise


@contextlib.contextmanager
def atomic_write_text(final: str | Path) -> Iterator[IO[str]]:
    """Open a text file for writing that appears at ``final`` only when the block succeeds."""
    with atomic_path(final) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
            yield handle


def require_readable(path: str | Path) -> Path:
    """Return ``path`` if it is a readable, non-empty file; raise InputError otherwise."""
    p = Path(path)
    if not p.exists():
        raise InputError(p, "file not found")
    if p.is_dir():
        raise InputError(p, "is a directory, expected a file")
    if not os.access(p, os.R_OK):
        raise InputError(p, "file is not readable (permission denied)")
    if p.stat().st_size == 0:
        raise InputError(p, "file is empty")
    return p


def is_gzip(path: str | Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


@contextlib.contextmanager
def open_text(path: str | Path) -> Iterator[IO[str]]:
    """Open a plain or gzip/bgzip text file; truncated or corrupt gzip surfaces as InputError."""
    p = require_readable(path)
    handle: IO[str]
    if is_gzip(p):
        handle = gzip.open(p, "rt", encoding="ascii", errors="replace")
    else:
        handle = open(p, "rt", encoding="ascii", errors="replace")
    try:
        yield handle
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise InputError(p, f"truncated or corrupt gzip data ({exc})") from None
    finally:
        handle.close()


def read_json(path: str | Path) -> Any:
    """A JSON file's content; a missing/unreadable file or invalid JSON is an InputError naming the file."""
    import json

    require_readable(path)
    try:
        return json.loads(Path(path).read_text())
    except json.JSONDecodeError as exc:
        raise InputError(path, f"not valid JSON ({exc.msg} at line {exc.lineno})") from None
