"""A room at once: ten ``coherence-tui kiosk`` processes answer on one session together.

Real processes (each the supervised kiosk a workshop runs, on its own pseudo-terminal),
one real session file, keys pressed on every kiosk before any of them has shown its next
statement, so their answers reach the store's lock at the same moment. Afterwards a
fresh store finds every answer stored exactly once, as typed.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from coherence_tui.domain.model import LEVELS, Factor, Item, Questionnaire, Scale
from coherence_tui.domain.model import SessionSettings as Settings
from coherence_tui.storage.store import SessionStore

pytestmark = pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs pseudo-terminals")

KIOSKS = 10
DEPARTMENTS = ("Sales", "Care")
FACTORS = (Factor.DECLARATIONS, Factor.RESOURCES, Factor.BEHAVIOURS)
ITEMS = tuple(f"{factor.value[0].upper()}{n}" for factor in FACTORS for n in (1, 2))
KEY_VALUES = {"1": -2, "2": -1, "3": 0, "4": 1, "5": 2, "0": None}
ESCAPES = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-Za-z]|\x1b[=>]")
TIMEOUT = 60.0


class Kiosk:
    """``coherence-tui kiosk SESSION`` on its own pseudo-terminal (its own process group)."""

    def __init__(self, session: Path) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color"}
        env.pop("TEXTUAL", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "coherence_tui", "kiosk", str(session)],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        os.set_blocking(master, False)
        self.fd = master
        self.seen = b""
        self.mark = 0

    def read(self) -> None:
        try:
            while chunk := os.read(self.fd, 65536):
                self.seen += ESCAPES.sub(b"", chunk)
        except (BlockingIOError, OSError):
            pass

    def press(self, key: bytes) -> None:
        self.mark = len(self.seen)
        os.write(self.fd, key)

    def shows(self, marker: bytes) -> bool:
        return marker in self.seen[self.mark :]

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        os.close(self.fd)


def wait_all(kiosks: list[Kiosk], marker: bytes) -> None:
    """Until every kiosk has drawn ``marker`` since its last key; fail with the laggards."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        for kiosk in kiosks:
            kiosk.read()
        waiting = [k for k in kiosks if not k.shows(marker)]
        if not waiting:
            return
        if time.monotonic() > deadline or any(k.proc.poll() is not None for k in waiting):
            tail = waiting[0].seen[-1500:].decode(errors="replace")
            pytest.fail(f"{len(waiting)} kiosk(s) never showed {marker!r}; one shows:\n{tail}")
        select.select([k.fd for k in waiting], [], [], 0.1)


@pytest.fixture
def session(tmp_path: Path) -> Path:
    path = tmp_path / "room.json"
    SessionStore.create(
        path,
        name="room",
        questionnaire=Questionnaire(
            id="room",
            version="1",
            language="en",
            title="A room at once",
            company_type="general",
            scale=Scale(labels=("SD", "D", "N", "A", "SA"), dont_know="DK"),
            items=tuple(
                Item(id=item, factor=factor, area="people", text=f"Statement {item} in the room.")
                for factor in FACTORS
                for item in ITEMS
                if item[0] == factor.value[0].upper()
            ),
        ),
        settings=Settings(k=3, departments=DEPARTMENTS, language="en"),
    )
    return path


@pytest.fixture
def kiosks(session: Path) -> Iterator[list[Kiosk]]:
    started = [Kiosk(session) for _ in range(KIOSKS)]
    yield started
    for kiosk in started:
        kiosk.stop()


def keys_of(n: int) -> list[str]:
    """Kiosk ``n``'s answer keys, one per statement: its number in base 6, so no two
    kiosks type the same answers (and don't know, 0, is among them)."""
    digits = []
    for _ in ITEMS:
        digits.append("012345"[n % 6])
        n //= 6
    return digits


def test_ten_kiosks_answering_at_once_store_every_answer_exactly_once(
    session: Path, kiosks: list[Kiosk]
) -> None:
    total = len(ITEMS)
    wait_all(kiosks, b"Press Enter to start")
    for kiosk in kiosks:
        kiosk.press(b"\r")
    wait_all(kiosks, b"Where do you work")
    for n, kiosk in enumerate(kiosks):
        kiosk.press(str(n % len(LEVELS) + 1).encode())
    wait_all(kiosks, b"Which department")
    for n, kiosk in enumerate(kiosks):
        kiosk.press(str(n % len(DEPARTMENTS) + 1).encode())
    wait_all(kiosks, b"1 / %d" % total)
    typed = [keys_of(n) for n in range(KIOSKS)]
    for position in range(total):
        # Every kiosk's key goes out before any kiosk has drawn its next statement.
        for n, kiosk in enumerate(kiosks):
            kiosk.press(typed[n][position].encode())
        after = b"%d / %d" % (position + 2, total) if position + 1 < total else b"Thank you!"
        wait_all(kiosks, after)
    assert not any(b"was not saved" in kiosk.seen for kiosk in kiosks)

    snapshot = SessionStore.open(session).snapshot()
    assert len(snapshot.participants) == KIOSKS
    assert all(p.finished for p in snapshot.participants)
    keys = [(a.participant, a.item) for a in snapshot.answers]
    assert len(keys) == len(set(keys)) == KIOSKS * total, "each answer stored exactly once"
    # Each participant sees their own shuffled order (domain.order), so compare what each
    # one gave as a sorted tuple (don't know as -9): every kiosk typed different keys.
    DK = -9  # noqa: N806
    stored = sorted(
        (
            p.level,
            p.department or "",
            tuple(
                sorted(
                    DK if a.value is None else a.value
                    for a in snapshot.answers
                    if a.participant == p.code
                )
            ),
        )
        for p in snapshot.participants
    )
    expected = sorted(
        (
            LEVELS[n % len(LEVELS)],
            DEPARTMENTS[n % len(DEPARTMENTS)],
            tuple(sorted(DK if KEY_VALUES[key] is None else KEY_VALUES[key] for key in typed[n])),
        )
        for n in range(KIOSKS)
    )
    assert stored == expected
