"""One definition of who counts (``domain.counting``), the same in every view (issue 12).

A workshop where front line has three finished participants, one who stopped half-way,
one the facilitator closed half-way and one who picked a level and answered nothing:
the dashboard (real app), ``report --json`` and ``export --format json`` (real
subprocesses) and the facilitator menu all count 5 front-line people, 4 of them finished.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from coherence_tui.app import CoherenceApp
from coherence_tui.domain.counting import LevelCount, who_counts
from coherence_tui.domain.model import Level, SessionState
from coherence_tui.services.live import LiveSession
from coherence_tui.storage.store import SessionStore
from coherence_tui.widgets.participation import Participation
from tests.app.test_dashboard import ITEMS, workshop

EXPECTED = {
    Level.BOARD: LevelCount(counted=3, finished=3),
    Level.MANAGEMENT: LevelCount(counted=3, finished=3),
    Level.FRONT_LINE: LevelCount(counted=5, finished=4),
}


def mixed_workshop(tmp_path: Path, *, ended: bool) -> Path:
    path = workshop(tmp_path, {Level.BOARD: 3, Level.MANAGEMENT: 3, Level.FRONT_LINE: 3})
    live = LiveSession(SessionStore.open(path))
    half_way = live.start_participant(Level.FRONT_LINE, None)
    for item in ITEMS[:4]:
        live.record_answer(half_way.code, item, 1)
    closed = live.start_participant(Level.FRONT_LINE, None)
    live.record_answer(closed.code, ITEMS[0], None)  # a don't know counts
    live.finish_participant(closed.code)  # what "close the participant" does
    live.start_participant(Level.FRONT_LINE, None)  # no answer: does not count
    live.update_state(SessionState(revealed=True, ended=ended))
    live.close()
    return path


def cli(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "coherence_tui", *args],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_rule_counts_answers_not_finishing(tmp_path: Path) -> None:
    snapshot = SessionStore.open(mixed_workshop(tmp_path, ended=False)).snapshot()
    answered = {a.participant for a in snapshot.answers}
    assert who_counts(snapshot.participants, answered) == EXPECTED
    assert len(snapshot.participants) == 12  # the one without an answer exists, uncounted


async def test_dashboard_report_and_export_give_the_same_counts(tmp_path: Path) -> None:
    path = mixed_workshop(tmp_path, ended=True)

    report = json.loads(cli("report", str(path), "--json"))
    assert {lv: report["groups"][lv.value]["n"] for lv in Level} == {
        lv: c.counted for lv, c in EXPECTED.items()
    }

    export = json.loads(cli("export", str(path), "--format", "json"))
    people = export["participants"]
    assert all(isinstance(p["finished"], bool) for p in people)
    from_export = {
        lv: LevelCount(
            counted=sum(p["counted"] for p in people if p["level"] == lv.value),
            finished=sum(p["counted"] and p["finished"] for p in people if p["level"] == lv.value),
        )
        for lv in Level
    }
    assert from_export == EXPECTED

    app = CoherenceApp(start="dashboard", session=path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        shown = app.screen.query_one(Participation).report
        assert shown is not None
        assert dict(shown.level_counts()) == {lv: c.counted for lv, c in EXPECTED.items()}
        assert app.live is not None and app.live.who_counts() == EXPECTED


def test_report_json_keeps_its_format_2_shape(tmp_path: Path) -> None:
    """``finished`` goes into the raw export only: ``report --json`` is normative."""
    report = json.loads(cli("report", str(mixed_workshop(tmp_path, ended=True)), "--json"))
    assert report["format"] == 2
    assert set(report) == {
        "format",
        "session",
        "questionnaire",
        "k",
        "groups",
        "gaps",
        "items",
        "recommendations",
    }
