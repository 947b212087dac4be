"""Answer CSV files gathered elsewhere (paper, online form), for ``import``.

Header ``participant,level,department,item,value`` (``answered_at`` may follow
and is ignored: imported answers are stamped with the import time). Every row
is checked before anything is written, so an import is all or nothing; the
first problem is reported as ``FILE:LINE: reason``, LINE being the physical line
of the file where the row starts (a quoted field may span several lines).

The file is read as a stream and refused once it is larger than ``MAX_BYTES`` or
holds more than ``MAX_ROWS`` answer rows, before the session is locked: a kiosk
writing answers meanwhile never waits on a runaway import. Malformed CSV (an
unclosed quote, a stray quote, a field over ``csv.field_size_limit()``), values
that are not ASCII digits (``١`` is not 1) and control characters are refused
with one line.
"""

from __future__ import annotations

import csv
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from coherence_tui.domain.model import LEVELS, Level, Questionnaire, SessionSettings
from coherence_tui.domain.text import describe_character, find_control
from coherence_tui.errors import CoherenceError
from coherence_tui.storage.store import ImportRow

REQUIRED = ("participant", "level", "department", "item", "value")
OPTIONAL = ("answered_at",)
CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")
VALUE = re.compile(r"[+-]?[0-9]")
"""An answer as ASCII digits (``re`` would take ``\\d`` for any script's digits)."""

MAX_BYTES = 50 * 1024 * 1024
"""Largest answer file accepted (50 MiB; a 30-statement workshop of 1,000 people is 1 MiB)."""
MAX_ROWS = 200_000
"""Most answer rows in one file (6,600 people answering 30 statements)."""

_FORMULA_GUARD = re.compile(r"'(?=[=+\-@\t\r])")
"""The apostrophe our CSV export puts before a formula-like department (taken off again)."""


class AnswerFileError(CoherenceError):
    """A problem in an answer file; ``str()`` is one line: ``FILE:LINE: reason``."""

    def __init__(self, path: Path, line: int | None, reason: str) -> None:
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


def _csv_reason(error: csv.Error) -> str:
    """The csv module's complaint in the words of someone who edits the file."""
    message = str(error)
    if "field larger than field limit" in message:
        return f"a field is longer than {csv.field_size_limit():,} characters"
    if "unexpected end of data" in message or "EOF" in message:
        return "a quoted field is not closed before the end of the file"
    if "expected after" in message:
        return 'a quote inside a field must be doubled ("") and the field quoted as a whole'
    if "NUL" in message:
        return "the line holds a NUL character"
    if "new-line character seen in unquoted field" in message:
        return "a line ends in a lone carriage return (CR); save the file with LF or CRLF ends"
    return f"malformed CSV ({message})"


MAX_LINE_BYTES = 2**20
"""Longest physical line read (an answer row is about 40 bytes)."""


class _Lines:
    """The file's physical lines, decoded one at a time, so a problem is named at its own
    line; counted against ``MAX_BYTES`` as they are read (a pipe has no size up front)."""

    def __init__(self, handle: BinaryIO, path: Path) -> None:
        self._handle = handle
        self._path = path
        self.size = 0
        self.lines = 0
        self.record_start = 1
        """The physical line where the CSV record being read starts (for messages)."""

    def __iter__(self) -> Iterator[str]:
        while raw := self._handle.readline(MAX_LINE_BYTES + 1):
            self.lines += 1
            self.size += len(raw)
            if self.size > MAX_BYTES:
                raise AnswerFileError(self._path, None, _too_big())
            if len(raw) > MAX_LINE_BYTES:
                raise AnswerFileError(
                    self._path, self.lines, f"a line longer than {MAX_LINE_BYTES // 2**20} MiB"
                )
            try:
                line = raw.decode("utf-8-sig" if self.lines == 1 else "utf-8")
            except UnicodeDecodeError as error:
                raise AnswerFileError(
                    self._path, self.lines, f"not UTF-8 text (byte {error.start + 1} of the line)"
                ) from None
            yield line


def _too_big() -> str:
    return f"larger than {MAX_BYTES // 2**20} MiB, the import limit; split it into smaller files"


def read_answer_csv(
    path: Path, questionnaire: Questionnaire, settings: SessionSettings
) -> list[ImportRow]:
    """Parse and validate every row; ``AnswerFileError`` on the first bad one."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        raise AnswerFileError(path, None, "no such file") from None
    except IsADirectoryError:
        raise AnswerFileError(path, None, "is a directory, not a CSV file") from None
    except OSError as error:
        raise AnswerFileError(path, None, f"cannot read ({error.strerror})") from None
    with handle:
        st = os.fstat(handle.fileno())
        if stat.S_ISREG(st.st_mode) and st.st_size > MAX_BYTES:
            raise AnswerFileError(path, None, _too_big())
        lines = _Lines(handle, path)
        try:
            return _read(path, lines, questionnaire, settings)
        except OSError as error:
            raise AnswerFileError(path, None, f"cannot read ({error.strerror})") from None


def _read(
    path: Path, lines: _Lines, questionnaire: Questionnaire, settings: SessionSettings
) -> list[ImportRow]:
    reader = csv.reader(lines, strict=True)
    try:
        return _rows(path, reader, lines, questionnaire, settings)
    except csv.Error as error:
        raise AnswerFileError(path, lines.record_start, _csv_reason(error)) from None


def _rows(
    path: Path,
    reader: Iterator[list[str]],
    lines: _Lines,
    questionnaire: Questionnaire,
    settings: SessionSettings,
) -> list[ImportRow]:
    header = next(reader, None)
    if header is None:
        raise AnswerFileError(path, 1, "empty file: expected header " + ",".join(REQUIRED))
    columns = [c.strip() for c in header]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise AnswerFileError(path, 1, f"missing column(s) {', '.join(missing)}")
    unknown = [c for c in columns if c not in REQUIRED + OPTIONAL]
    if unknown:
        raise AnswerFileError(path, 1, f"unknown column(s) {', '.join(map(repr, unknown))}")
    at = [columns.index(name) for name in REQUIRED]
    items = {item_id: item_id for item_id in questionnaire.item_ids}
    departments = {d.casefold(): d for d in settings.departments}
    levels = {lv.value: lv for lv in LEVELS}
    codes: dict[str, str] = {}
    """Each code once in memory however many rows it has."""
    seen: set[tuple[str, str]] = set()
    people: dict[str, tuple[Level, str | None, int]] = {}
    rows: list[ImportRow] = []
    lines.record_start = lines.lines + 1
    for record in reader:
        start = lines.record_start
        lines.record_start = lines.lines + 1
        if not any(cell.strip() for cell in record):
            continue
        if len(rows) >= MAX_ROWS:
            raise AnswerFileError(
                path,
                start,
                f"more than {MAX_ROWS:,} answer rows, the import limit; split the file",
            )
        if len(record) != len(columns):
            raise AnswerFileError(
                path, start, f"expected {len(columns)} fields, found {len(record)}"
            )
        for cell in record:
            found = find_control(cell)
            if found is not None:
                raise AnswerFileError(
                    path,
                    start,
                    f"a field holds the control character {describe_character(found[1])}",
                )
        code, level_name, department, item, value = (record[i].strip() for i in at)
        if not CODE.fullmatch(code):
            raise AnswerFileError(
                path, start, f"participant code {code!r} must be 1-40 letters, digits, - or _"
            )
        code = codes.setdefault(code, code)
        level = levels.get(level_name)
        if level is None:
            raise AnswerFileError(
                path, start, f"level {level_name!r} is not one of {', '.join(sorted(levels))}"
            )
        dept: str | None = None
        department = _FORMULA_GUARD.sub("", department, count=1)
        if department:
            dept = departments.get(department.casefold())
            if dept is None:
                known = ", ".join(settings.departments) or "none defined"
                raise AnswerFileError(
                    path, start, f"department {department!r} is not in this session ({known})"
                )
        item_id = items.get(item)
        if item_id is None:
            raise AnswerFileError(
                path, start, f"item {item!r} is not in questionnaire {questionnaire.id}"
            )
        number: int | None = None
        if value:
            number = int(value) if VALUE.fullmatch(value) else None
            if number is None or not -2 <= number <= 2:
                raise AnswerFileError(
                    path, start, f"value {value!r} must be -2..2, or empty for don't know"
                )
        if (code, item_id) in seen:
            raise AnswerFileError(path, start, f"participant {code} answers item {item} twice")
        seen.add((code, item_id))
        first = people.setdefault(code, (level, dept, start))
        if first[:2] != (level, dept):
            raise AnswerFileError(
                path,
                start,
                f"participant {code} has another level or department than on line {first[2]}",
            )
        rows.append(ImportRow(code, level, dept, item_id, number, line=start))
    if not rows:
        raise AnswerFileError(path, None, "no answers in file")
    return rows
