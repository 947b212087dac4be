"""Scoring version 2 at the command line: old files, k that only goes up, rehearsals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coherence_tui.domain.model import Level, SessionSettings, UpdateRule
from coherence_tui.services.live import LiveSession
from coherence_tui.storage.questionnaires import load
from coherence_tui.storage.store import SessionStore, SettingsRejected
from tests.cli.conftest import Run


def old_session(path: Path) -> None:
    """A session as version 1 wrote it: the per-answer update rule, k = 2, second timestamps."""
    store = SessionStore.create(
        path,
        name="old",
        questionnaire=load("general-en"),
        settings=SessionSettings(k=2, update_rule=UpdateRule.ANSWER),
    )
    for level in (Level.BOARD, Level.BOARD, Level.FRONT_LINE, Level.FRONT_LINE):
        who = store.add_participant(level)
        for item in store.snapshot().questionnaire.items:
            value = 2 if level is Level.BOARD else -1
            store.record_answer(who.code, item.id, -value if item.reverse else value)


def test_an_old_session_is_reported_by_version_2_and_never_rewritten(
    run: Run, tmp_path: Path
) -> None:
    path = tmp_path / "sessions" / "old.json"
    old_session(path)
    before = path.read_bytes()
    stat = path.stat()
    got = json.loads(run("report", "old", "--json", check=True).stdout)
    assert got["format"] == 2
    assert got["groups"]["board"]["factors"]["declarations"] == 200.0
    assert got["gaps"]["board-front_line"]["significant"]["declarations"] is True
    run("export", "old", "--format", "md", check=True)
    assert path.read_bytes() == before
    assert path.stat().st_mtime_ns == stat.st_mtime_ns


def test_k_never_goes_down_once_a_session_has_answers(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    store = SessionStore.create(
        path, name="s", questionnaire=load("general-en"), settings=SessionSettings(k=4)
    )
    live = LiveSession(store)
    live.update_settings(live.settings.model_copy(update={"k": 3}))  # no answers yet: fine
    who = live.start_participant(Level.BOARD, None)
    live.record_answer(who.code, "D02", 1)
    before = path.read_bytes()
    for lower in (2, 1):
        with pytest.raises(SettingsRejected, match="cannot be lowered"):
            live.update_settings(live.settings.model_copy(update={"k": lower}))
    assert path.read_bytes() == before
    live.update_settings(live.settings.model_copy(update={"k": 5}))
    assert SessionStore.open(path).snapshot().settings.k == 5


def test_a_real_session_can_never_become_a_rehearsal(tmp_path: Path) -> None:
    store = SessionStore.create(
        tmp_path / "s.json", name="s", questionnaire=load("general-en"), settings=SessionSettings()
    )
    with pytest.raises(SettingsRejected, match="below 3"):
        store.update_settings(SessionSettings(k=2))


def test_new_with_k_2_warns_that_it_makes_a_rehearsal(run: Run) -> None:
    done = run("new", "rehearse", "--questionnaire", "general-en", "--k", "2", "--pin", "1234")
    assert done.returncode == 0
    rehearsal = [line for line in done.stderr.splitlines() if "rehearsal" in line]
    assert rehearsal == [
        "coherence-tui: warning: k = 2 makes a rehearsal session: groups of fewer than 3 "
        "people show figures; never use it for a real workshop"
    ]
