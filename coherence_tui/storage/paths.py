"""Where a session lives: what ``SESSION`` on the command line means, without the store.

The supervisor of a kiosk resolves the session path before it starts the app; it
imports only this (the store, pydantic and Textual load in the app's own process).
"""

from __future__ import annotations

import os
from pathlib import Path

SUFFIX = ".json"


def resolve_session_path(session: str, sessions_dir: Path) -> Path:
    """A path as given if it exists or looks like a path, else ``sessions_dir/NAME.json``."""
    separators = {os.sep} | ({os.altsep} if os.altsep else set())
    if any(sep in session for sep in separators) or session.endswith(SUFFIX):
        return Path(session)
    try:
        if Path(session).exists():
            return Path(session)
    except OSError:
        pass  # e.g. a name too long to be a file: then it is no file here either
    return Path(sessions_dir) / f"{session}{SUFFIX}"
