"""Answers gathered elsewhere (paper, an online form) brought into a session at once.

``SessionStore.import_answers`` calls ``import_rows``: every row is checked against the
session under its lock, and then all of them are written in one durable write, or none.
The rows themselves are read from CSV by ``answerfile``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coherence_tui.domain.vocabulary import Level
from coherence_tui.storage.schema import (
    _LEVELS,
    _PARTICIPANTS_TABLE,
    PARTICIPANT_CODE,
    AnswerRejected,
    _one_line,
    _order_by_id,
)

if TYPE_CHECKING:
    from coherence_tui.storage.writes import SessionWrites


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


def import_rows(
    store: SessionWrites,
    rows: Sequence[ImportRow],
    *,
    merge: bool,
    source: Path | None,
    clock: Callable[[], str],
) -> int:
    """``SessionStore.import_answers`` (see there); ``clock`` stamps the new answers."""
    if not rows:
        return 0

    def reject(number: int, row: ImportRow, reason: str) -> AnswerRejected:
        if source is not None and row.line is not None:
            return AnswerRejected(f"{source}:{row.line}: {_one_line(reason)}; nothing was imported")
        return store._reject(f"import row {number}: {reason}")

    with store._writing() as meta:
        people: dict[str, tuple[Level, str | None]] = {}
        planned: dict[str, dict[str, int | None]] = {}
        participants = store._storage.read().get(_PARTICIPANTS_TABLE, {})
        for number, row in enumerate(rows, 1):
            code = row.participant
            if not isinstance(code, str) or not PARTICIPANT_CODE.match(code):
                raise reject(number, row, f"invalid participant code {code!r}")
            if row.level not in _LEVELS:
                raise reject(number, row, f"unknown level {row.level!r}")
            level = _LEVELS[row.level]
            try:
                department = store._department(meta, row.department or None)
            except AnswerRejected as error:
                reason = str(error).removeprefix(f"{store.path}: ")
                raise reject(number, row, reason) from None
            if row.item not in meta.head.item_ids:
                raise reject(number, row, f"unknown item {row.item!r}")
            if not store._valid_value(row.value):
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
        now = clock()
        new_ids: dict[str, int] = {}
        taken: set[int] = set()
        for code in people:
            doc_id = store._new_doc_id()
            while doc_id in taken:
                doc_id = store._new_doc_id()
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
        store._participants._update_table(apply)  # type: ignore[arg-type]
        for code, doc_id in new_ids.items():
            meta.codes[code] = str(doc_id)
    return sum(len(answers) for answers in planned.values())
