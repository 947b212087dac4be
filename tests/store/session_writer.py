"""A separate process that writes to a session, for the kill -9 and concurrency tests.

Every line it prints is flushed at once, so the parent sees exactly what was
acknowledged before it killed us:

- ``W code item value``: about to record this answer (intent, not yet durable);
- ``A code item value``: ``record_answer`` returned, the answer is durable;
- ``P code``: ``add_participant`` returned; ``F code``: participant finished;
- ``I count``: ``import_answers`` returned; ``ready``: store open, waiting for the go-file.

Usage::

    session_writer.py burst PATH SEED PARTICIPANTS
    session_writer.py disjoint PATH GOFILE SEED PARTICIPANTS
    session_writer.py import PATH GOFILE PREFIX PARTICIPANTS
    session_writer.py one PATH CODE ITEM VALUE
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from coherence_tui.domain.model import Level
from coherence_tui.store import ImportRow, SessionStore

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


def main(argv: list[str]) -> int:
    mode, path = argv[0], Path(argv[1])
    if mode == "burst":
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
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
