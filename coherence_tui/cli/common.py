"""What every command shares: the sessions directory, opening a session, user errors."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from coherence_tui.errors import CoherenceError

if TYPE_CHECKING:
    from coherence_tui.storage.store import SessionStore

Start = Literal["home", "run", "kiosk", "dashboard", "demo"]

DEFAULT_SESSIONS_DIR = "sessions"


class UserError(CoherenceError):
    """Anything the user can fix; printed as one line, exit 1."""


def sessions_dir(args: argparse.Namespace) -> Path:
    return Path(
        args.sessions_dir or os.environ.get("COHERENCE_SESSIONS_DIR") or DEFAULT_SESSIONS_DIR
    )


def open_store(args: argparse.Namespace) -> SessionStore:
    from coherence_tui.storage.paths import resolve_session_path
    from coherence_tui.storage.store import SessionStore

    return SessionStore.open(resolve_session_path(args.session, sessions_dir(args)))


def csv_list(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    return tuple(part.strip() for part in text.split(",") if part.strip())
