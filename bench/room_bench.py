"""A room at once: 30 kiosk processes on one session, and a projector following them.

Usage: ``python bench/room_bench.py SESSION_PATH`` (``bench/run.py`` runs it with its
10,000-answer session). The session is copied to a temporary directory first; the
original is never touched.

(a) The room. ``ROOM_KIOSKS`` × ``coherence-tui kiosk COPY`` (the supervised kiosk, as a
    workshop runs it), each in its own pseudo-terminal of 100x30, all on the one copy.
    Once every kiosk shows its welcome card, each is driven like a participant: Enter,
    a level, a department, then one answer every 1.5-4.5 s (uniform, from the moment
    the previous statement was painted); after the last statement, Enter on the
    thank-you card and the next participant starts. This goes on for ``ROOM_SECONDS``.

    - ``room_answer_*_ms``: from writing the answer key to the pty to the next
      statement's counter (``8 / 30``), or the thank-you card, arriving on it.
    - ``room_failures``: answers the kiosk refused ("The answer was not saved"), that
      got no new screen within ``ANSWER_TIMEOUT_S``, or whose kiosk died.
    - ``room_answers_stored_ok``: the session holds exactly the answers it had plus
      one for every answer a kiosk acknowledged (each participant answers each
      statement once, so every acknowledged answer is stored exactly once).
    - ``room_cpu_s``: CPU seconds the kiosks (supervisors and apps) used while the room
      answered, over ``room_seconds`` of wall time.
    - ``kiosk_uss_mb``: the median unique memory (USS, private pages) of the kiosk app
      processes at the end; ``kiosk_uss_max_mb`` the largest; ``kiosk_supervisor_uss_mb``
      the median of their supervisor parents.

(b) Cross-process. ``coherence-tui dashboard`` on a rehearsal copy (k = 1, results
    revealed, English) in a pty of 200x50. This bench process, a second process on
    the same session as a kiosk is, gives a participant's last answer and finishes them
    (``record_answer`` then ``finish_participant``, as a kiosk at its last statement);
    ``cross_process_*_ms`` runs from just before ``record_answer`` to the projector's
    frame that shows the new answer count. ``CROSS_SAMPLES`` samples, spaced 0.2-0.5 s
    apart at random so the projector's poll is met at every phase.

Prints a table, and as its last line one JSON object.
"""

from __future__ import annotations

import json
import os
import random
import select
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from copies import english_copy, rehearsal_copy  # noqa: E402
from ptyapp import PtyApp, uss_mb  # noqa: E402

from coherence_tui.domain.model import LEVELS  # noqa: E402
from coherence_tui.storage.store import SessionStore  # noqa: E402

ROOM_KIOSKS = 30
ROOM_SECONDS = 60.0
ROOM_SIZE = (100, 30)
READY_TIMEOUT_S = 180.0
ANSWER_TIMEOUT_S = 20.0
PACE_S = (1.5, 4.5)
STEP_S = (0.3, 1.0)
"""Pause before Enter, level and department (people read the card)."""
CROSS_SAMPLES = 40
CROSS_SIZE = (200, 50)
CROSS_SPACING_S = (0.2, 0.5)
CROSS_TIMEOUT_S = 5.0
COMMAND = [sys.executable, "-m", "coherence_tui"]

WELCOME = b"Press Enter to start"
LEVEL = b"Where do you work"
DEPARTMENT = b"Which department"
THANKS = b"Thank you!"
REFUSED = b"was not saved"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a live process so far (``/proc/PID/stat``)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


@dataclass
class Kiosk:
    """One kiosk in the room and where its participant is."""

    app: PtyApp
    rng: random.Random
    departments: int
    total: int
    stage: str = "welcome"
    statement: int = 0
    """The statement on screen (1-based) while ``stage == "statement"``."""
    due: float = 0.0
    """When to press the next key (0: waiting for the screen to answer)."""
    pressed_at: float = 0.0
    mark: int = 0
    """Offset in ``app.seen`` when the key was pressed: markers are looked for after it."""
    expect: tuple[bytes, ...] = ()
    answered: int = 0
    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    dead: bool = False

    def counter(self, n: int) -> bytes:
        return b"%d / %d" % (n, self.total)

    def press(self, keys: bytes, expect: tuple[bytes, ...]) -> None:
        self.mark = len(self.app.seen)
        self.expect = expect
        self.due = 0.0
        self.pressed_at = self.app.press(keys)

    def schedule(self, now: float, pause: tuple[float, float]) -> None:
        self.due = now + self.rng.uniform(*pause)

    def act(self, now: float) -> None:
        """Press the key the current screen asks for."""
        if self.stage == "welcome":
            self.press(b"\r", (LEVEL,))
        elif self.stage == "level":
            self.press(str(self.rng.randint(1, len(LEVELS))).encode(), (DEPARTMENT,))
        elif self.stage == "department":
            self.press(str(self.rng.randint(1, self.departments)).encode(), (self.counter(1),))
        elif self.stage == "statement":
            after = self.counter(self.statement + 1) if self.statement < self.total else THANKS
            self.press(str(self.rng.randint(0, 5)).encode(), (after, REFUSED))
        elif self.stage == "thanks":
            self.press(b"\r", (WELCOME,))

    def check(self, now: float) -> None:
        """Move on when the screen the last key asked for has arrived."""
        if not self.expect or self.dead:
            return
        tail = self.app.seen[self.mark :] if self.mark < len(self.app.seen) else b""
        found = next((m for m in self.expect if m in tail), None)
        if found is None:
            if now - self.pressed_at > ANSWER_TIMEOUT_S or self.app.proc.poll() is not None:
                self.fail()
            return
        self.expect = ()
        if found == REFUSED:
            self.fail()
            return
        if self.stage == "statement":
            self.latencies.append(now - self.pressed_at)
            self.answered += 1
            if self.statement < self.total:
                self.statement += 1
                self.schedule(now, PACE_S)
            else:
                self.stage = "thanks"
                self.schedule(now, STEP_S)
            return
        self.stage = {
            "welcome": "level",
            "level": "department",
            "department": "statement",
            "thanks": "welcome",
        }[self.stage]
        if self.stage == "statement":
            self.statement = 1
            self.schedule(now, PACE_S)
        else:
            self.schedule(now, STEP_S)

    def fail(self) -> None:
        """A refused or lost answer: this kiosk is counted and left alone from now on."""
        self.failures += 1
        self.dead = True
        self.expect = ()
        self.due = 0.0


def room(source: Path, folder: Path, seed: int) -> dict[str, Any]:
    path = english_copy(source, folder)
    before = len(SessionStore.open(path).snapshot().answers)
    snapshot = SessionStore.open(path).snapshot()
    departments = len(snapshot.settings.departments)
    total = len(snapshot.questionnaire.items)
    assert departments >= 1, "the room bench needs a session with departments"
    rng = random.Random(seed)
    kiosks = [
        Kiosk(
            PtyApp([*COMMAND, "kiosk", str(path)], size=ROOM_SIZE),
            random.Random(rng.random()),
            departments,
            total,
        )
        for _ in range(ROOM_KIOSKS)
    ]
    try:
        deadline = time.perf_counter() + READY_TIMEOUT_S
        waiting = list(kiosks)
        while waiting:
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{len(waiting)} kiosks never showed their welcome card")
            select.select([k.app.fd for k in waiting], [], [], 0.5)
            for kiosk in list(waiting):
                kiosk.app.read()
                if WELCOME in kiosk.app.seen:
                    waiting.remove(kiosk)
                elif kiosk.app.proc.poll() is not None:
                    raise RuntimeError(f"a kiosk exited: {kiosk.app.seen[-400:]!r}")
        pids = [pid for k in kiosks for pid in (k.app.proc.pid, *k.app.children())]
        cpu_before = sum(cpu_seconds(pid) for pid in pids)
        started = time.perf_counter()
        for kiosk in kiosks:
            kiosk.schedule(started, STEP_S)
        by_fd = {k.app.fd: k for k in kiosks}
        while True:
            now = time.perf_counter()
            if now - started > ROOM_SECONDS and not any(k.expect for k in kiosks):
                break
            for kiosk in kiosks:
                if kiosk.due and now >= kiosk.due and not kiosk.dead:
                    if now - started <= ROOM_SECONDS:
                        kiosk.act(now)
                    else:
                        kiosk.due = 0.0
            dues = [k.due for k in kiosks if k.due and not k.dead]
            timeout = max(0.0, min(dues) - time.perf_counter()) if dues else 0.05
            ready, _, _ = select.select(list(by_fd), [], [], min(timeout, 0.05))
            now = time.perf_counter()
            for fd in ready:
                by_fd[fd].app.read()
            for kiosk in kiosks:
                kiosk.check(now)
        elapsed = time.perf_counter() - started
        cpu_used = sum(cpu_seconds(pid) for pid in pids) - cpu_before
        apps = [pid for k in kiosks for pid in k.app.children()]
        supervisors = [k.app.proc.pid for k in kiosks]
        app_uss = [u for u in (uss_mb(pid) for pid in apps) if u is not None]
        parent_uss = [u for u in (uss_mb(pid) for pid in supervisors) if u is not None]
    finally:
        for kiosk in kiosks:
            kiosk.app.stop()
    latencies = [x for k in kiosks for x in k.latencies]
    answered = sum(k.answered for k in kiosks)
    after = len(SessionStore.open(path).snapshot().answers)
    return {
        "room_kiosks": ROOM_KIOSKS,
        "room_seconds": round(elapsed, 1),
        "room_answers": answered,
        "room_failures": sum(k.failures for k in kiosks),
        "room_answer_p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "room_answer_p95_ms": round(percentile(latencies, 95) * 1000, 1) if latencies else None,
        "room_answer_max_ms": round(max(latencies) * 1000, 1) if latencies else None,
        "room_answers_stored_ok": after == before + answered,
        "room_cpu_s": round(cpu_used, 1),
        "kiosk_uss_mb": round(statistics.median(app_uss), 1) if app_uss else None,
        "kiosk_uss_max_mb": max(app_uss) if app_uss else None,
        "kiosk_supervisor_uss_mb": round(statistics.median(parent_uss), 1) if parent_uss else None,
    }


def answers_marker(count: int) -> bytes:
    return b"%d answers" % count


def cross_process(source: Path, folder: Path, seed: int) -> dict[str, Any]:
    path = rehearsal_copy(source, folder)
    store = SessionStore.open(path)
    snapshot = store.snapshot()
    count = len(snapshot.answers)
    items = snapshot.questionnaire.item_ids
    rng = random.Random(seed)
    projector = PtyApp([*COMMAND, "dashboard", str(path)], size=CROSS_SIZE)
    samples: list[float] = []
    try:
        projector.wait_for([answers_marker(count)], READY_TIMEOUT_S)
        time.sleep(1.0)
        for n in range(CROSS_SAMPLES):
            person = store.add_participant(LEVELS[n % 3])
            time.sleep(rng.uniform(*CROSS_SPACING_S))
            projector.read()
            mark = len(projector.seen)
            start = time.perf_counter()
            store.record_answer(person.code, items[n % len(items)], rng.randint(-2, 2))
            store.finish_participant(person.code)
            count += 1
            projector.wait_for([answers_marker(count)], CROSS_TIMEOUT_S, since=mark)
            samples.append(time.perf_counter() - start)
    finally:
        projector.stop()
    return {
        "cross_process_p50_ms": round(statistics.median(samples) * 1000, 1),
        "cross_process_p95_ms": round(percentile(samples, 95) * 1000, 1),
        "cross_process_max_ms": round(max(samples) * 1000, 1),
        "cross_process_samples": len(samples),
    }


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python bench/room_bench.py SESSION_PATH", file=sys.stderr)
        return 2
    source = Path(argv[0])
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="room-bench-") as folder:
        figures.update(cross_process(source, Path(folder), seed=7))
        figures.update(room(source, Path(folder), seed=2026))
    width = max(len(key) for key in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
