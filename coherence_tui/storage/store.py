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
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinydb import TinyDB
from tinydb.table import Table

from coherence_tui.domain.vocabulary import (
    Answer,
    Participant,
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
    LOCK_TIMEOUT,
    _Meta,
    _parse_actions,
    _parse_tables,
    utc_now,
)
from coherence_tui.storage.schema import CODE_ALPHABET as CODE_ALPHABET
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
from coherence_tui.storage.writes import SessionWrites

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


class SessionStore(SessionWrites, PlanTables):
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

    def all_answers(self) -> dict[str, dict[str, int | None]]:
        """Every participant's answers (code -> item -> value), read once: building a
        tally from ``answers_of`` per participant checked the file hundreds of times."""
        with self._mutex:
            tables = self._storage.read()
            return {
                doc["code"]: {item: entry[0] for item, entry in doc["answers"].items()}
                for doc in tables.get(_PARTICIPANTS_TABLE, {}).values()
            }

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


def _predictions_of(tables: dict[str, dict[str, Any]]) -> tuple[Prediction, ...]:
    from coherence_tui.domain.vocabulary import Prediction

    docs = sorted(tables.get(_PREDICTIONS_TABLE, {}).values(), key=_by_code)
    return tuple(
        Prediction(doc["code"], item, doc["estimates"][item])
        for doc in docs
        for item in sorted(doc["estimates"])
    )


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
