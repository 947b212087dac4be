"""A separate process that writes to a session, for the kill -9 and concurrency tests.

Every line it prints is flushed at once, so the parent sees exactly what was
acknowledged before it killed us:

- ``W code item value``: about to record this answer (intent, not yet durable);
- ``A code item value``: ``record_answer`` returned, the answer is durable;
- ``P code``: ``add_participant`` returned; ``F code``: participant finished;
- ``I count``: ``import_answers`` returned; ``ready``: store open, waiting for the go-file;
- ``at POINT``: stopped at a point of a write (see ``pause``), waiting to be killed.

Usage::

    session_writer.py burst PATH SEED PARTICIPANTS [CHECKPOINT_EVERY]
    session_writer.py disjoint PATH GOFILE SEED PARTICIPANTS
    session_writer.py import PATH GOFILE PREFIX PARTICIPANTS
    session_writer.py one PATH CODE ITEM VALUE
    session_writer.py pause PATH POINT OPERATION [CODE ITEM VALUE]

``pause`` stops for good at POINT of OPERATION, so the parent can kill it exactly there:
POINT ``after-commit`` (a new session file is in place, the journal not yet replaced
or removed), ``before-journal-rename`` (a new journal is written under its temporary
name) or ``mid-append`` (half a journal line is written); OPERATION ``checkpoint``,
``close`` (an answer, then close) or ``answer``.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path
from typing import Any

import coherence_tui.storage.journal_log as journal_module
from coherence_tui.domain.model import Level
from coherence_tui.storage.store import DurableStorage, ImportRow, SessionStore

LEVELS = (Level.BOARD, Level.MANAGEMENT, Level.FRONT_LINE)


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def wait_for(gofile: Path) -> None:
    say("ready")
    deadline = time.monotonic() + 30
    while not gofile.exists():
        if time.monotonic() > deadline:
            raise SystemExit("go-file never appeared")
        time.sleep(0.001)


def write_answers(store: SessionStore, seed: int, participants: int) -> None:
    rng = random.Random(seed)
    items = store.snapshot().questionnaire.item_ids
    for _ in range(participants):
        person = store.add_participant(rng.choice(LEVELS))
        say(f"P {person.code}")
        for item in items:
            value = rng.choice((-2, -1, 0, 1, 2, None))
            say(f"W {person.code} {item} {value}")
            store.record_answer(person.code, item, value)
            say(f"A {person.code} {item} {value}")
        store.finish_participant(person.code)
        say(f"F {person.code}")


def stop_here(point: str) -> None:
    say(f"at {point}")
    time.sleep(120)
    raise SystemExit("never killed")


def pause_at(point: str) -> None:
    """Make the store stop for good at ``point`` (see the module docstring)."""
    if point == "after-commit":
        real_commit = DurableStorage._commit

        def commit(self: DurableStorage, *args: Any, **kwargs: Any) -> None:
            real_commit(self, *args, **kwargs)
            stop_here(point)

        DurableStorage._commit = commit  # type: ignore[method-assign]
    elif point == "before-journal-rename":
        real_replace = os.replace

        def replace(src: Any, dst: Any) -> None:
            if str(dst).endswith(".journal"):
                stop_here(point)
            real_replace(src, dst)

        os.replace = replace
    elif point == "mid-append":
        real_write_all = journal_module.write_all

        def write_all(fd: int, payload: bytes) -> None:
            if os.readlink(f"/proc/self/fd/{fd}").endswith(".journal"):
                real_write_all(fd, payload[: len(payload) // 2])
                stop_here(point)
            real_write_all(fd, payload)

        journal_module.write_all = write_all
    else:
        raise SystemExit(f"unknown point {point!r}")


def main(argv: list[str]) -> int:
    mode, path = argv[0], Path(argv[1])
    if mode == "burst":
        if len(argv) > 4:
            journal_module.JOURNAL_CHECKPOINT = int(argv[4])
        write_answers(SessionStore.open(path), int(argv[2]), int(argv[3]))
    elif mode == "disjoint":
        store = SessionStore.open(path)
        wait_for(Path(argv[2]))
        write_answers(store, int(argv[3]), int(argv[4]))
    elif mode == "import":
        store = SessionStore.open(path)
        items = store.snapshot().questionnaire.item_ids
        prefix, participants = argv[3], int(argv[4])
        rows = [
            ImportRow(f"{prefix}{n:03d}", LEVELS[n % 3], None, item, (n + i) % 5 - 2)
            for n in range(participants)
            for i, item in enumerate(items)
        ]
        wait_for(Path(argv[2]))
        say(f"I {store.import_answers(rows)}")
    elif mode == "one":
        store = SessionStore.open(path)
        value = None if argv[4] == "None" else int(argv[4])
        store.record_answer(argv[2], argv[3], value)
        say(f"A {argv[2]} {argv[3]} {argv[4]}")
    elif mode == "pause":
        store = SessionStore.open(path)
        point, operation = argv[2], argv[3]
        pause_at(point)
        if operation == "checkpoint":
            store.checkpoint()
        elif operation in ("answer", "close"):
            value = None if argv[6] == "None" else int(argv[6])
            say(f"W {argv[4]} {argv[5]} {argv[6]}")
            store.record_answer(argv[4], argv[5], value)
            say(f"A {argv[4]} {argv[5]} {argv[6]}")
            if operation == "close":
                store.close()
        else:
            raise SystemExit(f"unknown operation {operation!r}")
        raise SystemExit(f"{point} was never reached")
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
