"""Answer CSV files gathered elsewhere (paper, online form), for ``import``.

Header ``participant,level,department,item,value`` (``answered_at`` may follow
and is ignored: imported answers are stamped with the import time). Every row
is checked before anything is written, so an import is all or nothing; the
first problem is reported as ``FILE:LINE: reason``.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from coherence_tui.domain.model import ANSWER_VALUES, LEVELS, Level, Questionnaire, SessionSettings
from coherence_tui.store import ImportRow

REQUIRED = ("participant", "level", "department", "item", "value")
OPTIONAL = ("answered_at",)
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")


class AnswerFileError(Exception):
    """A problem in an answer file; ``str()`` is one line: ``FILE:LINE: reason``."""

    def __init__(self, path: Path, line: int | None, reason: str) -> None:
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


def read_answer_csv(
    path: Path, questionnaire: Questionnaire, settings: SessionSettings
) -> list[ImportRow]:
    """Parse and validate every row; ``AnswerFileError`` on the first bad one."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise AnswerFileError(path, None, "no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise AnswerFileError(path, None, f"cannot read: {error}") from None
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    if header is None:
        raise AnswerFileError(path, 1, "empty file: expected header " + ",".join(REQUIRED))
    columns = [c.strip() for c in header]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise AnswerFileError(path, 1, f"missing column(s) {', '.join(missing)}")
    unknown = [c for c in columns if c not in REQUIRED + OPTIONAL]
    if unknown:
        raise AnswerFileError(path, 1, f"unknown column(s) {', '.join(unknown)}")
    at = {name: columns.index(name) for name in REQUIRED}
    items = set(questionnaire.item_ids)
    departments = {d.casefold(): d for d in settings.departments}
    levels = {lv.value for lv in LEVELS}
    seen: set[tuple[str, str]] = set()
    people: dict[str, tuple[Level, str | None, int]] = {}
    rows: list[ImportRow] = []
    for line, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(columns):
            raise AnswerFileError(
                path, line, f"expected {len(columns)} fields, found {len(record)}"
            )
        code, level, department, item, value = (record[at[c]].strip() for c in REQUIRED)
        if not CODE.match(code):
            raise AnswerFileError(
                path, line, f"participant code {code!r} must be 1-40 letters, digits, - or _"
            )
        if level not in levels:
            raise AnswerFileError(
                path, line, f"level {level!r} is not one of {', '.join(sorted(levels))}"
            )
        dept: str | None = None
        if department:
            dept = departments.get(department.casefold())
            if dept is None:
                known = ", ".join(settings.departments) or "none defined"
                raise AnswerFileError(
                    path, line, f"department {department!r} is not in this session ({known})"
                )
        if item not in items:
            raise AnswerFileError(
                path, line, f"item {item!r} is not in questionnaire {questionnaire.id}"
            )
        number: int | None = None
        if value:
            try:
                number = int(value)
            except ValueError:
                number = None
            if number is None or number not in ANSWER_VALUES:
                raise AnswerFileError(
                    path, line, f"value {value!r} must be -2..2, or empty for don't know"
                )
        if (code, item) in seen:
            raise AnswerFileError(path, line, f"participant {code} answers item {item} twice")
        seen.add((code, item))
        first = people.setdefault(code, (Level(level), dept, line))
        if first[:2] != (Level(level), dept):
            raise AnswerFileError(
                path,
                line,
                f"participant {code} has another level or department than on line {first[2]}",
            )
        rows.append(ImportRow(code, Level(level), dept, item, number))
    if not rows:
        raise AnswerFileError(path, None, "no answers in file")
    return rows
