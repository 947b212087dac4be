"""The answer journal beside the session file: appends, checkpoints, close, damage, crashes.

Every check here uses real files in ``tmp_path``, and real processes killed with
SIGKILL at exact points of a write (``session_writer.py pause``).
"""

from __future__ import annotations

import signal
import subprocess
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from store_helpers import encode_session

import coherence_tui.storage.journal_log as journal_module
from coherence_tui.domain.model import Level, SessionState
from coherence_tui.storage.store import (
    FORMAT_VERSION,
    FORMAT_VERSION_CLOSED,
    ImportRow,
    SessionCorrupt,
    SessionError,
    SessionStore,
)

StartWriter = Callable[..., subprocess.Popen[str]]
Answers = dict[tuple[str, str], int | None]


def on_disk(path: Path) -> Answers:
    """Every answer of the session, read afresh by a new store."""
    return {(a.participant, a.item): a.value for a in SessionStore.open(path).snapshot().answers}


def file_version(path: Path) -> int:
    version: int = orjson.loads(path.read_bytes())["format_version"]
    return version


def lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def forged(value: Any, previous: int) -> bytes:
    """A journal line with a correct chained checksum, as a careful forger would write it."""
    payload = orjson.dumps(value)
    return b"%08x %s\n" % (zlib.crc32(payload, previous), payload)


def chain_crc(raw_lines: list[bytes]) -> int:
    crc = 0
    for line in raw_lines:
        crc = zlib.crc32(line[9:-1], crc)
    return crc


@pytest.fixture
def running(store: SessionStore) -> tuple[SessionStore, Answers]:
    """A session in the middle of a workshop: answers in a live journal, none folded yet."""
    answers: Answers = {}
    for level, values in ((Level.BOARD, (2, 1)), (Level.FRONT_LINE, (-1, None))):
        person = store.add_participant(level, "Sales")
        for item, value in zip(("D1", "R1"), values, strict=True):
            store.record_answer(person.code, item, value)
            answers[(person.code, item)] = value
    return store, answers


# -- what the files look like -----------------------------------------------------------


def test_an_answer_is_one_line_appended_and_the_session_file_is_not_rewritten(
    store: SessionStore, session_path: Path
) -> None:
    person = store.add_participant(Level.BOARD)
    before = session_path.read_bytes()
    journal_before = store.journal_path.read_bytes()

    store.record_answer(person.code, "D1", 2)

    assert session_path.read_bytes() == before
    added = store.journal_path.read_bytes().removeprefix(journal_before)
    assert added.count(b"\n") == 1 and added.endswith(b"\n")
    assert orjson.loads(added[9:]) == ["answer", person.code, "D1", 2, added_time(added)]
    assert on_disk(session_path) == {(person.code, "D1"): 2}


def added_time(line: bytes) -> str:
    stamp: str = orjson.loads(line[9:])[-1]
    return stamp


def test_a_live_journal_marks_the_session_file_so_an_older_coherence_tui_refuses_it(
    running: tuple[SessionStore, Answers], session_path: Path
) -> None:
    store, _ = running
    assert file_version(session_path) == FORMAT_VERSION
    header = orjson.loads(lines(store.journal_path)[0][9:])
    document = orjson.loads(session_path.read_bytes())
    assert header == {
        "journal": "coherence-tui",
        "version": 1,
        "generation": document["generation"],
        "checksum": document["checksum"],
    }


def test_closing_folds_the_journal_into_one_session_file(
    running: tuple[SessionStore, Answers], session_path: Path
) -> None:
    store, answers = running
    snapshot = store.snapshot()
    store.close()
    assert sorted(p.name for p in session_path.parent.iterdir()) == [
        "workshop.json",
        "workshop.json.lock",
    ]
    assert file_version(session_path) == FORMAT_VERSION_CLOSED
    tables = orjson.loads(session_path.read_bytes())["tables"]
    in_file = {
        (doc["code"], item): entry[0]
        for doc in tables["participants"].values()
        for item, entry in doc["answers"].items()
    }
    assert in_file == answers
    assert SessionStore.open(session_path).snapshot() == snapshot


def test_a_store_that_only_read_never_rewrites_on_close(
    running: tuple[SessionStore, Answers], session_path: Path
) -> None:
    store, _ = running
    reader = SessionStore.open(session_path)
    before = (session_path.read_bytes(), store.journal_path.read_bytes())
    reader.close()
    assert (session_path.read_bytes(), store.journal_path.read_bytes()) == before


def test_a_long_journal_is_folded_in_by_the_next_writer(
    running: tuple[SessionStore, Answers], session_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, answers = running
    monkeypatch.setattr(journal_module, "JOURNAL_CHECKPOINT", 5)
    generation = orjson.loads(session_path.read_bytes())["generation"]
    person = store.add_participant(Level.MANAGEMENT)
    for item in ("D1", "D2", "R1", "R2", "B1", "B2"):
        store.record_answer(person.code, item, 1)
        answers[(person.code, item)] = 1
    assert orjson.loads(session_path.read_bytes())["generation"] > generation
    assert len(lines(store.journal_path)) <= 6, "the journal started again after the fold"
    assert on_disk(session_path) == answers
    assert store.generation == SessionStore.open(session_path).generation


def test_every_change_moves_the_generation_on_by_one_journal_or_not(
    running: tuple[SessionStore, Answers], session_path: Path
) -> None:
    store, _ = running
    person = store.snapshot().participants[0]
    first = store.generation
    store.record_answer(person.code, "B1", 0)
    store.update_state(SessionState(revealed=True))
    store.finish_participant(person.code)
    store.checkpoint()
    assert store.generation == first + 3
    assert SessionStore.open(session_path).generation == first + 3


def test_the_journal_is_owner_only_like_the_session_file(store: SessionStore) -> None:
    store.add_participant(Level.BOARD)
    assert store.journal_path.stat().st_mode & 0o777 == 0o600


def test_through_a_symlink_the_journal_lives_beside_the_real_file(
    store: SessionStore, session_path: Path, tmp_path: Path
) -> None:
    link = tmp_path / "link.json"
    link.symlink_to(session_path)
    via_link = SessionStore.open(link)
    person = via_link.add_participant(Level.BOARD)
    via_link.record_answer(person.code, "D1", 1)
    assert via_link.journal_path == store.journal_path
    assert not (tmp_path / "link.json.journal").exists()
    assert on_disk(session_path) == {(person.code, "D1"): 1}
    via_link.close()
    assert link.is_symlink() and not store.journal_path.exists()
    assert on_disk(link) == {(person.code, "D1"): 1}


def test_a_read_only_session_with_a_journal_is_read_but_never_written(
    running: tuple[SessionStore, Answers], session_path: Path
) -> None:
    store, answers = running
    with open(store.journal_path, "ab") as journal:
        journal.write(b'0badc0de ["ans')  # a torn line of a writer that died
    session_path.chmod(0o444)
    before = (session_path.read_bytes(), store.journal_path.read_bytes())
    reader = SessionStore.open(session_path)
    assert on_disk(session_path) == answers
    person = reader.snapshot().participants[0]
    with pytest.raises(SessionError, match="read-only"):
        reader.record_answer(person.code, "B1", 1)
    with pytest.raises(SessionError, match="read-only"):
        reader.checkpoint()
    assert (session_path.read_bytes(), store.journal_path.read_bytes()) == before


# -- following another process's writes ----------------------------------------------


def test_a_reader_gets_exactly_the_new_changes_in_order(
    running: tuple[SessionStore, Answers], session_path: Path
) -> None:
    store, _ = running
    reader = SessionStore.open(session_path)
    assert reader.changes() is not None  # the first load
    assert reader.changes() is None
    person = store.add_participant(Level.MANAGEMENT)
    store.record_answer(person.code, "D2", -1)
    store.record_answer(person.code, "D2", 2)
    store.finish_participant(person.code)
    assert reader.changed()
    found = reader.changes()
    assert found is not None and not found.reloaded
    assert [type(c).__name__ for c in found.changes] == [
        "Participant",
        "Answer",
        "Answer",
        "Participant",
    ]
    assert [getattr(c, "value", None) for c in found.changes][1:3] == [-1, 2]
    assert found.changes[-1].finished  # type: ignore[union-attr]
    assert not reader.changed() and reader.changes() is None
    assert reader.snapshot() == SessionStore.open(session_path).snapshot()


def test_a_reader_reloads_once_when_the_session_file_is_replaced(
    running: tuple[SessionStore, Answers], session_path: Path
) -> None:
    store, _ = running
    reader = SessionStore.open(session_path)
    reader.changes()
    store.import_answers([ImportRow("PAPER1", Level.BOARD, None, "D1", 2)])
    found = reader.changes()
    assert found is not None and found.reloaded
    assert reader.snapshot() == SessionStore.open(session_path).snapshot()
    assert not store.journal_path.exists(), "an import folds the journal and closes it"


# -- damage: refused, both files left byte for byte -------------------------------------


def damage_journal(how: str, raw_lines: list[bytes], store: SessionStore) -> bytes:
    body = b"".join(raw_lines)
    if how == "one flipped byte":
        at = len(raw_lines[0]) + len(raw_lines[1]) // 2
        return body[:at] + bytes([body[at] ^ 0x01]) + body[at + 1 :]
    if how == "a line removed":
        return b"".join(raw_lines[:2] + raw_lines[3:])
    if how == "two lines swapped":
        return b"".join([raw_lines[0], raw_lines[2], raw_lines[1], *raw_lines[3:]])
    if how == "a line repeated":
        return b"".join([*raw_lines, raw_lines[-1]])
    if how == "cut inside an earlier line":
        return b"".join([raw_lines[0], raw_lines[1][:10], *raw_lines[2:]])
    if how == "a header that is not ours":
        return forged({"journal": "other", "generation": 1}, 0)
    crc = chain_crc(raw_lines)
    code = orjson.loads(raw_lines[1][9:])[2]
    if how == "an answer to an unknown item (checksum forged)":
        return body + forged(["answer", code, "X9", 1, "2026-01-01T00:00:00Z"], crc)
    if how == "an answer of 7 (checksum forged)":
        return body + forged(["answer", code, "D1", 7, "2026-01-01T00:00:00Z"], crc)
    if how == "an answer of an unknown participant (checksum forged)":
        return body + forged(["answer", "NOBODY", "D1", 1, "2026-01-01T00:00:00Z"], crc)
    if how == "a participant twice (checksum forged)":
        again = orjson.loads(raw_lines[1][9:])
        again[1] += 1
        return body + forged(again, crc)
    if how == "an unknown change (checksum forged)":
        return body + forged(["delete", code], crc)
    raise AssertionError(how)


JOURNAL_DAMAGE = [
    ("one flipped byte", "line 2"),
    ("a line removed", "checksum mismatch at line 3"),
    ("two lines swapped", "checksum mismatch at line 2"),
    ("a line repeated", "checksum mismatch"),
    ("cut inside an earlier line", "line 2"),
    ("a header that is not ours", "not a coherence-tui journal header"),
    ("an answer to an unknown item (checksum forged)", "'X9', which is not in the questionnaire"),
    ("an answer of 7 (checksum forged)", "not -2..2"),
    ("an answer of an unknown participant (checksum forged)", "unknown participant 'NOBODY'"),
    ("a participant twice (checksum forged)", "appears twice"),
    ("an unknown change (checksum forged)", "unknown change 'delete'"),
]


@pytest.mark.parametrize(("how", "reason"), JOURNAL_DAMAGE, ids=[h for h, _ in JOURNAL_DAMAGE])
def test_a_damaged_journal_is_refused_and_both_files_are_left_byte_for_byte(
    running: tuple[SessionStore, Answers], session_path: Path, how: str, reason: str
) -> None:
    store, _ = running
    person = store.snapshot().participants[0]
    store.journal_path.write_bytes(damage_journal(how, lines(store.journal_path), store))
    before = (session_path.read_bytes(), store.journal_path.read_bytes())
    stamps = (session_path.stat().st_mtime_ns, store.journal_path.stat().st_mtime_ns)
    actions: list[Callable[[], object]] = [
        lambda: SessionStore.open(session_path),
        lambda: store.record_answer(person.code, "B2", 1),
        store.snapshot,
        store.close,
        store.checkpoint,
    ]
    for n, action in enumerate(actions):
        with pytest.raises(SessionCorrupt) as refused:
            action()
        message = str(refused.value)
        assert message.startswith(f"{session_path}: its answer journal workshop.json.journal")
        assert "refused" in message and "\n" not in message
        # A fresh reader names the line; a store that had read the journal may notice first
        # that lines it read have changed.
        assert reason in message or (n > 0 and "changed" in message), message
        assert (session_path.read_bytes(), store.journal_path.read_bytes()) == before
        assert (session_path.stat().st_mtime_ns, store.journal_path.stat().st_mtime_ns) == stamps


def test_a_torn_last_line_is_not_damage_and_the_next_writer_cuts_it(
    running: tuple[SessionStore, Answers], session_path: Path
) -> None:
    store, answers = running
    with open(store.journal_path, "ab") as journal:
        journal.write(b'1234abcd ["answer","')
    assert on_disk(session_path) == answers
    person = store.snapshot().participants[0]
    store.record_answer(person.code, "B2", -2)
    answers[(person.code, "B2")] = -2
    raw = store.journal_path.read_bytes()
    assert raw.endswith(b"\n") and b'["answer","\n' not in raw and b"1234abcd" not in raw
    assert on_disk(session_path) == answers


def test_a_journal_left_from_before_a_fold_is_ignored_not_counted_twice(
    running: tuple[SessionStore, Answers], session_path: Path
) -> None:
    store, answers = running
    old_journal = store.journal_path.read_bytes()
    store.checkpoint()
    store.journal_path.write_bytes(old_journal)  # as if killed before the journal was replaced
    reopened = SessionStore.open(session_path)
    assert on_disk(session_path) == answers
    assert len(reopened.snapshot().participants) == 2
    person = reopened.snapshot().participants[0]
    reopened.record_answer(person.code, "B1", 1)
    answers[(person.code, "B1")] = 1
    assert on_disk(session_path) == answers
    assert old_journal not in store.journal_path.read_bytes()


def test_a_journal_beside_a_closed_session_file_is_ignored(
    running: tuple[SessionStore, Answers], session_path: Path
) -> None:
    store, answers = running
    old_journal = store.journal_path.read_bytes()
    store.close()
    tables = orjson.loads(session_path.read_bytes())["tables"]
    assert encode_session(tables, generation=store.generation) == session_path.read_bytes()
    store.journal_path.write_bytes(old_journal)  # as if killed before it was removed
    assert on_disk(session_path) == answers
    assert not SessionStore.open(session_path).changed()


# -- kill -9 at every step of a checkpoint and an append ---------------------------------


def run_until(start_writer: StartWriter, *args: object) -> subprocess.Popen[str]:
    """Start ``session_writer.py pause ...`` and wait until it stops at its point."""
    writer = start_writer("pause", *args)
    assert writer.stdout is not None and writer.stderr is not None
    while True:
        line = writer.stdout.readline()
        assert line, f"the writer ended early: {writer.stderr.read()!r}"
        if line.startswith("at "):
            return writer


def kill(writer: subprocess.Popen[str]) -> None:
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    assert writer.returncode == -signal.SIGKILL


def test_killed_after_a_fold_before_the_new_journal_nothing_is_lost_or_doubled(
    running: tuple[SessionStore, Answers], session_path: Path, start_writer: StartWriter
) -> None:
    store, answers = running
    old_journal = store.journal_path.read_bytes()
    kill(run_until(start_writer, session_path, "after-commit", "checkpoint"))
    assert store.journal_path.read_bytes() == old_journal, "killed before replacing it"
    assert on_disk(session_path) == answers
    assert len(SessionStore.open(session_path).snapshot().participants) == 2
    later = SessionStore.open(session_path)
    person = later.snapshot().participants[1]
    later.record_answer(person.code, "B1", 2)
    answers[(person.code, "B1")] = 2
    later.close()
    assert on_disk(session_path) == answers
    assert not store.journal_path.exists()


def test_killed_while_closing_before_the_journal_is_removed_nothing_is_lost(
    running: tuple[SessionStore, Answers], session_path: Path, start_writer: StartWriter
) -> None:
    store, answers = running
    code = store.snapshot().participants[0].code
    kill(run_until(start_writer, session_path, "after-commit", "close", code, "B2", "-1"))
    answers[(code, "B2")] = -1  # acknowledged ("A") before the close began
    assert store.journal_path.exists() and file_version(session_path) == FORMAT_VERSION_CLOSED
    assert on_disk(session_path) == answers
    assert store.snapshot() == SessionStore.open(session_path).snapshot()


def test_killed_while_starting_a_journal_the_closed_file_still_holds_everything(
    running: tuple[SessionStore, Answers], session_path: Path, start_writer: StartWriter
) -> None:
    store, answers = running
    store.close()
    code = store.snapshot().participants[0].code
    kill(run_until(start_writer, session_path, "before-journal-rename", "answer", code, "B2", "2"))
    assert not store.journal_path.exists()
    assert list(session_path.parent.glob(".workshop.json.*.tmp")), "its journal, never renamed"
    assert on_disk(session_path) == answers, "the answer was never acknowledged nor stored"
    later = SessionStore.open(session_path)
    later.record_answer(code, "B2", 2)
    answers[(code, "B2")] = 2
    assert on_disk(session_path) == answers
    assert not list(session_path.parent.glob(".workshop.json.*.tmp")), "swept"


def test_killed_half_way_through_a_line_readers_skip_it_and_the_next_writer_cuts_it(
    running: tuple[SessionStore, Answers], session_path: Path, start_writer: StartWriter
) -> None:
    store, answers = running
    code = store.snapshot().participants[0].code
    writer = run_until(start_writer, session_path, "mid-append", "answer", code, "B1", "1")
    torn = store.journal_path.read_bytes()
    assert not torn.endswith(b"\n")
    assert on_disk(session_path) == answers, "a line being written is not read"
    kill(writer)
    assert on_disk(session_path) == answers
    store.record_answer(code, "R2", 0)
    answers[(code, "R2")] = 0
    assert on_disk(session_path) == answers
    raw = store.journal_path.read_bytes()
    assert raw.endswith(b"\n") and len(raw.splitlines()) == len(torn.splitlines())


def test_all_answers_is_every_participants_answers_of_in_one_read(
    store: SessionStore, session_path: Path
) -> None:
    first = store.add_participant(Level.BOARD, None)
    second = store.add_participant(Level.FRONT_LINE, None)
    silent = store.add_participant(Level.MANAGEMENT, None)
    store.record_answer(first.code, "D1", 2)
    store.record_answer(second.code, "D1", None)
    store.record_answer(first.code, "D1", -1)  # replaces the earlier answer
    other = SessionStore.open(session_path)  # another process's view, journal included
    expected = {p.code: other.answers_of(p.code) for p in (first, second, silent)}
    assert other.all_answers() == expected
    assert expected[first.code] == {"D1": -1} and expected[silent.code] == {}
