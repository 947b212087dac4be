"""Session files: TinyDB on a durable, locked, checksummed storage of our own.

The API below is the contract the screens, the live session and the command
line are built against; keep its names and signatures.

File layout (one JSON document, written atomically)::

    {"format": "coherence-tui-session", "format_version": 1, "generation": 17,
     "checksum": "crc32:0a1b2c3d", "tables": { ...TinyDB tables... }}

TinyDB tables:
- ``session``: one document {"name", "created_at", "questionnaire": {...frozen copy...},
  "settings": {...SessionSettings...}, "state": {...SessionState...}}
- ``participants``: one document per participant
  {"code", "level", "department", "created_at", "finished_at": str|null,
  "answers": {ITEM_ID: [value|null, answered_at]}}
  (latest answer per item wins, so the table stays small: one document per person).
- ``predictions`` (optional, the prediction round): one document per predicting
  participant, under that participant's document id: {"code", "estimates": {ITEM_ID:
  0..100|null}} (``predict`` statements only; board and management only).
- ``actions`` (optional, the action plan): one document per action, under its number:
  {"id": "A3", "item"|"area", "what", "owner", "first_step", "first_step_due",
  "kpi", "review", "recorded"} (``domain.plan.Action``); refused once archived.

While a workshop runs, the participants' changes (a participant joins, answers,
finishes) are not written into that document one by one: each is one line appended
to the **answer journal** ``NAME.json.journal`` beside it and fsync'ed (format in
``coherence_tui.storage.journal``). The journal is folded into the document (a
*checkpoint*) when it reaches ``JOURNAL_CHECKPOINT`` lines, by every other write of
the document (settings, state, imports), and by ``close``, which leaves one TinyDB
file and no journal. ``format_version`` is 2 while a journal may be live beside the
file (an older coherence-tui, which knows no journal, refuses such a file instead of
overwriting answers it cannot see) and 1 for a closed file.

How the files are kept trustworthy:

- **Atomic, durable writes.** A document write serialises the tables once with
  orjson, writes ``.NAME.json.<random>.tmp`` in the same directory, fsyncs it,
  ``os.replace``-s it over the session file and fsyncs the directory. At no
  instant does the session path hold a partial file. A journal line is written
  with one ``write`` and ``fdatasync``-ed before the call returns; a line cut
  short by a crash has no newline, is never read and is cut off by the next
  writer. A failed write drops the in-memory copy and raises ``SessionError``;
  a failed fsync is never retried.
- **Checkpoints that survive kill -9.** A checkpoint writes the new document (at
  the generation the journal brought it to) first, and only then replaces the
  journal with an empty one or removes it. The journal's header names the
  generation and checksum of the document it continues; a journal whose header
  names another document was folded in already and is ignored, so a kill between
  the two steps neither loses nor counts twice.
- **Respectful of the file system.** New files (and every temporary file) are
  owner-only (0600); a rewrite keeps the owner and group bits but drops the
  others' (the journal takes the document's). A read-only session file is never
  rewritten and its journal never appended to (a rename would replace even a
  0444 file): ``check_writable`` refuses first. A session reached through a
  symbolic link is written through to its target, whose directory also holds the
  lock and the journal, so the link and the real path share them.
- **Checksummed.** The header keys are written before ``"tables"``, so a reader
  can take the exact bytes of the tables and check their CRC-32 without
  re-serialising; every journal line carries a CRC-32 chained from the line
  before. A truncated, damaged or hand-edited file or journal is refused
  (``SessionCorrupt``), one from a newer coherence-tui too (``SessionTooNew``);
  a refused file is never written to.
- **Several processes.** Every change takes a ``filelock`` lock on the sidecar
  ``NAME.json.lock`` (the data file's inode changes at every replace), catches up
  with what other processes wrote (a changed document is loaded again; of the
  journal only the lines not yet read), checks the change and writes it. Readers
  never take the lock: they see the old or the new document, and of the journal
  only complete lines. ``generation`` (the document's plus the journal's lines)
  grows by one at every change; ``changes()`` hands a follower exactly the new ones.
- **Anonymous by construction.** Participant codes are random; document ids are
  random too and the participants table is kept in document-id order, so neither
  the codes nor the layout of the file tell who arrived first. ``snapshot``
  orders everything by participant code and item. (The journal, like the
  timestamps in the file, follows the order of the workshop while it runs, for
  the facilitator's audit; it is folded away on close, and exports leave both out.)
- **Work per answer that does not grow with the session.** An answer is one
  journal line (about 0.2 ms with its fdatasync); a process following the session
  reads only the lines it has not seen. Only a checkpoint costs a whole document
  write (about 2 ms at 10,000 answers), once per ``JOURNAL_CHECKPOINT`` changes.
"""

from __future__ import annotations

import errno
import glob
import os
import re
import secrets
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from coherence_tui.domain.disclosure import check_k_change, instant
from coherence_tui.domain.text import describe_character, find_control
from coherence_tui.domain.vocabulary import (
    PREDICTING_LEVELS,
    Answer,
    Level,
    Participant,
    validate_department,
)
from coherence_tui.errors import CoherenceError
from coherence_tui.storage import journal
from coherence_tui.storage.fileio import (
    PRIVATE_FILE,
    make_private_directory,
    write_all,
    write_through_target,
)
from coherence_tui.storage.fileio import fsync_directory as _fsync_directory
from coherence_tui.storage.head import HeadInvalid, check_head
from coherence_tui.storage.head import SessionHead as SessionHead  # part of the store's API
from coherence_tui.storage.journal import SUFFIX as JOURNAL_SUFFIX
from coherence_tui.storage.paths import SUFFIX as SUFFIX  # re-exported: part of the store's API
from coherence_tui.storage.paths import resolve_session_path as resolve_session_path

if TYPE_CHECKING:
    from filelock import FileLock
    from pydantic import ValidationError

    from coherence_tui.domain.model import Questionnaire, SessionSettings, SessionState
    from coherence_tui.domain.plan import Action, ActionDraft
    from coherence_tui.domain.predictions import Prediction

FORMAT = "coherence-tui-session"
FORMAT_VERSION = 2
"""The newest format this reads and writes: a session file that may have a live journal."""
FORMAT_VERSION_CLOSED = 1
"""A session file that holds everything (no journal): what ``close`` and every full write
leave, and what any coherence-tui reads."""

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""Participant codes: no 0/O, 1/I/L, so a code read aloud or from paper survives."""
CODE_LENGTH = 6

LOCK_TIMEOUT = 10.0
"""Seconds to wait for another process's write before giving up (a write takes milliseconds)."""

SESSION_NAME_MAX = 100
SESSION_NAME_MAX_BYTES = 200
"""A name's UTF-8 bytes: with ``.NAME.json.<hex>.tmp`` around it a file name stays under the
255 bytes most file systems allow (100 letters of a non-Latin script can exceed it)."""
SESSION_NAME = re.compile(rf"^\w(?:[\w .-]{{0,{SESSION_NAME_MAX - 2}}}[\w-])?$")
"""A session name that is also a safe file name: letters (any language), digits, ``_ .-`` and
spaces inside, at most ``SESSION_NAME_MAX`` characters, no path separators."""

PARTICIPANT_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
"""Codes accepted from imports (paper forms may have their own); ours are ``CODE_LENGTH`` random."""

_SESSION_TABLE = "session"
_PARTICIPANTS_TABLE = "participants"
_PREDICTIONS_TABLE = "predictions"
_ACTIONS_TABLE = "actions"
_PREDICTION_KEYS = frozenset({"code", "estimates"})
_SESSION_DOC_ID = 1
_SESSION_KEYS = frozenset({"name", "created_at", "questionnaire", "settings", "state"})
_PARTICIPANT_KEYS = frozenset(
    {"code", "level", "department", "created_at", "finished_at", "answers"}
)
_LEVELS = {level.value: level for level in Level}
_HEADER = re.compile(
    rb'\A\{"format":"coherence-tui-session","format_version":([0-9]{1,9}),'
    rb'"generation":([0-9]{1,18}),"checksum":"crc32:([0-9a-f]{8})","tables":'
)
_DOCUMENT_KEYS = frozenset({"format", "format_version", "generation", "checksum", "tables"})
_TEMP_HEX = 12
"""Random hex digits in a temporary file's name: ``.NAME.json.<12 hex>.tmp``."""
_HEADER_PROBE = 160
"""Bytes enough to hold the header (its longest form is about 130)."""


class SessionError(CoherenceError):
    """A user-facing problem with a session; ``str()`` is one line naming the path."""


class SessionNotFound(SessionError):
    pass


class SessionCorrupt(SessionError):
    """Truncated, not JSON, bad checksum, schema-invalid: refused, left untouched."""


class SessionTooNew(SessionError):
    """Written by a newer coherence-tui (format_version above ours)."""


class SessionEnded(SessionError):
    """The facilitator ended the session: it takes no more answers."""


class SettingsRejected(SessionError):
    """A settings change the anonymity rules forbid (e.g. lowering k after answers)."""


class AnswerRejected(SessionError):
    """Unknown participant or item, or a value outside -2..2."""


class SessionArchived(SessionError):
    """The session was archived: its action plan and state are final."""


class ActionRejected(SessionError):
    """An action the plan cannot take: a missing field, an unknown statement, a late step."""


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


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One answer gathered elsewhere (paper, online form), for ``import_answers``."""

    participant: str
    level: Level
    department: str | None
    item: str
    value: int | None
    line: int | None = None
    """Where the row starts in its file (for messages naming the file and line)."""


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


def utc_now() -> str:
    """Now as ISO 8601 UTC to the second, e.g. ``2026-11-24T09:15:02Z``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_now_precise() -> str:
    """Now as ISO 8601 UTC to the microsecond: orders finishes that share a second."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- schema


@dataclass(slots=True)
class _Meta:
    """What a store needs on every change, derived once per load from disk."""

    head: SessionHead
    codes: dict[str, str]
    """participant code -> TinyDB document id (as stored: a decimal string)."""


class _Invalid(Exception):
    """A schema problem; the message says where and what, without the path."""


def _pydantic_problem(where: str, error: ValidationError) -> _Invalid:
    first = error.errors()[0]
    location = ".".join(str(part) for part in first["loc"])
    reason = first["msg"].removeprefix("Value error, ")
    return _Invalid(f"{where}{'.' + location if location else ''}: {reason}")


def _parse_head(doc: Any) -> SessionHead:
    if not isinstance(doc, dict) or set(doc) != _SESSION_KEYS:
        raise _Invalid(f"the session document must have exactly the keys {sorted(_SESSION_KEYS)}")
    name, created_at = doc["name"], doc["created_at"]
    if not isinstance(name, str) or not name:
        raise _Invalid("the session name is missing")
    if not isinstance(created_at, str):
        raise _Invalid("the session's created_at is not a timestamp")
    for field, text in (("session name", name), ("created_at", created_at)):
        found = find_control(text)
        if found is not None:
            raise _Invalid(
                f"the {field} holds the control character {describe_character(found[1])}"
            )
    try:
        return check_head(name, created_at, doc)
    except HeadInvalid as problem:
        raise _Invalid(str(problem)) from None


def _check_participant(doc_id: Any, doc: Any, item_ids: frozenset[str]) -> str:
    """The participant's code if the document is sound; ``_Invalid`` otherwise."""
    if not isinstance(doc_id, str) or not doc_id.isdigit():
        raise _Invalid(f"participant document id {doc_id!r} is not a number")
    if not isinstance(doc, dict) or set(doc) != _PARTICIPANT_KEYS:
        raise _Invalid(f"participant document {doc_id} does not have the participant keys")
    code = doc["code"]
    if not isinstance(code, str) or not PARTICIPANT_CODE.match(code):
        raise _Invalid(f"participant document {doc_id} has an invalid code {code!r}")
    who = f"participant {code!r}"
    if doc["level"] not in _LEVELS:
        raise _Invalid(f"{who} has an unknown level {doc['level']!r}")
    department = doc["department"]
    if department is not None:
        if not isinstance(department, str):
            raise _Invalid(f"{who} has an invalid department {department!r}")
        try:
            validate_department(department)
        except ValueError:
            raise _Invalid(f"{who} has an invalid department {department!r}") from None
    if not isinstance(doc["created_at"], str):
        raise _Invalid(f"{who} has no created_at timestamp")
    if doc["finished_at"] is not None and not isinstance(doc["finished_at"], str):
        raise _Invalid(f"{who} has an invalid finished_at {doc['finished_at']!r}")
    answers = doc["answers"]
    if not isinstance(answers, dict):
        raise _Invalid(f"{who} has no answers table")
    for item, entry in answers.items():
        if item not in item_ids:
            raise _Invalid(f"{who} answered {item!r}, which is not in the questionnaire")
        if type(entry) is not list or len(entry) != 2 or type(entry[1]) is not str:
            raise _Invalid(f"{who}'s answer to {item!r} is not [value, answered_at]")
        value = entry[0]
        if value is not None and (type(value) is not int or not -2 <= value <= 2):
            raise _Invalid(f"{who}'s answer to {item!r} is {value!r}, not -2..2 or null")
    return code


def _parse_tables(tables: Any) -> _Meta:
    """Check every table against the layout in the module docstring."""
    if not isinstance(tables, dict):
        raise _Invalid("'tables' is not an object")
    unknown = set(tables) - {
        _SESSION_TABLE,
        _PARTICIPANTS_TABLE,
        _PREDICTIONS_TABLE,
        _ACTIONS_TABLE,
    }
    if unknown:
        raise _Invalid(f"unknown table(s) {sorted(unknown)}")
    session = tables.get(_SESSION_TABLE)
    if not isinstance(session, dict) or len(session) != 1:
        raise _Invalid("the session table must hold exactly one document")
    ((_, head_doc),) = session.items()
    head = _parse_head(head_doc)
    participants = tables.get(_PARTICIPANTS_TABLE, {})
    if not isinstance(participants, dict):
        raise _Invalid("the participants table is not an object")
    codes: dict[str, str] = {}
    for doc_id, doc in participants.items():
        code = _check_participant(doc_id, doc, head.item_ids)
        if code in codes:
            raise _Invalid(f"participant code {code!r} appears twice")
        codes[code] = doc_id
    _check_predictions(tables.get(_PREDICTIONS_TABLE, {}), head, codes, participants)
    _parse_actions(tables.get(_ACTIONS_TABLE, {}), head)
    return _Meta(head=head, codes=codes)


def _check_predictions(
    table: Any, head: SessionHead, codes: dict[str, str], participants: dict[str, Any]
) -> None:
    """Each document: a predicting participant's own, ``predict`` statements, 0..100 or null."""
    if not isinstance(table, dict):
        raise _Invalid("the predictions table is not an object")
    if not table:
        return
    from coherence_tui.domain.predictions import check_prediction

    predict = {item.id for item in head.predict_items}
    allowed = {level.value for level in PREDICTING_LEVELS}
    for doc_id, doc in table.items():
        if not isinstance(doc, dict) or set(doc) != _PREDICTION_KEYS:
            raise _Invalid(f"prediction document {doc_id!r} does not have the prediction keys")
        code = doc["code"]
        if not isinstance(code, str) or codes.get(code) != doc_id:
            raise _Invalid(f"prediction document {doc_id!r} is not a participant's own")
        if participants[doc_id]["level"] not in allowed:
            raise _Invalid(f"participant {code!r} is not board or management but has estimates")
        estimates = doc["estimates"]
        if not isinstance(estimates, dict):
            raise _Invalid(f"participant {code!r} has no estimates table")
        for item, value in estimates.items():
            if item not in predict:
                raise _Invalid(f"participant {code!r} estimated {item!r}, not a predict statement")
            try:
                check_prediction(value)
            except ValueError as error:
                raise _Invalid(f"participant {code!r}'s estimate of {item!r}: {error}") from None


def _parse_actions(table: Any, head: SessionHead) -> list[Action]:
    """The action plan's documents as ``Action`` models, in number order."""
    if not isinstance(table, dict):
        raise _Invalid("the actions table is not an object")
    if not table:
        return []
    from pydantic import ValidationError

    from coherence_tui.domain.plan import Action, checked_action
    from coherence_tui.domain.plan import problem as _action_problem

    actions: list[Action] = []
    for doc_id, doc in table.items():
        try:
            action = Action.model_validate(doc)
        except ValidationError as error:
            raise _Invalid(f"action document {doc_id!r}: {_action_problem(error)}") from None
        if action.id != f"A{doc_id}":
            raise _Invalid(f"action document {doc_id!r} holds action {action.id!r}")
        try:
            checked_action(action, head.questionnaire, action.recorded)
        except ValueError as error:
            raise _Invalid(f"action {action.id}: {error}") from None
        actions.append(action)
    actions.sort(key=lambda a: int(a.id[1:]))
    return actions


# --------------------------------------------------------------------------- storage

StatKey = tuple[int, int, int, int, int]

JOURNAL_CHECKPOINT = 4096
"""Journal lines after which the next writer folds them into the session file first
(the journal stays short, so opening a session replays it in milliseconds)."""
_PENDING_LIMIT = 100_000
"""Changes kept for ``SessionStore.changes`` before we say "reload" instead (nobody asked)."""

Change = Participant | Answer
"""One change, as ``SessionStore.changes`` reports it: a participant who joined or
finished (their latest form), or an answer."""


def _stat_key(st: os.stat_result) -> StatKey:
    """What changes whenever the session file is replaced (a new inode) or rewritten."""
    return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_ctime_ns, st.st_size)


@dataclass(slots=True)
class _Follow:
    """How far we have read the journal file with this inode."""

    dev: int
    ino: int
    live: bool | None = None
    """True: its header names our session file; False: stale (folded already); None: unread."""
    offset: int = 0
    """Bytes of complete lines read and applied."""
    crc: int = 0
    """The chained CRC after them."""
    entries: int = 0
    """Change lines applied (the header not counted)."""
    read_crc: int = 0
    """CRC-32 of the ``offset`` bytes read: they must never change under us."""
    mtime: int = -1
    """The journal's mtime when we had read all of it (an append or an edit changes it)."""


class _Outdated(Exception):
    """The journal continues a newer session file than the one we hold: load that first."""


class DurableStorage(Storage):
    """A TinyDB storage that never leaves a partial file and never reads a bad one as empty.

    It holds the session file's tables plus the changes of its journal (see the module
    docstring). ``read()`` and ``sync()`` re-read the session file whenever its stat key
    changed and then read the journal's new lines only; they raise ``SessionNotFound``,
    ``SessionCorrupt`` or ``SessionTooNew`` and never return ``None``, which TinyDB
    would take for an empty database and overwrite. ``write()``, ``append()`` and
    ``checkpoint()`` are atomic and durable and may only run while the owner holds the
    session lock (``writable``), after ``sync(writer=True)``.
    """

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = Path(path)
        self.journal_path = write_through_target(self.path).with_name(
            write_through_target(self.path).name + JOURNAL_SUFFIX
        )
        self.writable = False
        self.meta: _Meta | None = None
        """The parsed view of the cached tables; owners keep it in step with their writes."""
        self.version = 0
        """Grows whenever the cached tables change (a load, a journal line, a write)."""
        self.wrote = False
        """This storage wrote the session file or its journal: ``close`` folds the journal."""
        self.pending: list[Change] = []
        """Changes applied since ``drain`` last handed them out."""
        self.reloaded = False
        """The session file was (re)loaded since ``drain``: anything may have changed."""
        self._tables: dict[str, dict[str, Any]] | None = None
        self._key: StatKey | None = None
        self._format_version = FORMAT_VERSION_CLOSED
        self._generation = 0
        self._checksum = 0
        self._mode: int | None = None
        self._follow: _Follow | None = None

    @property
    def generation(self) -> int:
        """Writes so far: the session file's generation plus the journal's changes."""
        follow = self._follow
        return self._generation + (follow.entries if follow is not None and follow.live else 0)

    @property
    def journal_entries(self) -> int:
        """Changes in the live journal (0 when none is live)."""
        follow = self._follow
        return follow.entries if follow is not None and follow.live else 0

    @property
    def mode(self) -> int | None:
        """The file's permission bits as last read or written (``None`` before a read)."""
        return self._mode

    def forget(self) -> None:
        """Drop the cached tables: the next read loads the file (and journal) again."""
        self._tables = None
        self._key = None
        self.meta = None
        self._follow = None

    def drain(self) -> tuple[bool, list[Change]]:
        """``(reloaded, changes)`` since the last call; then both are cleared."""
        reloaded, pending = self.reloaded, self.pending
        self.reloaded, self.pending = False, []
        return reloaded, ([] if reloaded else pending)

    def _error(self, cls: type[SessionError], reason: str) -> SessionError:
        return cls(f"{self.path}: {_one_line(reason)}")

    def _stat(self) -> os.stat_result:
        try:
            return os.stat(self.path)
        except FileNotFoundError:
            self.forget()
            raise self._error(SessionNotFound, "no such session file") from None
        except OSError as error:
            self.forget()
            raise self._error(SessionError, f"cannot read: {error.strerror}") from None

    def read(self) -> dict[str, dict[str, Any]]:
        self.sync()
        assert self._tables is not None
        return self._tables

    def stale(self) -> bool:
        """Cheap (two ``stat`` calls): has anything been written since our last read?"""
        try:
            key = _stat_key(os.stat(self.path))
        except OSError:
            return True
        if key != self._key:
            return True
        follow = self._follow
        try:
            st = os.stat(self.journal_path)
        except FileNotFoundError:
            return follow is not None and follow.live is not False
        except OSError:
            return True
        if follow is None:
            return self._format_version >= FORMAT_VERSION
        return (st.st_dev, st.st_ino) != (follow.dev, follow.ino) or (
            follow.live is not False and st.st_size != follow.offset
        )

    def sync(self, *, writer: bool = False) -> None:
        """Bring the cache up to the disk: the session file if it was replaced, then the
        journal's new lines (``writer``, under the lock: also cut a dead writer's torn line)."""
        for _attempt in range(3):
            st = self._stat()
            key = _stat_key(st)
            if self._tables is None or key != self._key:
                if not self._same_tables(st):
                    self._load()
            elif writer and not self._header_matches():
                self._load()  # replaced by a file with our inode, size and time: never trust it
            try:
                self._follow_journal(writer=writer)
                return
            except _Outdated:
                self._key = None  # the session file is newer than ours: load it again
        # A journal newer than any session file beside it (a restored backup): ignore it.
        if self._follow is not None:
            self._follow.live = False

    def _same_tables(self, st: os.stat_result) -> bool:
        """A new file holding our very tables (it only opened or closed the journal, or its
        mode changed): adopt it after checking its checksum, without parsing it again."""
        if self._tables is None:
            return False
        try:
            with open(self.path, "rb") as handle:
                raw = handle.read()
        except OSError:
            return False
        match = _HEADER.match(raw)
        if match is None or (int(match[2]), int(match[3], 16)) != (
            self._generation,
            self._checksum,
        ):
            return False
        version = int(match[1])
        end = len(raw.rstrip()) - 1
        if (
            not 1 <= version <= FORMAT_VERSION
            or raw[end : end + 1] != b"}"
            or zlib.crc32(raw[match.end() : end]) != self._checksum
        ):
            return False  # let _load say what is wrong with it
        self._key, self._format_version = _stat_key(st), version
        self._mode = st.st_mode & 0o777
        if version < FORMAT_VERSION:
            self._follow = None
        return True

    def _header_probe(self) -> tuple[int, int, int] | None:
        """(format version, generation, checksum) from the file's first bytes, if they parse."""
        try:
            with open(self.path, "rb") as handle:
                probe = handle.read(_HEADER_PROBE)
        except OSError:
            return None
        match = _HEADER.match(probe)
        if match is None:
            return None
        return int(match[1]), int(match[2]), int(match[3], 16)

    def _header_matches(self) -> bool:
        probe = self._header_probe()
        return (
            probe is not None
            and (probe[1], probe[2]) == (self._generation, self._checksum)
            and probe[0] == self._format_version
        )

    def _load(self) -> dict[str, dict[str, Any]]:
        self.forget()
        try:
            with open(self.path, "rb") as handle:
                st = os.fstat(handle.fileno())
                key = _stat_key(st)
                raw = handle.read()
        except FileNotFoundError:
            raise self._error(SessionNotFound, "no such session file") from None
        except IsADirectoryError:
            raise self._error(SessionError, "is a directory, not a session file") from None
        except OSError as error:
            raise self._error(SessionError, f"cannot read: {error.strerror}") from None
        version, generation, checksum, tables, meta = self._verify(raw)
        self._tables, self._key, self._format_version = tables, key, version
        self._generation, self._checksum, self.meta = generation, checksum, meta
        self._mode = st.st_mode & 0o777
        self.version += 1
        self.reloaded, self.pending = True, []
        return tables

    def _verify(self, raw: bytes) -> tuple[int, int, int, dict[str, dict[str, Any]], _Meta]:
        corrupt = SessionCorrupt
        if not raw.strip():
            raise self._error(corrupt, "the file is empty (an interrupted copy?); refused")
        try:
            document = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            raise self._error(
                corrupt, f"not valid JSON, the file is truncated or damaged ({error}); refused"
            ) from None
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise self._error(corrupt, "not a coherence-tui session file; refused")
        version = document.get("format_version")
        if type(version) is not int or version < 1:
            raise self._error(corrupt, f"unknown format_version {version!r}; refused")
        if version > FORMAT_VERSION:
            raise self._error(
                SessionTooNew,
                f"written by a newer coherence-tui (format version {version}, this one reads "
                f"up to {FORMAT_VERSION}); upgrade coherence-tui to open it",
            )
        match = _HEADER.match(raw)
        end = len(raw.rstrip()) - 1
        if match is None or raw[end : end + 1] != b"}" or set(document) != _DOCUMENT_KEYS:
            raise self._error(
                corrupt,
                "the header was rewritten outside coherence-tui, so its checksum cannot be "
                "verified; refused",
            )
        generation, checksum = int(match[2]), int(match[3], 16)
        if zlib.crc32(raw[match.end() : end]) != checksum:
            raise self._error(
                corrupt,
                "checksum mismatch: the file was edited outside coherence-tui or is damaged; "
                "refused",
            )
        tables = document["tables"]
        try:
            meta = _parse_tables(tables)
        except _Invalid as problem:
            raise self._error(corrupt, f"invalid session data: {problem}; refused") from None
        return version, generation, checksum, tables, meta

    # ------------------------------------------------------------------ the journal

    def _journal_error(self, reason: str) -> SessionError:
        return self._error(
            SessionCorrupt, f"its answer journal {self.journal_path.name}: {reason}; refused"
        )

    def _follow_journal(self, *, writer: bool) -> None:
        """Apply the journal's lines that we have not applied yet (see the module docstring).

        Lines already read are not parsed again; a writer (and a reader that finds the
        journal rewritten in place) checks that their bytes are still the ones it read, so
        nobody appends to, or folds, a journal damaged under it.
        """
        if self._format_version < FORMAT_VERSION:
            self._follow = None  # a closed session file: any journal beside it is folded in
            return
        try:
            st = os.stat(self.journal_path)
        except FileNotFoundError:
            if self._follow is not None and self._follow.entries:
                raise _Outdated from None  # folded and removed since we read it
            self._follow = None
            return
        except OSError as error:
            raise self._error(SessionError, f"cannot read its journal: {error.strerror}") from None
        follow = self._follow
        if follow is None or (follow.dev, follow.ino) != (st.st_dev, st.st_ino):
            if follow is not None and follow.entries:
                raise _Outdated  # a new journal: the old one was folded into a newer file
            follow = self._follow = _Follow(st.st_dev, st.st_ino)
        if follow.live is False:
            return
        unchanged = st.st_size == follow.offset and st.st_mtime_ns == follow.mtime
        if unchanged and not writer:
            return
        if st.st_size < follow.offset:
            self.forget()
            raise self._journal_error(
                "it changed since it was read: it is shorter (cut outside coherence-tui)"
            )
        check_prefix = follow.offset > 0 and (writer or st.st_size == follow.offset)
        try:
            with open(self.journal_path, "rb") as handle:
                if os.fstat(handle.fileno()).st_ino != follow.ino:
                    raise _Outdated  # replaced between the stat and the open
                if not check_prefix:
                    handle.seek(follow.offset)
                raw = handle.read()
        except OSError as error:
            raise self._error(SessionError, f"cannot read its journal: {error.strerror}") from None
        if check_prefix:
            if zlib.crc32(raw[: follow.offset]) != follow.read_crc:
                self.forget()
                raise self._journal_error(
                    "lines already read have changed (edited outside coherence-tui or damaged)"
                )
            raw = raw[follow.offset :]
        first_line = follow.entries + (1 if follow.offset == 0 else 2)
        try:
            lines = journal.split(raw, follow.crc, first_line)
        except journal.JournalDamaged as problem:
            self.forget()
            raise self._journal_error(str(problem)) from None
        start = 0
        for value, end in zip(lines.values, lines.ends, strict=True):
            if follow.offset == 0:
                try:
                    head = journal.parse_header(value)
                except journal.JournalDamaged as problem:
                    self.forget()
                    raise self._journal_error(str(problem)) from None
                if (head.generation, head.checksum) != (self._generation, self._checksum):
                    if head.generation > self._generation:
                        raise _Outdated
                    follow.live = False  # folded into the session file already
                    return
                follow.live = True
            else:
                try:
                    self._apply(value)
                except _Invalid as problem:
                    self.forget()
                    raise self._journal_error(f"line {follow.entries + 2}: {problem}") from None
                follow.entries += 1
            follow.offset += end - start
            follow.read_crc = zlib.crc32(raw[start:end], follow.read_crc)
            start = end
        follow.crc = lines.crc
        follow.mtime = st.st_mtime_ns if start == len(raw) else -1
        if writer and start < len(raw):
            self._cut_torn_line(follow.offset)

    def _cut_torn_line(self, offset: int) -> None:
        """Under the lock: remove the unfinished last line of a writer that died mid-append
        (it was never acknowledged), so the next line starts on a line of its own."""
        try:
            fd = os.open(self.journal_path, os.O_WRONLY | os.O_CLOEXEC)
            try:
                os.ftruncate(fd, offset)
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as error:
            raise self._error(
                SessionError, f"cannot repair its journal ({error.strerror}); nothing was changed"
            ) from None

    def _apply(self, entry: Any) -> Change:
        """Check one journal change against the session and apply it to the cached tables."""
        assert self._tables is not None and self.meta is not None
        meta = self.meta
        participants = self._tables.setdefault(_PARTICIPANTS_TABLE, {})
        if not isinstance(entry, list) or not entry or not isinstance(entry[0], str):
            raise _Invalid("not a change")
        kind = entry[0]
        if kind == "participant" and len(entry) == 6:
            _, doc_id, code, level, department, created_at = entry
            if type(doc_id) is not int or not 1 <= doc_id < 2**31 or str(doc_id) in participants:
                raise _Invalid(f"participant document id {doc_id!r} is invalid or taken")
            doc = {
                "code": code,
                "level": level,
                "department": department,
                "created_at": created_at,
                "finished_at": None,
                "answers": {},
            }
            code = _check_participant(str(doc_id), doc, meta.head.item_ids)
            if code in meta.codes:
                raise _Invalid(f"participant code {code!r} appears twice")
            participants[str(doc_id)] = doc
            meta.codes[code] = str(doc_id)
            change: Change = Participant(code, _LEVELS[level], department)
        elif kind == "answer" and len(entry) == 5:
            _, code, item, value, answered_at = entry
            doc = self._participant_doc(participants, meta, code)
            if item not in meta.head.item_ids:
                raise _Invalid(f"an answer to {item!r}, which is not in the questionnaire")
            if value is not None and (type(value) is not int or not -2 <= value <= 2):
                raise _Invalid(f"an answer of {value!r}, not -2..2 or null")
            if type(answered_at) is not str:
                raise _Invalid("an answer without its time")
            doc["answers"][item] = [value, answered_at]
            change = Answer(code, item, value, answered_at)
        elif kind == "finish" and len(entry) == 3:
            _, code, finished_at = entry
            doc = self._participant_doc(participants, meta, code)
            if type(finished_at) is not str:
                raise _Invalid("a finish without its time")
            doc["finished_at"] = finished_at
            change = Participant(code, _LEVELS[doc["level"]], doc["department"], True, finished_at)
        else:
            raise _Invalid(f"an unknown change {kind!r}")
        self.version += 1
        pending = self.pending
        if len(pending) < _PENDING_LIMIT:
            pending.append(change)
        else:
            self.reloaded, self.pending = True, []
        return change

    @staticmethod
    def _participant_doc(participants: dict[str, Any], meta: _Meta, code: Any) -> dict[str, Any]:
        doc_id = meta.codes.get(code) if isinstance(code, str) else None
        if doc_id is None:
            raise _Invalid(f"a change for the unknown participant {code!r}")
        doc: dict[str, Any] = participants[doc_id]
        return doc

    def append(self, entry: list[Any]) -> Change:
        """Write one change to the journal, durably; under the lock, after ``sync(writer=True)``.

        Opens a journal first if none is live, and folds a long one into the session file.
        """
        if not self.writable:
            raise RuntimeError("DurableStorage.append outside the session lock")
        assert self._tables is not None
        follow = self._follow
        if follow is None or not follow.live:
            self._open_journal()
        elif follow.entries >= JOURNAL_CHECKPOINT:
            self.checkpoint(keep_journal=True)
        follow = self._follow
        assert follow is not None and follow.live
        line, crc = journal.encode(entry, follow.crc)
        outcome = "nothing was recorded"  # a torn line is never read, and cut by the next writer
        try:
            fd = os.open(self.journal_path, os.O_WRONLY | os.O_APPEND | os.O_CLOEXEC)
            try:
                write_all(fd, line)
                outcome = "the change is written but may not survive a power cut"
                os.fdatasync(fd)
            finally:
                os.close(fd)
        except OSError as error:
            self.forget()  # read the journal afresh: it holds the line whole, in part or not
            raise self._error(
                SessionError, f"could not save ({error.strerror or error}); {outcome}"
            ) from error
        self.wrote = True
        try:
            change = self._apply(entry)
        except _Invalid as problem:  # pragma: no cover - callers check before they append
            self.forget()
            raise self._error(SessionError, f"an invalid change was written: {problem}") from None
        follow.offset += len(line)
        follow.crc = crc
        follow.read_crc = zlib.crc32(line, follow.read_crc)
        follow.mtime = -1  # our append changed it: the next sync reads the stat again
        follow.entries += 1
        return change

    def _open_journal(self) -> None:
        """Start a journal continuing the session file; mark the file as journalled first."""
        assert self._tables is not None
        if self._format_version < FORMAT_VERSION:
            # The same tables and generation; the version tells an older coherence-tui
            # (which knows no journal) to keep its hands off while answers live beside it.
            self._commit(self._tables, self._generation, version=FORMAT_VERSION)
        line, crc = journal.encode(journal.header(self._generation, self._checksum), 0)
        target = self.journal_path
        # Named like the session file's temporary files, so the same sweep removes a leftover.
        session_name = write_through_target(self.path).name
        temp = target.parent / f".{session_name}.{secrets.token_hex(_TEMP_HEX // 2)}.tmp"
        mode = PRIVATE_FILE if self._mode is None else self._mode & 0o770 | PRIVATE_FILE
        fd: int | None = None
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, PRIVATE_FILE)
            if hasattr(os, "fchmod"):
                os.fchmod(fd, mode)
            write_all(fd, line)
            os.fsync(fd)
            os.replace(temp, target)
            st = os.fstat(fd)
            os.close(fd)
            fd = None
            _fsync_directory(target.parent)
        except OSError as error:
            self.forget()
            if fd is not None:
                os.close(fd)
            try:
                os.unlink(temp)
            except OSError:
                pass
            raise self._error(
                SessionError,
                f"could not start its journal ({error.strerror or error}); nothing was recorded",
            ) from error
        self._follow = _Follow(
            st.st_dev, st.st_ino, live=True, offset=len(line), crc=crc, read_crc=zlib.crc32(line)
        )
        self.wrote = True

    def checkpoint(self, *, keep_journal: bool) -> None:
        """Fold the journal into the session file (under the lock, after ``sync(writer=True)``).

        The session file is written first, at the generation the journal brought it to;
        only then is the journal replaced by an empty one (``keep_journal``) or removed.
        Killed in between, the old journal names an older file and is ignored: nothing is
        lost and nothing counted twice.
        """
        if not self.writable:
            raise RuntimeError("DurableStorage.checkpoint outside the session lock")
        assert self._tables is not None
        entries = self.journal_entries
        version = FORMAT_VERSION if keep_journal else FORMAT_VERSION_CLOSED
        if entries == 0 and self._format_version == version:
            if not keep_journal:
                self._remove_journal()
            return
        self._commit(self._tables, self._generation + entries, version=version)
        if keep_journal:
            self._open_journal()
        else:
            self._remove_journal()

    def _remove_journal(self) -> None:
        self._follow = None
        try:
            os.unlink(self.journal_path)
        except FileNotFoundError:
            pass
        except OSError:
            pass  # a stale journal names an older session file: readers ignore it

    # ------------------------------------------------------------------ the session file

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        """TinyDB's write (imports, settings, state): one new session file, journal folded in."""
        if not self.writable:
            raise RuntimeError("DurableStorage.write outside the session lock")
        self._commit(data, self.generation + 1, version=FORMAT_VERSION_CLOSED)
        self._remove_journal()

    def create(self, tables: dict[str, dict[str, Any]]) -> None:
        """Write generation 1 of a new file; ``SessionError`` if the path exists."""
        self._commit(tables, 1, exclusive=True, version=FORMAT_VERSION_CLOSED)

    def _encode(
        self, tables: dict[str, dict[str, Any]], generation: int, version: int
    ) -> tuple[bytes, int]:
        people = tables.get(_PARTICIPANTS_TABLE)
        if people:
            # Document-id order (random ids), never the order people arrived in.
            tables[_PARTICIPANTS_TABLE] = dict(sorted(people.items(), key=_by_doc_id))
        body = orjson.dumps(tables)
        checksum = zlib.crc32(body)
        header = (
            b'{"format":"%s","format_version":%d,"generation":%d,"checksum":"crc32:%08x","tables":'
            % (FORMAT.encode(), version, generation, checksum)
        )
        return b"".join((header, body, b"}\n")), checksum

    def _commit(
        self,
        tables: dict[str, dict[str, Any]],
        generation: int,
        *,
        version: int,
        exclusive: bool = False,
    ) -> None:
        try:
            payload, checksum = self._encode(tables, generation, version)
        except (TypeError, orjson.JSONEncodeError) as error:
            self.forget()
            raise self._error(SessionError, f"cannot save: {error}") from None
        # Through a symlink, the file it points to is replaced and the link kept.
        target = self.path if exclusive else write_through_target(self.path)
        directory = target.parent
        temp = directory / f".{target.name}.{secrets.token_hex(_TEMP_HEX // 2)}.tmp"
        # Owner-only when new; an existing file keeps its owner and group bits (a
        # facilitator may share it with a group) but never stays readable by others.
        mode = PRIVATE_FILE if self._mode is None or exclusive else self._mode & 0o770
        fd: int | None = None
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, PRIVATE_FILE)
            if hasattr(os, "fchmod"):
                os.fchmod(fd, mode)
            write_all(fd, payload)
            os.fsync(fd)
            if exclusive:
                self._link_new(temp)
            else:
                os.replace(temp, target)
            # After the rename: a rename changes the inode's ctime, part of the stat key.
            key = _stat_key(os.fstat(fd))
            os.close(fd)
            fd = None
        except BaseException as error:
            self.forget()
            if fd is not None:
                os.close(fd)
            try:
                os.unlink(temp)
            except OSError:
                pass
            if isinstance(error, SessionError):
                raise
            if isinstance(error, OSError):
                outcome = (
                    "nothing was created"
                    if exclusive
                    else "the previous version of the file is intact"
                )
                raise self._error(
                    SessionError, f"could not save ({error.strerror or error}); {outcome}"
                ) from error
            raise
        try:
            _fsync_directory(directory)
        except OSError as error:
            self.forget()
            raise self._error(
                SessionError,
                f"saved, but the directory could not be synced ({error.strerror}); the last "
                "change may not survive a power cut",
            ) from error
        self._tables, self._key = tables, key
        self._generation, self._checksum = generation, checksum
        self._mode, self._format_version = mode, version
        self._follow = None  # any journal beside the file is folded into it now
        self.version += 1
        if not exclusive:
            self.wrote = True

    def _link_new(self, temp: Path) -> None:
        """Give the new file its name only if nothing has that name yet."""
        exists = self._error(SessionError, "a session file with this name already exists")
        try:
            os.link(temp, self.path)
        except FileExistsError:
            raise exists from None
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                raise
            # A file system without hard links: we hold the lock, so check then rename.
            if self.path.exists():
                raise exists from None
            os.replace(temp, self.path)
            return
        try:
            os.unlink(temp)
        except OSError:
            pass  # a leftover temporary file; the next writer sweeps it


# --------------------------------------------------------------------------- store


class SessionStore:
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
        if not rows:
            return 0

        def reject(number: int, row: ImportRow, reason: str) -> AnswerRejected:
            if source is not None and row.line is not None:
                return AnswerRejected(
                    f"{source}:{row.line}: {_one_line(reason)}; nothing was imported"
                )
            return self._reject(f"import row {number}: {reason}")

        with self._writing() as meta:
            people: dict[str, tuple[Level, str | None]] = {}
            planned: dict[str, dict[str, int | None]] = {}
            participants = self._storage.read().get(_PARTICIPANTS_TABLE, {})
            for number, row in enumerate(rows, 1):
                code = row.participant
                if not isinstance(code, str) or not PARTICIPANT_CODE.match(code):
                    raise reject(number, row, f"invalid participant code {code!r}")
                if row.level not in _LEVELS:
                    raise reject(number, row, f"unknown level {row.level!r}")
                level = _LEVELS[row.level]
                try:
                    department = self._department(meta, row.department or None)
                except AnswerRejected as error:
                    reason = str(error).removeprefix(f"{self.path}: ")
                    raise reject(number, row, reason) from None
                if row.item not in meta.head.item_ids:
                    raise reject(number, row, f"unknown item {row.item!r}")
                if not self._valid_value(row.value):
                    raise reject(number, row, f"answer {row.value!r} is not -2..2 or empty")
                if code in meta.codes:
                    if not merge:
                        raise reject(
                            number,
                            row,
                            f"participant {code!r} is already in this session (an earlier "
                            "import or a kiosk); --merge adds these answers to theirs",
                        )
                    doc = participants[meta.codes[code]]
                    known = (_LEVELS[doc["level"]], doc["department"])
                else:
                    known = people.setdefault(code, (level, department))
                if known != (level, department):
                    raise reject(
                        number,
                        row,
                        f"participant {code!r} is {known[0].value}"
                        f"{' / ' + known[1] if known[1] else ''} but this row says {level.value}"
                        f"{' / ' + department if department else ''}",
                    )
                planned.setdefault(code, {})[row.item] = row.value
            now = utc_now()
            new_ids: dict[str, int] = {}
            taken: set[int] = set()
            for code in people:
                doc_id = self._new_doc_id()
                while doc_id in taken:
                    doc_id = self._new_doc_id()
                new_ids[code] = doc_id
                taken.add(doc_id)

            def apply(table: dict[int, dict[str, Any]]) -> None:
                for code, answers in planned.items():
                    if code in new_ids:
                        level, department = people[code]
                        table[new_ids[code]] = {
                            "code": code,
                            "level": level.value,
                            "department": department,
                            "created_at": now,
                            "finished_at": now,
                            "answers": {},
                        }
                        doc = table[new_ids[code]]
                    else:
                        doc = table[int(meta.codes[code])]
                    for item, value in answers.items():
                        doc["answers"][item] = [value, now]
                _order_by_id(table)

            # One read-modify-write of the table, so the whole import is one durable write.
            self._participants._update_table(apply)  # type: ignore[arg-type]
            for code, doc_id in new_ids.items():
                meta.codes[code] = str(doc_id)
        return sum(len(answers) for answers in planned.values())

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

    # ------------------------------------------------------------------ after the reveal

    def archive(self) -> None:
        """Archive an ended session: from now on its action plan and state are final.

        Idempotent; ``SessionError`` if the session has not ended. Durable on return.
        """

        def prepare(meta: _Meta) -> SessionState:
            state = meta.head.state
            if not state.ended:
                raise SessionError(f"{self.path}: end the session before archiving it")
            return state.model_copy(update={"archived": True})

        self._update_head("state", prepare)

    def _check_plan_open(self, meta: _Meta) -> None:
        if meta.head.state.archived:
            raise SessionArchived(
                f"{self.path}: the session is archived; its action plan can no longer change"
            )

    def record_prediction(self, participant: str, item: str, value: int | None) -> Prediction:
        """Record (or overwrite) one estimate of the prediction round; durable on return.

        Refused (``AnswerRejected``) unless the session runs a prediction round, the item is
        one of its ``predict`` statements, the participant is board or management and the
        value is 0..100 or ``None`` (no estimate); ``SessionEnded`` once ended.
        """
        from coherence_tui.domain.predictions import Prediction, check_prediction

        try:
            value = check_prediction(value)
        except ValueError as error:
            raise self._reject(str(error)) from None
        with self._writing() as meta:
            self._check_open(meta)
            head = meta.head
            if not head.settings.prediction_round:
                raise self._reject("this session has no prediction round")
            if item not in {i.id for i in head.questionnaire.items if i.predict}:
                raise self._reject(f"{item!r} is not a statement of the prediction round")
            doc_id = str(self._participant_id(meta, participant))
            level = self._storage.read()[_PARTICIPANTS_TABLE][doc_id]["level"]
            if level not in {lv.value for lv in PREDICTING_LEVELS}:
                raise self._reject(
                    f"participant {participant!r} is {level}: only board and management estimate"
                )

            def put(table: dict[int, dict[str, Any]]) -> None:
                doc = table.setdefault(int(doc_id), {"code": participant, "estimates": {}})
                doc["estimates"][item] = value
                _order_by_id(table)

            self._db.table(_PREDICTIONS_TABLE, cache_size=0)._update_table(put)  # type: ignore[arg-type]
        return Prediction(participant, item, value)

    def _plan_change(
        self, change: Callable[[_Meta, dict[int, dict[str, Any]]], Action | None]
    ) -> Action | None:
        """One durable write of the actions table, refused once the session is archived."""
        result: list[Action | None] = [None]
        with self._writing() as meta:
            self._check_plan_open(meta)

            def apply(table: dict[int, dict[str, Any]]) -> None:
                result[0] = change(meta, table)
                ordered = sorted(table.items())
                table.clear()
                table.update(ordered)

            self._db.table(_ACTIONS_TABLE, cache_size=0)._update_table(apply)  # type: ignore[arg-type]
        return result[0]

    def _checked_draft(self, draft: ActionDraft, meta: _Meta, recorded: Any) -> ActionDraft:
        from pydantic import ValidationError

        from coherence_tui.domain.plan import ActionDraft, checked_action
        from coherence_tui.domain.plan import problem as _action_problem

        try:
            fresh = ActionDraft.model_validate(draft.model_dump())
            checked_action(fresh, meta.head.questionnaire, recorded)
        except ValidationError as error:
            raise ActionRejected(f"{self.path}: {_action_problem(error)}") from None
        except ValueError as error:
            raise ActionRejected(f"{self.path}: {_one_line(str(error))}") from None
        return fresh

    def add_action(self, draft: ActionDraft) -> Action:
        """Add an action numbered after the highest so far, recorded today (UTC); durable."""

        from coherence_tui.domain.plan import Action, next_action_id

        def add(meta: _Meta, table: dict[int, dict[str, Any]]) -> Action:
            today = datetime.now(UTC).date()
            fresh = self._checked_draft(draft, meta, today)
            action_id = next_action_id({f"A{doc_id}" for doc_id in table})
            action = Action(**fresh.model_dump(), id=action_id, recorded=today)
            table[int(action_id[1:])] = action.model_dump(mode="json")
            return action

        action = self._plan_change(add)
        assert action is not None
        return action

    def update_action(self, action_id: str, draft: ActionDraft) -> Action:
        """Replace an action's fields (its number and recording day stay); durable."""

        from coherence_tui.domain.plan import Action

        def update(meta: _Meta, table: dict[int, dict[str, Any]]) -> Action:
            known = self._known_action(table, action_id)
            fresh = self._checked_draft(draft, meta, known.recorded)
            action = Action(**fresh.model_dump(), id=known.id, recorded=known.recorded)
            table[int(known.id[1:])] = action.model_dump(mode="json")
            return action

        action = self._plan_change(update)
        assert action is not None
        return action

    def remove_action(self, action_id: str) -> None:
        """Take an action off the plan; durable."""

        def remove(meta: _Meta, table: dict[int, dict[str, Any]]) -> None:
            known = self._known_action(table, action_id)
            del table[int(known.id[1:])]

        self._plan_change(remove)

    def _known_action(self, table: dict[int, dict[str, Any]], action_id: str) -> Action:
        from coherence_tui.domain.plan import Action

        number = action_id[1:] if action_id.startswith("A") else ""
        doc = table.get(int(number)) if number.isdigit() else None
        if doc is None:
            raise ActionRejected(f"{self.path}: no action {action_id!r} in the plan")
        return Action.model_validate(doc)

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
    from coherence_tui.domain.predictions import Prediction

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


def _by_doc_id(entry: tuple[str, Any]) -> int:
    return int(entry[0])


def _by_code(doc: dict[str, Any]) -> str:
    code: str = doc["code"]
    return code


def _order_by_id(table: dict[int, dict[str, Any]]) -> None:
    """Put a table in document-id order (random ids: not the order of arrival)."""
    ordered = sorted(table.items())
    table.clear()
    table.update(ordered)


class _Given:
    """Hands TinyDB an already built storage (TinyDB wants a class to instantiate)."""

    def __init__(self, storage: DurableStorage) -> None:
        self._storage = storage

    def __call__(self) -> DurableStorage:
        return self._storage


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
