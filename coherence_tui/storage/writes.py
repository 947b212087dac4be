"""The changes a session takes while a workshop runs: participants join, answer and
finish (one journal line each), imports, and the facilitator's settings and state (a
document write each). ``SessionStore`` inherits these methods; every one holds the
session lock (``_writing``) and is durable on return.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinydb.table import Table

from coherence_tui.domain.disclosure import check_k_change, instant
from coherence_tui.domain.vocabulary import (
    Answer,
    Level,
    Participant,
    validate_department,
)
from coherence_tui.storage.durable import JOURNAL_CHECKPOINT as JOURNAL_CHECKPOINT
from coherence_tui.storage.durable import DurableStorage as DurableStorage
from coherence_tui.storage.head import SessionHead as SessionHead  # part of the store's API
from coherence_tui.storage.imports import ImportRow as ImportRow
from coherence_tui.storage.names import list_sessions as list_sessions
from coherence_tui.storage.names import session_path_for_name as session_path_for_name
from coherence_tui.storage.names import validate_session_name as validate_session_name
from coherence_tui.storage.paths import SUFFIX as SUFFIX  # re-exported: part of the store's API
from coherence_tui.storage.paths import resolve_session_path as resolve_session_path
from coherence_tui.storage.schema import (
    _LEVELS,
    _PARTICIPANTS_TABLE,
    _SESSION_DOC_ID,
    _SESSION_TABLE,
    CODE_ALPHABET,
    CODE_LENGTH,
    _Meta,
    _one_line,
    _parse_head,
    _pydantic_problem,
    utc_now,
    utc_now_precise,
)
from coherence_tui.storage.schema import FORMAT as FORMAT
from coherence_tui.storage.schema import FORMAT_VERSION as FORMAT_VERSION
from coherence_tui.storage.schema import FORMAT_VERSION_CLOSED as FORMAT_VERSION_CLOSED
from coherence_tui.storage.schema import SESSION_NAME_MAX as SESSION_NAME_MAX
from coherence_tui.storage.schema import ActionRejected as ActionRejected
from coherence_tui.storage.schema import AnswerRejected as AnswerRejected
from coherence_tui.storage.schema import SessionArchived as SessionArchived
from coherence_tui.storage.schema import SessionCorrupt as SessionCorrupt
from coherence_tui.storage.schema import SessionEnded as SessionEnded
from coherence_tui.storage.schema import SessionError as SessionError
from coherence_tui.storage.schema import SessionNotFound as SessionNotFound
from coherence_tui.storage.schema import SessionTooNew as SessionTooNew
from coherence_tui.storage.schema import SettingsRejected as SettingsRejected

if TYPE_CHECKING:
    from contextlib import AbstractContextManager as _ACM

    from coherence_tui.domain.model import SessionSettings, SessionState
    from coherence_tui.storage.durable import DurableStorage as _Durable


class SessionWrites:
    """Participants, answers, finishes, imports, settings and state: part of ``SessionStore``."""

    if TYPE_CHECKING:  # what the methods use of ``SessionStore``
        path: Path
        _storage: _Durable
        _participants: Table
        _session_table: Table

        def _writing(self) -> _ACM[_Meta]: ...

    def _reject(self, reason: str) -> AnswerRejected:
        return AnswerRejected(f"{self.path}: {_one_line(reason)}")

    def _check_open(self, meta: _Meta) -> None:
        if meta.head.ended:
            raise SessionEnded(f"{self.path}: the session has ended and takes no more answers")

    def _participant_id(self, meta: _Meta, participant: str) -> int:
        doc_id = meta.codes.get(participant)
        if doc_id is None:
            raise self._reject(f"unknown participant {participant!r}")
        return int(doc_id)

    @staticmethod
    def _valid_value(value: object) -> bool:
        return value is None or (type(value) is int and -2 <= value <= 2)

    def add_participant(self, level: Level, department: str | None = None) -> Participant:
        """A new participant with a random anonymous code; durable on return."""
        if level not in _LEVELS:
            raise self._reject(f"unknown level {level!r} (board, management or front_line)")
        level = _LEVELS[level]
        with self._writing() as meta:
            self._check_open(meta)
            department = self._department(meta, department)
            code = self._new_code(meta)
            doc_id = self._new_doc_id()
            self._storage.append(["participant", doc_id, code, level.value, department, utc_now()])
        return Participant(code=code, level=level, department=department, finished=False)

    def _department(self, meta: _Meta, department: str | None, where: str = "") -> str | None:
        """The session's spelling of a department; ``AnswerRejected`` if it has no such one.

        A session without a department list takes any well-formed name.
        """
        if department is None:
            return None
        try:
            cleaned = validate_department(department)
        except ValueError as error:
            raise self._reject(f"{where}{error}") from None
        listed = meta.head.departments
        if not listed:
            return cleaned
        for name in listed:
            if name.casefold() == cleaned.casefold():
                return name
        raise self._reject(
            f"{where}unknown department {department!r} (the session has {', '.join(listed)})"
        )

    def _new_code(self, meta: _Meta) -> str:
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if code not in meta.codes:
                return code

    def _new_doc_id(self) -> int:
        taken = self._storage.read().get(_PARTICIPANTS_TABLE, {})
        while True:
            doc_id = 1 + secrets.randbelow(2**31 - 1)
            if str(doc_id) not in taken:
                return doc_id

    def record_answer(self, participant: str, item: str, value: int | None) -> Answer:
        """Record (or overwrite) one answer; on disk (fsync'ed) when this returns.

        One line appended to the journal: the cost does not grow with the session.
        """
        if not self._valid_value(value):
            raise self._reject(f"answer {value!r} is not -2..2 or don't know")
        with self._writing() as meta:
            self._check_open(meta)
            if item not in meta.head.item_ids:
                raise self._reject(f"unknown item {item!r}")
            self._participant_id(meta, participant)
            answered_at = utc_now()
            self._storage.append(["answer", participant, item, value, answered_at])
        return Answer(participant, item, value, answered_at)

    def finish_participant(self, participant: str) -> str:
        """Set the participant's ``finished_at`` (idempotent) and return it; durable on return.

        Taken to the microsecond under the lock, so every process orders finishes alike.
        """
        with self._writing() as meta:
            doc_id = self._participant_id(meta, participant)
            known: str | None = self._storage.read()[_PARTICIPANTS_TABLE][str(doc_id)][
                "finished_at"
            ]
            if known is not None:
                return known
            finished_at = _after_every_finish(self._storage.read()[_PARTICIPANTS_TABLE].values())
            self._storage.append(["finish", participant, finished_at])
        return finished_at

    def import_answers(
        self, rows: Sequence[ImportRow], *, merge: bool = True, source: Path | None = None
    ) -> int:
        """All-or-nothing: add participants/answers in one durable write; returns answers added.

        Rows for a participant code already in the session are refused unless
        ``merge`` (the command line's ``--merge``; a second paper batch reusing a
        code must not silently overwrite the first), and then must agree with its
        level and department. New codes become finished participants. Within the
        import, a later row for the same participant and item wins. The returned
        count is the number of distinct (participant, item) answers written.
        Imports are accepted after the session ended: they bring in answers
        gathered outside the room. With ``source`` (the file the rows came from),
        a refusal names that file and the row's line instead of the session.
        """
        from coherence_tui.storage.imports import import_rows

        return import_rows(self, rows, merge=merge, source=source, clock=utc_now)

    def update_settings(self, settings: SessionSettings) -> None:
        """Replace the session's settings; durable on return.

        Validated afresh (department names included), even when given a model built
        without validation; ``SessionError`` names the problem.
        Refuses (``SettingsRejected``) a k that ``check_k_change`` forbids, decided under
        the lock against the file as it is, so no process can lower k behind another's back.
        A change of k is added to ``k_history`` with the number of people who had finished
        (and answered) by then, so every process batches the room's view alike.
        """
        from pydantic import ValidationError

        from coherence_tui.domain.model import SessionSettings

        try:
            wanted = SessionSettings.model_validate(settings.model_dump())
        except ValidationError as error:
            raise SessionError(f"{self.path}: {_pydantic_problem('settings', error)}") from None

        def prepare(meta: _Meta) -> SessionSettings:
            people = list(self._storage.read().get(_PARTICIPANTS_TABLE, {}).values())
            has_answers = any(doc["answers"] for doc in people)
            current = meta.head.settings
            problem = check_k_change(current.k, wanted.k, has_answers=has_answers)
            if problem is not None:
                raise SettingsRejected(f"{self.path}: {problem}")
            if wanted.k == current.k:
                return wanted.model_copy(update={"k_history": current.k_history})
            finished = sum(1 for doc in people if doc["finished_at"] and doc["answers"])
            history = (*current.k_schedule, (finished, wanted.k))
            return wanted.model_copy(update={"k_history": history})

        self._update_head("settings", prepare)

    def update_state(self, state: SessionState) -> None:
        """Replace the session's state (reveal, pause, end); durable on return.

        An archived session is never reopened: a state that would un-archive it (a
        process that had not seen the archive yet) is refused with ``SessionArchived``.
        """
        from coherence_tui.domain.model import SessionState

        checked = SessionState.model_validate(state)

        def prepare(meta: _Meta) -> SessionState:
            if meta.head.state.archived and not checked.archived:
                raise SessionArchived(f"{self.path}: the session is archived; it stays ended")
            return checked

        self._update_head("state", prepare)

    def _update_head(
        self, key: str, prepare: Callable[[_Meta], SessionSettings | SessionState]
    ) -> None:
        """Write the head's settings or state as ``prepare`` makes them under the lock."""
        with self._writing() as meta:
            value = prepare(meta)
            self._session_table.update(
                {key: value.model_dump(mode="json")}, doc_ids=[_SESSION_DOC_ID]
            )
            doc = self._storage.read()[_SESSION_TABLE][str(_SESSION_DOC_ID)]
            meta.head = _parse_head(doc)


def _after_every_finish(docs: Iterable[dict[str, Any]]) -> str:
    """Now to the microsecond, but always later than every finish already stored.

    The room's batches replay finishes in ``finished_at`` order; a clock that stepped
    back must not slip a new finish in among earlier ones.
    """
    now = utc_now_precise()
    latest = max((instant(doc["finished_at"]) for doc in docs if doc["finished_at"]), default="")
    if now > latest:
        return now
    stored = datetime.strptime(latest, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    later = stored + timedelta(microseconds=1)
    return later.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
