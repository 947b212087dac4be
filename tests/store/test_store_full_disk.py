"""Faults injected into the write path (a full disk, a failing fsync): the previous file
survives, the error is one clear line, and the store recovers once the disk does.

Two write paths: an answer is one line appended to the journal (``NAME.json.journal``);
a state change (and every checkpoint) writes a whole new session file through a
temporary one. The faults are injected at the system-call wrappers (``os.write``,
``os.fsync``, ``os.fdatasync``, ``os.replace``) and only for our own files: the storage
itself runs unmodified.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from store_helpers import small_questionnaire

from coherence_tui.domain.model import Level, Participant, SessionSettings, SessionState
from coherence_tui.storage.store import SessionError, SessionStore

pytestmark = pytest.mark.skipif(
    not os.path.isdir("/proc/self/fd"), reason="finds our temporary file through /proc/self/fd"
)


def is_session_temp(fd: int) -> bool:
    try:
        target = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return False
    return os.path.basename(target).startswith(".workshop.json.") and target.endswith(".tmp")


def is_journal(fd: int) -> bool:
    try:
        return os.readlink(f"/proc/self/fd/{fd}").endswith("/workshop.json.journal")
    except OSError:
        return False


@pytest.fixture
def person(store: SessionStore) -> Participant:
    person = store.add_participant(Level.BOARD)
    store.record_answer(person.code, "D1", 1)
    return person


def complete_lines(path: Path) -> bytes:
    """A journal's complete lines: what any reader takes from it."""
    raw = path.read_bytes()
    return raw[: raw.rfind(b"\n") + 1]


Write = Callable[[SessionStore, Participant], object]
WRITES: list[tuple[str, Callable[[int], bool], Write, str]] = [
    (
        "an answer (journal)",
        is_journal,
        lambda s, p: s.record_answer(p.code, "D1", -2),
        "nothing was recorded",
    ),
    (
        "a state change (session file)",
        is_session_temp,
        lambda s, p: s.update_state(SessionState(revealed=True)),
        "previous version of the file is intact",
    ),
]
WRITE_IDS = [what for what, *_ in WRITES]


def assert_write_refused_cleanly(
    store: SessionStore,
    session_path: Path,
    person: Participant,
    reason: str,
    write: Callable[[SessionStore, Participant], object],
    outcome: str,
) -> None:
    before = session_path.read_bytes()
    journal = complete_lines(store.journal_path)
    snapshot = store.snapshot()

    with pytest.raises(SessionError) as failed:
        write(store, person)

    message = str(failed.value)
    assert message.startswith(f"{session_path}: could not save")
    assert reason in message
    assert outcome in message
    assert "\n" not in message
    assert session_path.read_bytes() == before
    assert complete_lines(store.journal_path) == journal
    assert not list(session_path.parent.glob(".*.tmp"))
    assert store.snapshot() == snapshot, "the failed change must not linger in memory"
    assert SessionStore.open(session_path).snapshot() == snapshot


@pytest.mark.parametrize(("what", "ours", "write", "outcome"), WRITES, ids=WRITE_IDS)
def test_a_full_disk_keeps_the_previous_file_and_says_so(
    store: SessionStore,
    session_path: Path,
    person: Participant,
    monkeypatch: pytest.MonkeyPatch,
    what: str,
    ours: Callable[[int], bool],
    write: Callable[[SessionStore, Participant], object],
    outcome: str,
) -> None:
    real_write = os.write

    def full_disk(fd: int, data: bytes) -> int:
        if ours(fd):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full_disk)
    assert_write_refused_cleanly(
        store, session_path, person, "No space left on device", write, outcome
    )


@pytest.mark.parametrize(("what", "ours", "write", "outcome"), WRITES, ids=WRITE_IDS)
def test_a_disk_that_fills_up_half_way_through_the_file_keeps_the_previous_file(
    store: SessionStore,
    session_path: Path,
    person: Participant,
    monkeypatch: pytest.MonkeyPatch,
    what: str,
    ours: Callable[[int], bool],
    write: Callable[[SessionStore, Participant], object],
    outcome: str,
) -> None:
    real_write = os.write
    calls: list[int] = []

    def fills_up(fd: int, data: bytes) -> int:
        if not ours(fd):
            return real_write(fd, data)
        calls.append(len(data))
        if len(calls) == 1:
            return real_write(fd, bytes(data)[: len(data) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", fills_up)
    assert_write_refused_cleanly(
        store, session_path, person, "No space left on device", write, outcome
    )
    assert len(calls) == 2, "a short write is continued, then the error surfaces"
    # Half a journal line stays behind (never read); the next writer cuts it off first.
    monkeypatch.setattr(os, "write", real_write)
    store.record_answer(person.code, "B1", 2)
    assert store.journal_path.read_bytes().endswith(b"\n")
    answers = SessionStore.open(session_path).snapshot().answers
    assert [(a.item, a.value) for a in answers] == [("B1", 2), ("D1", 1)]


def test_a_failed_fsync_of_a_new_session_file_is_reported_and_never_retried(
    store: SessionStore, session_path: Path, person: Participant, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fsync = os.fsync
    attempts: list[int] = []

    def failing_fsync(fd: int) -> None:
        if is_session_temp(fd):
            attempts.append(fd)
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", failing_fsync)
    assert_write_refused_cleanly(
        store,
        session_path,
        person,
        "Input/output error",
        lambda s, p: s.update_state(SessionState(revealed=True)),
        "previous version of the file is intact",
    )
    assert len(attempts) == 1


def test_a_failed_fsync_of_a_journal_line_is_reported_and_never_retried(
    store: SessionStore, session_path: Path, person: Participant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The line is written but not known to be on the disk: the kiosk says "not saved",
    and the answer, if it survives, is the one the participant gave."""
    real_fdatasync = os.fdatasync
    attempts: list[int] = []

    def failing_fdatasync(fd: int) -> None:
        if is_journal(fd):
            attempts.append(fd)
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_fdatasync(fd)

    monkeypatch.setattr(os, "fdatasync", failing_fdatasync)
    with pytest.raises(SessionError, match="may not survive a power cut") as failed:
        store.record_answer(person.code, "D1", -2)
    assert str(failed.value).startswith(f"{session_path}: could not save")
    assert "Input/output error" in str(failed.value)
    assert len(attempts) == 1
    monkeypatch.setattr(os, "fdatasync", real_fdatasync)
    assert store.snapshot() == SessionStore.open(session_path).snapshot()


@pytest.mark.parametrize(("what", "ours", "write", "outcome"), WRITES[1:], ids=WRITE_IDS[1:])
def test_a_failed_rename_keeps_the_previous_file(
    store: SessionStore,
    session_path: Path,
    person: Participant,
    monkeypatch: pytest.MonkeyPatch,
    what: str,
    ours: Callable[[int], bool],
    write: Callable[[SessionStore, Participant], object],
    outcome: str,
) -> None:
    def failing_replace(src: object, dst: object) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(os, "replace", failing_replace)
    assert_write_refused_cleanly(
        store, session_path, person, "Read-only file system", write, outcome
    )


def test_the_store_works_again_once_the_disk_has_room(
    store: SessionStore, session_path: Path, person: Participant, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = os.write
    disk_full = True

    def sometimes_full(fd: int, data: bytes) -> int:
        if disk_full and (is_session_temp(fd) or is_journal(fd)):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", sometimes_full)
    with pytest.raises(SessionError):
        store.record_answer(person.code, "R1", 2)
    disk_full = False
    store.record_answer(person.code, "R1", -1)

    answers = SessionStore.open(session_path).snapshot().answers
    assert [(a.item, a.value) for a in answers] == [("D1", 1), ("R1", -1)]


def test_a_failed_directory_sync_after_the_rename_is_not_passed_off_as_durable(
    store: SessionStore, session_path: Path, person: Participant, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fsync = os.fsync

    def failing_directory_sync(fd: int) -> None:
        if os.path.isdir(f"/proc/self/fd/{fd}"):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", failing_directory_sync)
    with pytest.raises(SessionError, match="may not survive a power cut"):
        store.update_state(SessionState(revealed=True))
    monkeypatch.setattr(os, "fsync", real_fsync)

    reopened = SessionStore.open(session_path).snapshot()
    assert len(reopened.answers) == 1, "the file itself is whole: old or new, never partial"


ACTIONS: list[tuple[str, Callable[[SessionStore, Participant], object]]] = [
    ("add a participant", lambda s, p: s.add_participant(Level.FRONT_LINE)),
    ("finish a participant", lambda s, p: s.finish_participant(p.code)),
    ("fold the journal", lambda s, p: s.checkpoint()),
    ("close", lambda s, p: s.close()),
]


@pytest.mark.parametrize(("what", "action"), ACTIONS, ids=[what for what, _ in ACTIONS])
def test_every_kind_of_write_fails_cleanly_on_a_full_disk(
    store: SessionStore,
    session_path: Path,
    person: Participant,
    monkeypatch: pytest.MonkeyPatch,
    what: str,
    action: Callable[[SessionStore, Participant], object],
) -> None:
    real_write = os.write

    def full_disk(fd: int, data: bytes) -> int:
        if is_session_temp(fd) or is_journal(fd):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    before = session_path.read_bytes()
    monkeypatch.setattr(os, "write", full_disk)
    with pytest.raises(SessionError, match="No space left on device"):
        action(store, person)
    assert session_path.read_bytes() == before
    monkeypatch.setattr(os, "write", real_write)
    assert store.snapshot() == SessionStore.open(session_path).snapshot()


def test_a_full_disk_when_a_journal_starts_leaves_the_closed_file_as_it_was(
    store: SessionStore, session_path: Path, person: Participant, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.close()
    before = session_path.read_bytes()
    real_write = os.write

    def full_disk(fd: int, data: bytes) -> int:
        if is_session_temp(fd) or is_journal(fd):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full_disk)
    with pytest.raises(SessionError, match="No space left on device"):
        store.record_answer(person.code, "B2", 1)
    assert session_path.read_bytes() == before
    assert not store.journal_path.exists()
    assert not list(session_path.parent.glob(".*.tmp"))
    monkeypatch.setattr(os, "write", real_write)
    store.record_answer(person.code, "B2", 1)
    assert len(SessionStore.open(session_path).snapshot().answers) == 2


def test_a_file_system_without_hard_links_still_gets_new_sessions_created_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(src: object, dst: object) -> None:
        raise OSError(errno.EPERM, os.strerror(errno.EPERM))

    monkeypatch.setattr(os, "link", no_links)
    path = tmp_path / "fat32.json"

    def create() -> SessionStore:
        return SessionStore.create(
            path, name="fat32", questionnaire=small_questionnaire(), settings=SessionSettings()
        )

    first = create()
    first.add_participant(Level.BOARD)
    first.close()
    before = path.read_bytes()
    with pytest.raises(SessionError, match="already exists"):
        create()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fat32.json", "fat32.json.lock"]
