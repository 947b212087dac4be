"""Imports: bounded before the lock, every refusal one line naming the CSV file and its
physical line, and no silent overwrite of an earlier batch.

Attacks from issue 8: a 1,000,000-row CSV was accepted and held the session lock for
over 10 s; a field over 128 KiB raised an uncaught ``_csv.Error``; after a multi-line
quoted field the error named the wrong line; ``١`` (Arabic-Indic one) was taken as 1;
an unclosed quote at the end was accepted; a second paper batch reusing code ``PA``
overwrote the first; a refusal named ``session.json: import row 1``; pydantic wording
leaked into messages.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from filelock import FileLock
from hostile_helpers import make_session

from coherence_tui.domain.model import Level
from coherence_tui.storage.answerfile import MAX_BYTES, MAX_ROWS, AnswerFileError, read_answer_csv
from coherence_tui.storage.store import ImportRow, SessionStore
from tests.cli.conftest import Run

HEADER = "participant,level,department,item,value"
PYDANTIC_WORDS = ("Value error", "Input should", "validation error", "pydantic", "type=")


@pytest.fixture
def acme(tmp_path: Path) -> Path:
    """Session 'acme' (departments Sales, Care; statements d1 r1 b1 b2)."""
    return make_session(tmp_path / "sessions", name="acme", departments=("Sales", "Care"))


def paper(tmp_path: Path, body: str | bytes, name: str = "paper.csv") -> Path:
    path = tmp_path / name
    if isinstance(body, str):
        body = body.encode("utf-8")
    path.write_bytes(body)
    return path


def refused(path: Path, session: Path) -> AnswerFileError:
    snapshot = SessionStore.open(session).snapshot()
    with pytest.raises(AnswerFileError) as error:
        read_answer_csv(path, snapshot.questionnaire, snapshot.settings)
    return error.value


def one_line_naming(stderr: str, where: str) -> bool:
    assert not any(word in stderr for word in PYDANTIC_WORDS), stderr
    return (
        stderr.count("\n") == 1
        and "Traceback" not in stderr
        and stderr.startswith(f"coherence-tui: error: {where}: ")
    )


# -- size limits, checked before the session is locked ---------------------------------


def test_a_file_over_the_size_limit_is_refused_without_waiting_for_the_lock(
    run: Run, tmp_path: Path, acme: Path
) -> None:
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as handle:
        handle.write(f"{HEADER}\n".encode())
        handle.truncate(MAX_BYTES + 1)  # sparse: 50 MiB and a byte, without the disk space
    before = acme.read_bytes()

    with FileLock(str(SessionStore.open(acme).lock_path)):  # a kiosk mid-write, say
        done = run("import", "acme", str(huge))

    assert done.returncode == 1 and one_line_naming(done.stderr, str(huge))
    assert "larger than 50 MiB, the import limit" in done.stderr
    assert acme.read_bytes() == before


def test_more_rows_than_the_limit_are_refused_without_waiting_for_the_lock(
    run: Run, tmp_path: Path, acme: Path
) -> None:
    items = ("d1", "r1", "b1", "b2")
    rows = "".join(f"P{n // 4},board,,{items[n % 4]},1\n" for n in range(MAX_ROWS + 1))
    big = paper(tmp_path, f"{HEADER}\n{rows}")
    before = acme.read_bytes()

    with FileLock(str(SessionStore.open(acme).lock_path)):
        done = run("import", "acme", str(big))

    assert done.returncode == 1
    assert one_line_naming(done.stderr, f"{big}:{MAX_ROWS + 2}")
    assert "more than 200,000 answer rows, the import limit" in done.stderr
    assert acme.read_bytes() == before


# -- malformed CSV: one line naming the physical line ------------------------------------


def test_a_field_over_the_csv_field_limit_is_one_line(tmp_path: Path, acme: Path) -> None:
    limit = csv.field_size_limit()
    path = paper(tmp_path, f'{HEADER}\nP1,board,,d1,1\nP2,board,"{"x" * (limit + 1)}",d1,1\n')
    error = refused(path, acme)
    assert error.line == 3 and f"longer than {limit:,} characters" in error.reason


def test_an_error_after_a_multi_line_quoted_record_names_the_physical_line(
    tmp_path: Path, acme: Path
) -> None:
    # Lines 2-4 are one blank record (a quoted field spanning three lines); line 5 is bad.
    path = paper(tmp_path, f'{HEADER}\n"\n\n",,,,\nP1,board,,d1,9\n')
    error = refused(path, acme)
    assert error.line == 5 and "value '9' must be -2..2" in error.reason


def test_a_newline_inside_a_field_is_refused_at_the_line_the_row_starts(
    tmp_path: Path, acme: Path
) -> None:
    path = paper(tmp_path, f'{HEADER}\nP1,board,,d1,1\nP2,board,"Sa\nles",d1,1\n')
    error = refused(path, acme)
    assert error.line == 3 and "U+000A (LF)" in error.reason


@pytest.mark.parametrize("digit", ["١", "۲", "１", "²", "1.0", "0x1", "- 1"])
def test_values_are_ascii_digits_only(tmp_path: Path, acme: Path, digit: str) -> None:
    error = refused(paper(tmp_path, f"{HEADER}\nP1,board,,d1,{digit}\n"), acme)
    assert error.line == 2 and f"value {digit!r} must be -2..2" in error.reason


def test_an_unclosed_quote_at_the_end_of_the_file_is_refused(tmp_path: Path, acme: Path) -> None:
    path = paper(tmp_path, f'{HEADER}\nP1,board,,d1,1\nP2,board,"Sales,d1,1\n')
    error = refused(path, acme)
    assert error.line == 3 and "quoted field is not closed" in error.reason


@pytest.mark.parametrize(
    ("body", "line", "reason"),
    [
        (b"participant,level,department,item,value\nP1,board,,d1,1\nP2,\xff,,d1,1\n", 3, "UTF-8"),
        (b"participant,level,department,item,value\nP1,board,Sa\x1bles,d1,1\n", 2, "U+001B"),
        (b"participant,level,department,item,value\rP1,board,,d1,1\r", 1, "lone carriage"),
        (b'participant,level,department,item,value\nP1,"board"x,,d1,1\n', 2, "quote inside"),
        (b"participant,level,department,item,value\nP1,board,,d1,1,extra\n", 2, "found 6"),
    ],
)
def test_malformed_lines_are_named(
    tmp_path: Path, acme: Path, body: bytes, line: int, reason: str
) -> None:
    error = refused(paper(tmp_path, body), acme)
    assert error.line == line and reason in error.reason


def test_the_command_line_names_the_csv_file_and_line(run: Run, tmp_path: Path) -> None:
    make_session(tmp_path / "sessions", name="acme")
    path = paper(tmp_path, f"{HEADER}\nP1,board,,d1,1\nP1,board,,r1,١\n")
    done = run("import", "acme", str(path))
    assert done.returncode == 1 and one_line_naming(done.stderr, f"{path}:3")


# -- a second batch never overwrites the first -------------------------------------------


def test_a_second_batch_reusing_a_code_is_refused_unless_merge(
    run: Run, tmp_path: Path, acme: Path
) -> None:
    first = paper(tmp_path, f"{HEADER}\nPA,board,Sales,d1,2\nPA,board,Sales,r1,2\n", "first.csv")
    assert run("import", "acme", str(first)).returncode == 0
    before = acme.read_bytes()
    second = paper(tmp_path, f"{HEADER}\nPB,board,,d1,1\nPA,board,Sales,d1,-2\n", "second.csv")

    done = run("import", "acme", str(second))

    assert done.returncode == 1 and one_line_naming(done.stderr, f"{second}:3")
    assert "participant 'PA' is already in this session" in done.stderr
    assert "--merge" in done.stderr and "session.json" not in done.stderr
    assert acme.read_bytes() == before

    merged = run("import", "acme", str(second), "--merge")
    assert merged.returncode == 0, merged.stderr
    answers = {(a.participant, a.item): a.value for a in SessionStore.open(acme).snapshot().answers}
    assert answers == {("PA", "d1"): -2, ("PA", "r1"): 2, ("PB", "d1"): 1}


def test_merge_still_requires_the_same_level_and_department(
    run: Run, tmp_path: Path, acme: Path
) -> None:
    SessionStore.open(acme).import_answers([ImportRow("PA", Level.BOARD, "Sales", "d1", 2)])
    before = acme.read_bytes()
    other = paper(tmp_path, f"{HEADER}\nPA,board,Care,r1,1\n")

    done = run("import", "acme", str(other), "--merge")

    assert done.returncode == 1 and one_line_naming(done.stderr, f"{other}:2")
    assert "is board / Sales but this row says board / Care" in done.stderr
    assert acme.read_bytes() == before


def test_a_kiosk_participants_code_in_a_paper_batch_is_refused(
    run: Run, tmp_path: Path, acme: Path
) -> None:
    person = SessionStore.open(acme).add_participant(Level.FRONT_LINE, "Care")
    batch = paper(tmp_path, f"{HEADER}\n{person.code},front_line,Care,d1,1\n")
    done = run("import", "acme", str(batch))
    assert done.returncode == 1 and "already in this session" in done.stderr


def test_an_exported_formula_department_imports_back_as_typed(run: Run, tmp_path: Path) -> None:
    departments = ('=HYPERLINK("http://evil.example/?x")', "+cmd|' /C calc'!A0")
    source = make_session(tmp_path, name="first", departments=departments)
    SessionStore.open(source).import_answers(
        [ImportRow("P1", Level.BOARD, departments[0], "d1", 1)]
    )
    exported = tmp_path / "answers.csv"
    assert run("export", str(source), "--format", "csv", "-o", str(exported)).returncode == 0
    assert "'=HYPERLINK" in exported.read_text()
    target = make_session(tmp_path, name="second", departments=departments)

    done = run("import", str(target), str(exported))

    assert done.returncode == 0, done.stderr
    (person,) = SessionStore.open(target).snapshot().participants
    assert person.department == departments[0]
