"""Owner-only, atomic, durable file writes for everything but the session file itself.

Exports (``export -o``, the facilitator menu's ``exports/``), the PIN lock-out sidecar
and anything else written beside a session go through :func:`write_private`: a
temporary file in the same directory, created ``0600``, written in full, fsync'ed,
renamed over the target and the directory fsync'ed. A full disk or any other
failure leaves the previous file (or no file) and never a truncated one; the
temporary file is removed.

A target that is a symbolic link is written through: the link's target is
replaced and the link itself is left as it was.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PRIVATE_FILE = 0o600
"""Sessions, lock files, exports: readable and writable by their owner only."""
PRIVATE_DIRECTORY = 0o700
"""Directories we create for them (``sessions/``, ``exports/``)."""
TEMP_HEX = 12
"""Random hex digits in a temporary file's name: ``.NAME.<12 hex>.tmp``."""


def fsync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable (POSIX; Windows cannot open a directory)."""
    if os.name == "nt":  # pragma: no cover
        return
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_all(fd: int, payload: bytes) -> None:
    """Write all of ``payload`` to ``fd`` (``os.write`` may write less than asked)."""
    view = memoryview(payload)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def write_through_target(path: Path) -> Path:
    """The file a write to ``path`` must replace: ``path`` itself, or where its symlink points."""
    return Path(os.path.realpath(path))


def make_private_directory(directory: Path) -> None:
    """Create ``directory`` (and its parents) if missing; the last one owner-only."""
    directory.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIRECTORY)


def write_private(path: Path, payload: bytes) -> Path:
    """Replace ``path`` with ``payload`` atomically, durably, owner-only; return the file written.

    Raises:
        OSError: nothing was replaced (the previous file, if any, is intact and no
            temporary file is left behind).
    """
    target = write_through_target(path)
    temp = target.with_name(f".{target.name}.{secrets.token_hex(TEMP_HEX // 2)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, PRIVATE_FILE)
    try:
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, PRIVATE_FILE)  # the umask can only take bits away; be exact
            write_all(fd, payload)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, target)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
    fsync_directory(target.parent)
    return target
