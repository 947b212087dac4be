"""Session names (which are also file names) and the sessions in a directory."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from coherence_tui.storage.paths import SUFFIX
from coherence_tui.storage.schema import (
    SESSION_NAME,
    SESSION_NAME_MAX,
    SESSION_NAME_MAX_BYTES,
    SessionError,
)


def validate_session_name(name: str) -> str:
    """The name if it can also be one file name (``SESSION_NAME``); ``SessionError`` otherwise.

    A name is never a path: ``../x``, ``/abs/x`` and ``x.json`` are refused, so
    ``new`` cannot write outside the sessions directory.
    """
    separators = {os.sep, "/"} | ({os.altsep} if os.altsep else set())
    if any(sep in name for sep in separators):
        raise SessionError(
            f"session name {name!r} is a path; give a name only (the session is saved as "
            "NAME.json in the sessions directory, --sessions-dir to choose another)"
        )
    if len(name) > SESSION_NAME_MAX:
        raise SessionError(
            f"session name is {len(name)} characters long; at most {SESSION_NAME_MAX}"
        )
    if len(name.encode("utf-8")) > SESSION_NAME_MAX_BYTES:
        raise SessionError(
            f"session name is {len(name.encode('utf-8'))} bytes long in UTF-8; at most "
            f"{SESSION_NAME_MAX_BYTES} (a file name must fit the file system)"
        )
    if name.endswith(SUFFIX):
        raise SessionError(f"session name {name!r}: give the name without {SUFFIX}")
    if not SESSION_NAME.match(name):
        raise SessionError(
            f"session name {name!r} must be 1-{SESSION_NAME_MAX} letters, digits, spaces, "
            "'_', '-' or '.', starting with a letter or digit and not ending in a space or '.'"
        )
    return name


def session_path_for_name(name: str, sessions_dir: Path) -> Path:
    """Where ``new NAME`` puts its file: ``sessions_dir/NAME.json`` (name validated)."""
    return Path(sessions_dir) / f"{validate_session_name(name)}{SUFFIX}"


def list_sessions(sessions_dir: Path) -> Iterable[Path]:
    """Session files in a directory, newest first (temporary/lock files ignored)."""
    found: list[tuple[int, str, Path]] = []
    try:
        entries = list(os.scandir(sessions_dir))
    except (FileNotFoundError, NotADirectoryError):
        return []
    for entry in entries:
        if entry.name.startswith(".") or not entry.name.endswith(SUFFIX):
            continue
        try:
            if not entry.is_file():
                continue
            mtime = entry.stat().st_mtime_ns
        except OSError:
            continue
        found.append((mtime, entry.name, Path(sessions_dir) / entry.name))
    found.sort(key=lambda found_entry: (-found_entry[0], found_entry[1]))
    return [path for _, _, path in found]
