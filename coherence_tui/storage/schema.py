"""The session file's layout and the checks every read and every change go through.

The names, the limits, the errors a store raises, and the checks of the tables
(``parse_tables``): a session file holds only what coherence-tui writes, and anything
else is refused (``SessionCorrupt``) before a byte is written. See the package
docstring (``coherence_tui.storage``) for the file format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from coherence_tui.domain.text import describe_character, find_control
from coherence_tui.domain.vocabulary import (
    PREDICTING_LEVELS,
    Level,
    validate_department,
)
from coherence_tui.errors import CoherenceError
from coherence_tui.storage.head import HeadInvalid, SessionHead, check_head

if TYPE_CHECKING:
    from pydantic import ValidationError

    from coherence_tui.domain.plan import Action

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


def utc_now() -> str:
    """Now as ISO 8601 UTC to the second, e.g. ``2026-11-24T09:15:02Z``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_now_precise() -> str:
    """Now as ISO 8601 UTC to the microsecond: orders finishes that share a second."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _one_line(text: str) -> str:
    return " ".join(text.split())


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
    from coherence_tui.domain.vocabulary import check_prediction

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


def _by_doc_id(entry: tuple[str, Any]) -> int:
    return int(entry[0])


def _order_by_id(table: dict[int, dict[str, Any]]) -> None:
    """Put a table in document-id order (random ids: not the order of arrival)."""
    ordered = sorted(table.items())
    table.clear()
    table.update(ordered)
