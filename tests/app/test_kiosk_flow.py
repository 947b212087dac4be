"""Issue 11's participant path: instruction card, going back to level and department,
"no department", and the idle close."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.content import Content
from textual.widgets import Static

from coherence_tui.app import CoherenceApp
from coherence_tui.domain.model import Level, SessionSettings
from coherence_tui.domain.pin import hash_pin
from coherence_tui.screens import kiosk as kiosk_module
from coherence_tui.screens.kiosk import KioskScreen
from coherence_tui.storage.store import SessionStore
from coherence_tui.widgets.statement import Statement
from tests.app.conftest import PIN, small_questionnaire
from tests.app.test_kiosk import SIZE, kiosk, wait_for

INSTRUCTION = "Answer from your own experience [bold]not[/bold] hearsay.\nPress 0 if unsure."


def session_with_instruction(directory: Path, departments: tuple[str, ...] = ()) -> Path:
    salt, digest = hash_pin(PIN)
    path = directory / "instructed.json"
    questionnaire = small_questionnaire().model_copy(update={"instruction": INSTRUCTION})
    SessionStore.create(
        path,
        name="instructed",
        questionnaire=questionnaire,
        settings=SessionSettings(k=1, departments=departments, pin_salt=salt, pin_hash=digest),
    )
    return path


async def test_instruction_card_shows_before_statement_one_literally(tmp_path: Path) -> None:
    path = session_with_instruction(tmp_path)
    app = CoherenceApp(start="run", session=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "3")
        assert kiosk(app).stage == "instruction"
        body = app.screen.query_one("#instruction-card .card-body", Static)
        rendered = body.render()
        assert isinstance(rendered, Content)
        assert rendered.plain == INSTRUCTION  # markup is shown as typed, not interpreted
        await pilot.press("4")  # not an answer: the card only continues on Enter
        assert kiosk(app).stage == "instruction"
        await pilot.press("enter")
        assert kiosk(app).stage == "statement"
        assert app.screen.query_one(Statement).item_id == "d1"
        await pilot.press("5")
    assert {a.item: a.value for a in SessionStore.open(path).snapshot().answers} == {"d1": 2}


async def test_no_instruction_goes_straight_to_statement_one(session_path: Path) -> None:
    app = CoherenceApp(start="run", session=session_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "3")
        assert kiosk(app).stage == "statement"


async def test_backspace_goes_back_to_department_and_level_without_a_second_participant(
    tmp_path: Path,
) -> None:
    path = session_with_instruction(tmp_path, departments=("Sales", "Support"))
    app = CoherenceApp(start="run", session=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "1", "1")  # board, Sales: a wrong level
        assert kiosk(app).stage == "instruction"
        await pilot.press("backspace")
        assert kiosk(app).stage == "department"
        await pilot.press("1", "enter")  # again, through the instruction to statement 1
        assert kiosk(app).stage == "statement"
        await pilot.press("backspace")
        assert kiosk(app).stage == "department"
        await pilot.press("backspace")
        assert kiosk(app).stage == "level"
        await pilot.press("3", "2", "enter", "5")  # front line, Support
        assert app.screen.query_one(Statement).item_id == "r1"
    snapshot = SessionStore.open(path).snapshot()
    (participant,) = snapshot.participants
    assert participant.level is Level.FRONT_LINE
    assert participant.department == "Support"
    assert [(a.participant, a.item, a.value) for a in snapshot.answers] == [
        (participant.code, "d1", 2)
    ]


async def test_no_department_is_a_choice(session_with_departments: Path) -> None:
    app = CoherenceApp(start="run", session=session_with_departments)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "1")
        assert kiosk(app).stage == "department"
        await pilot.press("3")  # Sales, Support, No department
        assert kiosk(app).stage == "statement"
        await pilot.press("4")
    (participant,) = SessionStore.open(session_with_departments).snapshot().participants
    assert participant.level is Level.BOARD
    assert participant.department is None


async def test_idle_asks_then_closes_the_participant_keeping_answers(
    session_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kiosk_module, "IDLE_CLOSE_SECONDS", 0.3)
    app = CoherenceApp(start="run", session=session_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "3", "5", "2")
        assert kiosk(app).stage == "statement"
        monkeypatch.setattr(kiosk_module, "IDLE_SECONDS", 0.3)  # now nobody presses a key
        kiosk(app)._arm_idle()
        await wait_for(pilot, lambda: kiosk(app).stage == "idle")
        assert app.screen.query_one("#idle-card").has_focus
        await wait_for(pilot, lambda: kiosk(app).stage == "welcome")
        assert kiosk(app).participant is None
    snapshot = SessionStore.open(session_path).snapshot()
    (participant,) = snapshot.participants
    assert participant.finished
    assert {a.item: a.value for a in snapshot.answers} == {"d1": 2, "r1": -1}


async def test_any_key_on_still_there_continues_where_the_participant_was(
    session_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kiosk_module, "IDLE_CLOSE_SECONDS", 30.0)
    app = CoherenceApp(start="run", session=session_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "3", "5")
        monkeypatch.setattr(kiosk_module, "IDLE_SECONDS", 0.3)  # now nobody presses a key
        kiosk(app)._arm_idle()
        await wait_for(pilot, lambda: kiosk(app).stage == "idle")
        monkeypatch.setattr(kiosk_module, "IDLE_SECONDS", 90.0)
        await pilot.press("x")
        assert kiosk(app).stage == "statement"
        assert app.screen.query_one(Statement).item_id == "r1"
        await pilot.press("4")  # the key after "Still there?" answers again
        assert app.screen.query_one(Statement).item_id == "b1"
    (participant,) = SessionStore.open(session_path).snapshot().participants
    assert not participant.finished


async def test_welcome_card_has_no_idle_timeout(
    session_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kiosk_module, "IDLE_SECONDS", 0.1)
    app = CoherenceApp(start="run", session=session_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, KioskScreen)
        await pilot.pause(0.4)
        assert screen.stage == "welcome"
