"""Faults injected into the write path (a full disk, a failing fsync): the previous file
survives, the error is one clear line, and the store recovers once the disk does.

The faults are injected at the system-call wrappers (``os.write``, ``os.fsync``,
``os.replace``) and only for our own temporary files: the storage itself runs
unmodified.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from store_helpers import small_questionnaire

from coherence_tui.domain.model import Level, Participant, SessionSettings
from coherence_tui.store import SessionError, SessionStore

pytestmark = pytest.mark.skipif(
    not os.path.isdir("/proc/self/fd"), reason="finds our temporary file through /proc/self/fd"
)


def is_session_temp(fd: int) -> bool:
    try:
        target = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return False
    return os.path.basename(target).startswith(".workshop.json.") and target.endswith(".tmp")


@pytest.fixture
def person(store: SessionStore) -> Participant:
    person = store.add_participant(Level.BOARD)
    store.record_answer(person.code, "D1", 1)
    return person


def assert_write_refused_cleanly(
    store: SessionStore, session_path: Path, person: Participant, reason: str
) -> None:
    before = session_path.read_bytes()

    with pytest.raises(SessionError) as failed:
        store.record_answer(person.code, "D1", -2)

    message = str(failed.value)
    assert message.startswith(f"{session_path}: could not save")
    assert reason in message
    assert "previous version of the file is intact" in message
    assert "\n" not in message
    assert session_path.read_bytes() == before
    assert not list(session_path.parent.glob(".*.tmp"))
    assert [(a.item, a.value) for a in store.snapshot().answers] == [("D1", 1)], (
        "the failed answer must not linger in memory"
    )


def test_a_full_disk_keeps_the_previous_file_and_says_so(
    store: SessionStore, session_path: Path, person: Participant, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = os.write

    def full_disk(fd: int, data: bytes) -> int:
        if is_session_temp(fd):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full_disk)
    assert_write_refused_cleanly(store, session_path, person, "No space left on device")


def test_a_disk_that_fills_up_half_way_through_the_file_keeps_the_previous_file(
    store: SessionStore, session_path: Path, person: Participant, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = os.write
    calls: list[int] = []

    def fills_up(fd: int, data: bytes) -> int:
        if not is_session_temp(fd):
            return real_write(fd, data)
        calls.append(len(data))
        if len(calls) == 1:
            return real_write(fd, bytes(data)[: len(data) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", fills_up)
    assert_write_refused_cleanly(store, session_path, person, "No space left on device")
    assert len(calls) == 2, "a short write is continued, then the error surfaces"


def test_a_failed_fsync_is_reported_and_never_retried(
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
    assert_write_refused_cleanly(store, session_path, person, "Input/output error")
    assert len(attempts) == 1


def test_a_failed_rename_keeps_the_previous_file(
    store: SessionStore, session_path: Path, person: Participant, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_replace(src: object, dst: object) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(os, "replace", failing_replace)
    assert_write_refused_cleanly(store, session_path, person, "Read-only file system")


def test_the_store_works_again_once_the_disk_has_room(
    store: SessionStore, session_path: Path, person: Participant, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = os.write
    disk_full = True

    def sometimes_full(fd: int, data: bytes) -> int:
        if disk_full and is_session_temp(fd):
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
        store.record_answer(person.code, "D2", 2)
    monkeypatch.setattr(os, "fsync", real_fsync)

    reopened = SessionStore.open(session_path).snapshot()
    assert len(reopened.answers) == 2, "the file itself is whole: old or new, never partial"


ACTIONS: list[tuple[str, Callable[[SessionStore, Participant], object]]] = [
    ("add a participant", lambda s, p: s.add_participant(Level.FRONT_LINE)),
    ("finish a participant", lambda s, p: s.finish_participant(p.code)),
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
        if is_session_temp(fd):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    before = session_path.read_bytes()
    monkeypatch.setattr(os, "write", full_disk)
    with pytest.raises(SessionError, match="No space left on device"):
        action(store, person)
    assert session_path.read_bytes() == before
    monkeypatch.setattr(os, "write", real_write)
    assert store.snapshot() == SessionStore.open(session_path).snapshot()


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

    create().add_participant(Level.BOARD)
    before = path.read_bytes()
    with pytest.raises(SessionError, match="already exists"):
        create()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fat32.json", "fat32.json.lock"]
