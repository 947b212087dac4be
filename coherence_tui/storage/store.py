"""``SessionStore``: one session, opened by any number of processes at once.

Opening, reading (``snapshot``, ``head``, ``changes``), and every change under the
session lock: participants, answers, finishes, settings, state, imports, the prediction
round and the action plan. The files and their guarantees are described in the package
docstring (``coherence_tui.storage``).
"""

from __future__ import annotations

import glob
import os
import re
import secrets
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinydb import TinyDB
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
from coherence_tui.storage.fileio import (
    PRIVATE_FILE,
    make_private_directory,
    write_through_target,
)
from coherence_tui.storage.head import SessionHead as SessionHead  # part of the store's API
from coherence_tui.storage.imports import ImportRow as ImportRow
from coherence_tui.storage.names import list_sessions as list_sessions
from coherence_tui.storage.names import session_path_for_name as session_path_for_name
from coherence_tui.storage.names import validate_session_name as validate_session_name
from coherence_tui.storage.paths import SUFFIX as SUFFIX  # re-exported: part of the store's API
from coherence_tui.storage.paths import resolve_session_path as resolve_session_path
from coherence_tui.storage.plan_tables import PlanTables
from coherence_tui.storage.schema import (
    _ACTIONS_TABLE,
    _LEVELS,
    _PARTICIPANTS_TABLE,
    _PREDICTIONS_TABLE,
    _SESSION_DOC_ID,
    _SESSION_TABLE,
    _TEMP_HEX,
    CODE_ALPHABET,
    CODE_LENGTH,
    LOCK_TIMEOUT,
    _Meta,
    _one_line,
    _parse_actions,
    _parse_head,
    _parse_tables,
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
    from filelock import FileLock

    from coherence_tui.domain.model import Questionnaire, SessionSettings, SessionState
    from coherence_tui.domain.plan import Action
    from coherence_tui.domain.vocabulary import Prediction


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
    predictions: tuple[Prediction, ...] = ()
    """The prediction round's estimates, ordered by participant code and item."""
    actions: tuple[Action, ...] = ()
    """The action plan, in the order the actions were recorded (A1, A2, ...)."""


@dataclass(frozen=True, slots=True)
class SessionChanges:
    """What ``SessionStore.changes`` found: the changes since its last call, in order."""

    reloaded: bool
    """The session file was replaced (anything may have changed): ``changes`` is empty,
    take a fresh ``snapshot()``."""
    changes: tuple[Participant | Answer, ...]
    """Participants who joined or finished (their latest form) and answers, in the order
    they were written, ours included."""
    head: SessionHead
    """Name, questionnaire, settings and state as they are now."""


class SessionStore(PlanTables):
    """One open session file. Safe to use from several processes at once."""

    path: Path

    def __init__(self, path: Path) -> None:
        """Attach to ``path`` without reading it; use ``open`` or ``create``."""
        self.path = Path(path)
        self._storage = DurableStorage(self.path)
        self._db = TinyDB(storage=_Given(self._storage))
        self._session_table: Table = self._db.table(_SESSION_TABLE, cache_size=0)
        self._participants: Table = self._db.table(_PARTICIPANTS_TABLE, cache_size=0)
        self.lock_path = self.sidecar(".lock")
        """The lock every process writing this session takes (beside the real file)."""
        self._lock: FileLock | None = None
        """Made at the first write: a projector that only reads never imports filelock."""
        self._lock_private = False
        self._mutex = threading.RLock()
        self._swept = False
        self._snapshot: SessionSnapshot | None = None
        self._snapshot_version: int | None = None

    def sidecar(self, suffix: str) -> Path:
        """``NAME.json<suffix>`` beside the real session file (through a symlink, its target's),
        so every process finds the same one however it named the session."""
        target = write_through_target(self.path)
        return target.with_name(target.name + suffix)

    # ------------------------------------------------------------------ opening

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
        from coherence_tui.domain.model import SessionState

        validate_session_name(name)
        store = cls(path)
        state = state or SessionState()
        tables: dict[str, dict[str, Any]] = {
            _SESSION_TABLE: {
                str(_SESSION_DOC_ID): {
                    "name": name,
                    "created_at": utc_now(),
                    "questionnaire": questionnaire.model_dump(mode="json"),
                    "settings": settings.model_dump(mode="json"),
                    "state": state.model_dump(mode="json"),
                }
            },
            _PARTICIPANTS_TABLE: {},
        }
        meta = _parse_tables(tables)
        try:
            make_private_directory(store.path.parent)
        except OSError as error:
            raise SessionError(
                f"{store.path}: cannot create its directory ({error.strerror})"
            ) from None
        with store._mutex, store._locked():
            if store.path.exists():
                raise SessionError(f"{store.path}: a session file with this name already exists")
            store._storage.create(tables)
            store._storage.meta = meta
        return store

    @classmethod
    def open(cls, path: Path) -> SessionStore:
        """Open and verify an existing session.

        Raises ``SessionNotFound``/``SessionCorrupt``/``SessionTooNew``.
        """
        store = cls(path)
        store._storage.read()
        return store

    # ------------------------------------------------------------------ reading

    @property
    def generation(self) -> int:
        """Writes to the session as this store last read or wrote it (file and journal)."""
        return self._storage.generation

    def head(self) -> SessionHead:
        """Name, questionnaire, settings and state as on disk now (re-read if changed)."""
        with self._mutex:
            self._storage.read()
            return self._meta().head

    @property
    def journal_path(self) -> Path:
        """``NAME.json.journal`` beside the real session file: answers not yet folded in."""
        return self._storage.journal_path

    def snapshot(self) -> SessionSnapshot:
        """The session as it is on disk now (re-read only if the file changed)."""
        with self._mutex:
            tables = self._storage.read()
            if self._snapshot is not None and self._storage.version == self._snapshot_version:
                return self._snapshot
            meta = self._meta()
            participants: list[Participant] = []
            answers: list[Answer] = []
            docs = sorted(tables.get(_PARTICIPANTS_TABLE, {}).values(), key=_by_code)
            for doc in docs:  # sorting per person is cheaper than sorting 10,000 answers
                code = doc["code"]
                participants.append(_participant(doc))
                given = doc["answers"]
                for item in sorted(given):
                    entry = given[item]
                    answers.append(Answer(code, item, entry[0], entry[1]))
            head = meta.head
            self._snapshot = SessionSnapshot(
                path=self.path,
                generation=self._storage.generation,
                name=head.name,
                created_at=head.created_at,
                questionnaire=head.questionnaire,
                settings=head.settings,
                state=head.state,
                participants=tuple(participants),
                answers=tuple(answers),
                predictions=_predictions_of(tables),
                actions=tuple(_parse_actions(tables.get(_ACTIONS_TABLE, {}), head)),
            )
            self._snapshot_version = self._storage.version
            return self._snapshot

    def changed(self) -> bool:
        """Cheap: has another process written since our last read? (two ``stat`` calls)."""
        return self._storage.stale()

    def changes(self) -> SessionChanges | None:
        """What changed since the last call (ours and other processes' writes), or ``None``.

        Reads only the journal's new lines while the session file stays the same; when
        the file itself was replaced (a checkpoint, an import, a settings change) it is
        loaded again and the answer is ``reloaded``: take a fresh ``snapshot()``.
        """
        with self._mutex:
            self._storage.sync()
            reloaded, changes = self._storage.drain()
        if not reloaded and not changes:
            return None
        return SessionChanges(reloaded=reloaded, changes=tuple(changes), head=self._meta().head)

    def answers_of(self, participant: str) -> dict[str, int | None]:
        """One participant's answers as the store holds them now (item -> value)."""
        with self._mutex:
            tables = self._storage.read()
            doc_id = self._meta().codes.get(participant)
            if doc_id is None:
                return {}
            given = tables[_PARTICIPANTS_TABLE][doc_id]["answers"]
            return {item: entry[0] for item, entry in given.items()}

    def answer_counts(self) -> dict[str, int]:
        """How many items each participant answered (don't know counts), by code."""
        with self._mutex:
            tables = self._storage.read()
            return {
                doc["code"]: len(doc["answers"])
                for doc in tables.get(_PARTICIPANTS_TABLE, {}).values()
            }

    def participants(self) -> list[Participant]:
        """Every participant as the store holds them now (in no particular order)."""
        with self._mutex:
            tables = self._storage.read()
            return [_participant(doc) for doc in tables.get(_PARTICIPANTS_TABLE, {}).values()]

    def _meta(self) -> _Meta:
        meta = self._storage.meta
        if meta is None:
            self._storage.read()
            meta = self._storage.meta
        assert meta is not None
        return meta

    # ------------------------------------------------------------------ writing

    @contextmanager
    def _locked(self) -> Iterator[None]:
        from filelock import FileLock, Timeout

        if self._lock is None:
            self._lock = FileLock(
                str(self.lock_path), timeout=LOCK_TIMEOUT, poll_interval=0.001, mode=PRIVATE_FILE
            )
        lock = self._lock
        try:
            lock.acquire()
        except Timeout:
            raise SessionError(
                f"{self.path}: another process has been writing this session for over "
                f"{LOCK_TIMEOUT:g} s; try again"
            ) from None
        except OSError as error:
            raise SessionError(f"{self.path}: cannot lock the session ({error.strerror})") from None
        try:
            if not self._lock_private:
                self._make_lock_private()
            yield
        finally:
            lock.release()

    def _make_lock_private(self) -> None:
        """A lock file made by an older coherence-tui (0644) becomes owner-only, once."""
        try:
            if os.stat(self.lock_path).st_mode & 0o077:
                os.chmod(self.lock_path, PRIVATE_FILE)
        except OSError:
            pass  # someone else's lock file: not ours to change
        self._lock_private = True

    def locked(self) -> AbstractContextManager[None]:
        """Hold the session's cross-process lock (for state kept beside the session file)."""
        return self._locked()

    def check_writable(self) -> None:
        """``SessionError`` if this session may not be changed: its file is read-only.

        A rename would replace even a 0444 file, so the store asks before every write
        and never rewrites a file its owner made read-only.
        """
        self._storage.read()
        mode = self._storage.mode or 0
        target = write_through_target(self.path)
        if mode & 0o222 == 0 or not os.access(target, os.W_OK):
            raise SessionError(
                f"{self.path}: the session file is read-only (mode {mode:04o}); nothing was "
                "changed (chmod u+w to allow changes)"
            )

    @contextmanager
    def _writing(self) -> Iterator[_Meta]:
        """Hold the lock, bring the cache up to date with the disk, allow writes."""
        with self._mutex:
            # Catch up before taking the lock: a reload (after another process's checkpoint)
            # then never keeps the other writers waiting; under the lock only what is new.
            self._storage.sync()
            with self._locked():
                self.check_writable()  # before anything is touched, a torn line included
                self._storage.sync(writer=True)
                if not self._swept:
                    self._sweep_leftovers()
                self._storage.writable = True
                try:
                    yield self._meta()
                finally:
                    self._storage.writable = False

    def close(self) -> None:
        """Fold the journal into the session file, so the closed session is one TinyDB file.

        Only a store that wrote does it (a projector never rewrites a file it only reads);
        another process still answering starts a new journal with its next answer.
        """
        if not self._storage.wrote:
            return
        with self._writing():
            self._storage.checkpoint(keep_journal=False)
        self._storage.wrote = False

    def checkpoint(self) -> None:
        """Fold the journal into the session file now and go on with an empty one."""
        with self._writing():
            self._storage.checkpoint(keep_journal=True)

    def _sweep_leftovers(self) -> None:
        """Remove temporary files of writes that never finished (we hold the lock: none is live)."""
        target = write_through_target(self.path)
        pattern = os.path.join(
            glob.escape(str(target.parent)), f".{glob.escape(target.name)}.*.tmp"
        )
        # Exactly our names: ".a.json.*.tmp" would also match ".a.json.b.json.<hex>.tmp",
        # a live write of another session that our lock does not cover.
        ours = re.compile(rf"\.{re.escape(target.name)}\.[0-9a-f]{{{_TEMP_HEX}}}\.tmp")
        for leftover in glob.glob(pattern):
            if not ours.fullmatch(os.path.basename(leftover)):
                continue
            try:
                os.unlink(leftover)
            except OSError:
                pass
        self._swept = True

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


def _predictions_of(tables: dict[str, dict[str, Any]]) -> tuple[Prediction, ...]:
    from coherence_tui.domain.vocabulary import Prediction

    docs = sorted(tables.get(_PREDICTIONS_TABLE, {}).values(), key=_by_code)
    return tuple(
        Prediction(doc["code"], item, doc["estimates"][item])
        for doc in docs
        for item in sorted(doc["estimates"])
    )


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


def _participant(doc: dict[str, Any]) -> Participant:
    return Participant(
        code=doc["code"],
        level=_LEVELS[doc["level"]],
        department=doc["department"],
        finished=doc["finished_at"] is not None,
        finished_at=doc["finished_at"],
    )


def _by_code(doc: dict[str, Any]) -> str:
    code: str = doc["code"]
    return code


class _Given:
    """Hands TinyDB an already built storage (TinyDB wants a class to instantiate)."""

    def __init__(self, storage: DurableStorage) -> None:
        self._storage = storage

    def __call__(self) -> DurableStorage:
        return self._storage
