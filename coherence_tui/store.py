"""Session files: TinyDB on a durable, locked, checksummed storage of our own.

CONTRACT STUB - implemented by the session-store work (issue 3). Signatures
and docstrings here are the agreed API; keep them.

File layout (one JSON document, written atomically)::

    {"format": "coherence-tui-session", "format_version": 1, "generation": 17,
     "checksum": "crc32:0a1b2c3d", "tables": { ...TinyDB tables... }}

TinyDB tables:
- ``session``: one document {"name", "created_at", "questionnaire": {...frozen copy...},
  "settings": {...SessionSettings...}, "state": {...SessionState...}}
- ``participants``: one document per participant
  {"code", "level", "department", "created_at", "finished_at": str|null, "answers": {ITEM_ID: [value|null, answered_at]}}
  (latest answer per item wins, so the table stays small: one document per person).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from coherence_tui.domain.model import (
    Answer,
    Level,
    Participant,
    Questionnaire,
    SessionSettings,
    SessionState,
)

FORMAT = "coherence-tui-session"
FORMAT_VERSION = 1
SUFFIX = ".json"


class SessionError(Exception):
    """A user-facing problem with a session; ``str()`` is one line naming the path."""


class SessionNotFound(SessionError):
    pass


class SessionCorrupt(SessionError):
    """Truncated, not JSON, bad checksum, schema-invalid: refused, left untouched."""


class SessionTooNew(SessionError):
    """Written by a newer coherence-tui (format_version above ours)."""


class SessionEnded(SessionError):
    """The facilitator ended the session: it takes no more answers."""


class AnswerRejected(SessionError):
    """Unknown participant or item, or a value outside -2..2."""


@dataclass(frozen=True, slots=True)
class SessionSnapshot:
    """Everything in a session file at one generation."""

    path: Path
    generation: int
    name: str
    created_at: str
    questionnaire: Questionnaire
    settings: SessionSettings
    state: SessionState
    participants: tuple[Participant, ...]
    answers: tuple[Answer, ...]


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One answer gathered elsewhere (paper, online form), for ``import_answers``."""

    participant: str
    level: Level
    department: str | None
    item: str
    value: int | None


def resolve_session_path(session: str, sessions_dir: Path) -> Path:
    """A path as given if it exists or looks like a path, else ``sessions_dir/NAME.json``."""
    raise NotImplementedError


class SessionStore:
    """One open session file. Safe to use from several processes at once."""

    path: Path

    @classmethod
    def create(
        cls,
        path: Path,
        *,
        name: str,
        questionnaire: Questionnaire,
        settings: SessionSettings,
        state: SessionState | None = None,
    ) -> SessionStore:
        """Create a new session file; ``SessionError`` if it already exists."""
        raise NotImplementedError

    @classmethod
    def open(cls, path: Path) -> SessionStore:
        """Open and verify an existing session; raises ``SessionNotFound``/``SessionCorrupt``/``SessionTooNew``."""
        raise NotImplementedError

    def snapshot(self) -> SessionSnapshot:
        """The session as it is on disk now (re-read only if the file changed)."""
        raise NotImplementedError

    def changed(self) -> bool:
        """Cheap: has another process written since our last read? (stat only)."""
        raise NotImplementedError

    def add_participant(self, level: Level, department: str | None = None) -> Participant:
        """A new participant with a random anonymous code; durable on return."""
        raise NotImplementedError

    def record_answer(self, participant: str, item: str, value: int | None) -> Answer:
        """Record (or overwrite) one answer; on disk (fsync'ed) when this returns."""
        raise NotImplementedError

    def finish_participant(self, participant: str) -> None:
        """Set the participant's ``finished_at`` (idempotent); durable on return."""
        raise NotImplementedError

    def import_answers(self, rows: Sequence[ImportRow]) -> int:
        """All-or-nothing: add participants/answers in one durable write; returns answers added."""
        raise NotImplementedError

    def update_settings(self, settings: SessionSettings) -> None:
        raise NotImplementedError

    def update_state(self, state: SessionState) -> None:
        raise NotImplementedError


def list_sessions(sessions_dir: Path) -> Iterable[Path]:
    """Session files in a directory, newest first (temporary/lock files ignored)."""
    raise NotImplementedError
