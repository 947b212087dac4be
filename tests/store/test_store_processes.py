"""Real processes against one session file: kill -9 mid-burst, writers at the same moment,
a reader following another process's writes."""

from __future__ import annotations

import random
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock

import coherence_tui.storage.store as store_module
from coherence_tui.domain.model import Level
from coherence_tui.storage.store import SessionError, SessionStore

StartWriter = Callable[..., subprocess.Popen[str]]
AnswerKey = tuple[str, str, str]  # participant, item, value as printed


def parse_value(text: str) -> int | None:
    return None if text == "None" else int(text)


def stored_answers(path: Path) -> dict[tuple[str, str], int | None]:
    snapshot = SessionStore.open(path).snapshot()
    return {(a.participant, a.item): a.value for a in snapshot.answers}


@pytest.mark.parametrize(
    "checkpoint_every", [None, 3], ids=["journal", "a checkpoint every 3 changes"]
)
def test_killing_a_writer_at_random_moments_never_loses_an_acknowledged_answer(
    store: SessionStore, session_path: Path, start_writer: StartWriter, checkpoint_every: int | None
) -> None:
    """Answers go to the journal; with a checkpoint every few changes the kill also lands
    while the journal is folded into a new session file and started again."""
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    acknowledged: dict[tuple[str, str], int | None] = {}
    in_flight: set[tuple[str, str, int | None]] = set()
    kills = 0
    every = () if checkpoint_every is None else (checkpoint_every,)
    for round_number in range(15):
        writer = start_writer("burst", session_path, seed + round_number, 400, *every)
        assert writer.stdout is not None and writer.stderr is not None
        first = writer.stdout.readline()
        assert first.startswith("P "), f"writer did not start: {first!r} {writer.stderr.read()!r}"
        time.sleep(rng.uniform(0.0, 0.25))
        writer.kill()
        writer.wait()
        kills += writer.returncode == -9
        lines = [first, *writer.stdout.read().splitlines()]
        intents = [line.split() for line in lines if line.startswith("W ")]
        acks = [line.split() for line in lines if line.startswith("A ")]
        for _, code, item, value in acks:
            acknowledged[(code, item)] = parse_value(value)
        if len(intents) > len(acks):
            _, code, item, value = intents[-1]
            in_flight.add((code, item, parse_value(value)))

        on_disk = stored_answers(session_path)  # must load after every kill

        context = f"seed {seed}, round {round_number}"
        missing = {key: v for key, v in acknowledged.items() if on_disk.get(key, "missing") != v}
        assert not missing, f"acknowledged answers lost ({context}): {missing}"
        extra = {(*key, v) for key, v in on_disk.items() if key not in acknowledged}
        assert extra <= in_flight, f"answers nobody wrote ({context}): {extra - in_flight}"
    assert kills == 15, "every writer should have died from SIGKILL, not finished early"
    assert len(acknowledged) > 30

    later = SessionStore.open(session_path)
    later.add_participant(Level.BOARD)
    assert not list(session_path.parent.glob(".*.tmp")), "crash leftovers are swept"
    later.close()
    assert stored_answers(session_path) == on_disk, "closing folds everything in"
    assert not later.journal_path.exists()


def read_until_ready(writer: subprocess.Popen[str]) -> None:
    assert writer.stdout is not None
    line = writer.stdout.readline()
    assert line == "ready\n", f"{line!r} {writer.stderr.read() if writer.stderr else ''}"


def test_writers_starting_at_the_same_moment_keep_every_answer(
    store: SessionStore, session_path: Path, start_writer: StartWriter, tmp_path: Path
) -> None:
    go = tmp_path / "go"
    writers = [start_writer("disjoint", session_path, go, seed, 3) for seed in range(4)]
    for writer in writers:
        read_until_ready(writer)
    go.touch()

    expected: dict[tuple[str, str], int | None] = {}
    for writer in writers:
        out, err = writer.communicate(timeout=60)
        assert writer.returncode == 0, err
        for line in out.splitlines():
            if line.startswith("A "):
                _, code, item, value = line.split()
                expected[(code, item)] = parse_value(value)

    snapshot = SessionStore.open(session_path).snapshot()
    assert len(expected) == 4 * 3 * 6
    assert {(a.participant, a.item): a.value for a in snapshot.answers} == expected
    assert len(snapshot.participants) == 12
    assert all(p.finished for p in snapshot.participants)


def test_two_imports_started_at_the_same_moment_both_land(
    store: SessionStore, session_path: Path, start_writer: StartWriter, tmp_path: Path
) -> None:
    go = tmp_path / "go"
    writers = [start_writer("import", session_path, go, prefix, 40) for prefix in ("A", "B")]
    for writer in writers:
        read_until_ready(writer)
    go.touch()
    for writer in writers:
        out, err = writer.communicate(timeout=60)
        assert writer.returncode == 0, err
        assert out.splitlines()[-1] == "I 240"

    snapshot = SessionStore.open(session_path).snapshot()
    assert len(snapshot.participants) == 80
    assert len(snapshot.answers) == 480


def test_an_import_while_kiosks_answer_into_the_journal_loses_nothing(
    store: SessionStore, session_path: Path, start_writer: StartWriter, tmp_path: Path
) -> None:
    """The import rewrites the session file (folding the journal in); the kiosks' next
    answers start a new journal. Every acknowledged answer and every imported one lands."""
    go = tmp_path / "go"
    writers = [start_writer("disjoint", session_path, go, seed, 4) for seed in range(3)]
    importer = start_writer("import", session_path, go, "P", 30)
    for writer in [*writers, importer]:
        read_until_ready(writer)
    go.touch()
    expected: dict[tuple[str, str], int | None] = {}
    for writer in writers:
        out, err = writer.communicate(timeout=60)
        assert writer.returncode == 0, err
        for line in out.splitlines():
            if line.startswith("A "):
                _, code, item, value = line.split()
                expected[(code, item)] = parse_value(value)
    out, err = importer.communicate(timeout=60)
    assert importer.returncode == 0, err
    assert out.splitlines()[-1] == "I 180"

    answers = stored_answers(session_path)
    assert len(expected) == 3 * 4 * 6
    assert {key: answers[key] for key in expected} == expected
    assert len(answers) == len(expected) + 180
    assert len(SessionStore.open(session_path).snapshot().participants) == 3 * 4 + 30


def test_two_stores_in_one_process_take_turns_without_losing_or_clashing(
    store: SessionStore, session_path: Path
) -> None:
    other = SessionStore.open(session_path)
    mine = [store.add_participant(Level.BOARD) for _ in range(3)]
    theirs = [other.add_participant(Level.FRONT_LINE) for _ in range(3)]
    for a, b in zip(mine, theirs, strict=True):
        store.record_answer(a.code, "D1", 1)
        other.record_answer(b.code, "D1", -1)
        store.record_answer(b.code, "R1", 2)  # a participant the other store created
    assert len(store.snapshot().participants) == 6
    assert len(other.snapshot().answers) == 9
    assert other.snapshot() == store.snapshot()


def test_a_reader_notices_another_processes_answer_by_stat_alone(
    store: SessionStore, session_path: Path, start_writer: StartWriter
) -> None:
    person = store.add_participant(Level.BOARD)
    reader = SessionStore.open(session_path)
    seen = reader.snapshot()
    assert not reader.changed()

    writer = start_writer("one", session_path, person.code, "B2", -2)
    out, err = writer.communicate(timeout=30)
    assert writer.returncode == 0, err

    assert reader.changed()
    after = reader.snapshot()
    assert after.generation == seen.generation + 1
    assert [(a.item, a.value) for a in after.answers] == [("B2", -2)]
    assert not reader.changed()


def test_a_reader_never_sees_a_partial_file_while_a_writer_works(
    store: SessionStore, session_path: Path, start_writer: StartWriter
) -> None:
    writer = start_writer("burst", session_path, 7, 5)
    reader = SessionStore.open(session_path)
    generations = []
    deadline = time.monotonic() + 30
    while writer.poll() is None and time.monotonic() < deadline:
        if reader.changed():
            generations.append(reader.snapshot().generation)
    writer.communicate(timeout=30)
    assert writer.returncode == 0
    assert len(generations) > 5
    assert generations == sorted(generations)
    assert len(stored_answers(session_path)) == 30


@pytest.mark.parametrize("value", [2, None])
def test_an_answer_written_by_a_child_process_is_on_disk_when_it_says_so(
    store: SessionStore, session_path: Path, start_writer: StartWriter, value: int | None
) -> None:
    person = store.add_participant(Level.MANAGEMENT)
    writer = start_writer("one", session_path, person.code, "R2", value)
    out, _ = writer.communicate(timeout=30)
    assert out == f"A {person.code} R2 {value}\n"
    assert stored_answers(session_path) == {(person.code, "R2"): value}


def test_two_threads_sharing_one_store_keep_every_answer(store: SessionStore) -> None:
    people = [store.add_participant(level) for level in (Level.BOARD, Level.FRONT_LINE)]
    items = ["D1", "D2", "R1", "R2", "B1", "B2"]
    failures: list[BaseException] = []

    def answer_all(code: str) -> None:
        try:
            for round_number in range(5):
                for item in items:
                    store.record_answer(code, item, round_number % 5 - 2)
                store.snapshot()
        except BaseException as error:  # reported below, in the test's thread
            failures.append(error)

    threads = [threading.Thread(target=answer_all, args=(p.code,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not failures
    answers = SessionStore.open(store.path).snapshot().answers
    assert {(a.participant, a.item, a.value) for a in answers} == {
        (p.code, item, 2) for p in people for item in items
    }


def test_a_writer_kept_waiting_for_the_lock_gives_up_in_one_line_and_writes_nothing(
    store: SessionStore, session_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = store.add_participant(Level.BOARD)
    monkeypatch.setattr(store_module, "LOCK_TIMEOUT", 0.2)
    waiting = SessionStore.open(session_path)
    before = session_path.read_bytes()
    other_process = FileLock(str(session_path) + ".lock")
    with other_process:
        started = time.monotonic()
        with pytest.raises(SessionError, match="another process has been writing") as refused:
            waiting.record_answer(person.code, "D1", 1)
        assert 0.15 < time.monotonic() - started < 5
    assert "\n" not in str(refused.value)
    assert session_path.read_bytes() == before
    waiting.record_answer(person.code, "D1", 1)
    assert len(waiting.snapshot().answers) == 1
