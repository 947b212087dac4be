"""The participant kiosk: the printed key contract, durability and the lock."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from coherence_tui.app import CoherenceApp
from coherence_tui.domain.model import Level
from coherence_tui.screens.kiosk import KioskScreen
from coherence_tui.storage.store import SessionStore
from coherence_tui.widgets.statement import Statement, option_of

SIZE = (100, 30)


def stored(path: Path) -> dict[str, int | None]:
    """Item -> value of every answer in the session file, read afresh from disk."""
    return {a.item: a.value for a in SessionStore.open(path).snapshot().answers}


async def wait_for(pilot: Any, condition: Callable[[], bool], seconds: float = 3.0) -> None:
    """Let the app run until ``condition`` holds (timers fire on their own schedule)."""
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    assert condition()


def kiosk(app: CoherenceApp) -> KioskScreen:
    screen = app.screen
    assert isinstance(screen, KioskScreen)
    return screen


async def test_kiosk_walks_a_participant_through_and_stores_every_answer(
    session_with_departments: Path,
) -> None:
    app = CoherenceApp(start="run", session=session_with_departments)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "3", "2")
        assert kiosk(app).stage == "statement"
        await pilot.press("5", "4", "3", "1")
        await pilot.pause()
        assert kiosk(app).stage == "thanks"
    snapshot = SessionStore.open(session_with_departments).snapshot()
    assert {a.item: a.value for a in snapshot.answers} == {"d1": 2, "r1": 1, "b1": 0, "b2": -2}
    (participant,) = snapshot.participants
    assert participant.level is Level.FRONT_LINE
    assert participant.department == "Support"
    assert participant.finished


async def test_first_frame_holds_one_stage_and_the_flow_follows(session_path: Path) -> None:
    """The first frame composes only the welcome card; the other stages are mounted right
    after it, and a key pressed before that still reaches the level question."""
    app = CoherenceApp(start="kiosk", session=session_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = kiosk(app)
        composed = {child.id for child in screen.query_one("#kiosk-stages").children}
        await pilot.press("enter")  # at once: the flow may not be mounted yet
        assert screen.stage == "level"
        await pilot.pause()
        mounted = {child.id for child in screen.query_one("#kiosk-stages").children}
    assert mounted >= {"welcome", "level", "instruction", "statement", "prediction"}
    assert composed == {"welcome"}


async def test_kiosk_answer_is_on_disk_before_the_next_statement_shows(session_path: Path) -> None:
    app = CoherenceApp(start="run", session=session_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "1", "4")
        assert app.screen.query_one(Statement).item_id == "r1"
        assert stored(session_path) == {"d1": 1}


async def test_kiosk_skips_department_when_the_session_has_none(session_path: Path) -> None:
    app = CoherenceApp(start="run", session=session_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "2")
        assert kiosk(app).stage == "statement"
        assert kiosk(app).participant is None  # created with the first answer
        await pilot.press("4")
        assert kiosk(app).participant is not None
        assert kiosk(app).participant.level is Level.MANAGEMENT  # type: ignore[union-attr]


async def test_kiosk_backspace_shows_the_earlier_answer_and_a_new_key_overwrites_it(
    session_path: Path,
) -> None:
    app = CoherenceApp(start="run", session=session_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "1", "5", "4", "backspace")
        statement = app.screen.query_one(Statement)
        assert statement.item_id == "r1"
        assert statement.cursor == option_of(1)
        assert app.screen.query_one("#answer-3").has_class("-cursor")
        await pilot.press("2")
        assert statement.item_id == "b1"
        assert stored(session_path) == {"d1": 2, "r1": -1}


async def test_kiosk_backspace_on_the_first_statement_stays_put_once_answered(
    session_path: Path,
) -> None:
    app = CoherenceApp(start="run", session=session_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "1", "4", "backspace", "backspace")
        assert app.screen.query_one(Statement).item_id == "d1"
        assert kiosk(app).stage == "statement"


async def test_kiosk_zero_records_dont_know_as_null(session_path: Path) -> None:
    app = CoherenceApp(start="run", session=session_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "1", "0")
        assert app.screen.query_one(Statement).item_id == "r1"
    answers = stored(session_path)
    assert "d1" in answers
    assert answers["d1"] is None


async def test_kiosk_arrows_and_enter_pick_level_and_answer(session_path: Path) -> None:
    app = CoherenceApp(start="run", session=session_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "down", "down", "enter")
        await pilot.press("right", "right", "enter", "left", "enter")
        assert stored(session_path) == {"d1": 1, "r1": 0}
    (participant,) = SessionStore.open(session_path).snapshot().participants
    assert participant.level is Level.MANAGEMENT


async def test_kiosk_thank_you_returns_to_welcome_and_forgets_the_participant(
    session_path: Path,
) -> None:
    app = CoherenceApp(start="run", session=session_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "3", "5", "5", "5", "5")
        screen = kiosk(app)
        assert screen.stage == "thanks"
        assert screen.participant is None
        assert app.screen.query_one(Statement).item_id is None
        await pilot.press("backspace", "enter")
        assert screen.stage == "welcome"
        await pilot.press("backspace", "enter")
        assert screen.stage == "level"
        assert app.screen.query_one("#level-choice").cursor is None  # type: ignore[attr-defined]
    (participant,) = SessionStore.open(session_path).snapshot().participants
    assert participant.finished


async def test_kiosk_thank_you_clears_itself(
    session_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("coherence_tui.screens.kiosk.THANKS_SECONDS", 1.5)
    app = CoherenceApp(start="run", session=session_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "3", "1", "1", "1", "1")
        assert kiosk(app).stage == "thanks"
        await wait_for(pilot, lambda: kiosk(app).stage == "welcome")


LOCKED_KEYS = (
    "ctrl+q",
    "ctrl+c",
    "ctrl+p",
    "ctrl+z",
    "ctrl+backslash",
    "escape",
    "tab",
    "shift+tab",
    "q",
    "x",
    "f1",
    "ctrl+s",
    "space",
    "delete",
    "6",
    "9",
)


async def assert_keys_do_nothing(app: CoherenceApp, pilot: object, stage: str) -> None:
    screen = kiosk(app)
    for key in LOCKED_KEYS:
        await pilot.press(key)  # type: ignore[attr-defined]
        assert app.is_running, key
        assert app.screen is screen, key
        assert screen.stage == stage, key
        assert not app._notifications, key
        assert len(app.screen_stack) == 1, key  # the kiosk alone: nothing pushed or popped


async def test_kiosk_ignores_ctrl_q_ctrl_c_escape_and_every_key_off_the_card(
    session_path: Path,
) -> None:
    app = CoherenceApp(start="run", session=session_path)
    async with app.run_test(size=SIZE) as pilot:
        await assert_keys_do_nothing(app, pilot, "welcome")
        await pilot.press("enter", "2")
        await assert_keys_do_nothing(app, pilot, "statement")
        assert stored(session_path) == {}
        assert app.screen.query_one(Statement).item_id == "d1"


async def test_kiosk_ignores_ctrl_q_under_the_pin_prompt(session_path: Path) -> None:
    app = CoherenceApp(start="run", session=session_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f12", "ctrl+q", "ctrl+c", "ctrl+p")
        assert app.is_running
        assert type(app.screen).__name__ == "PinScreen"
        assert not app._notifications


async def test_kiosk_locked_app_refuses_quit_and_palette_actions(session_path: Path) -> None:
    app = CoherenceApp(start="kiosk", session=session_path)
    async with app.run_test(size=SIZE):
        for action in ("quit", "help_quit", "command_palette", "suspend_process"):
            assert app.check_action(action, ()) is False
            assert await app.run_action(action) is False
        assert app.is_running


async def test_paused_session_shows_a_pause_card_and_takes_no_answers(session_path: Path) -> None:
    app = CoherenceApp(start="run", session=session_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "1", "5")
        other = SessionStore.open(session_path)  # another process: the facilitator's terminal
        other.update_state(other.snapshot().state.model_copy(update={"paused": True}))
        await wait_for(pilot, lambda: kiosk(app).stage == "paused")
        await pilot.press("4", "enter", "0")
        assert stored(session_path) == {"d1": 2}
        other.update_state(other.snapshot().state.model_copy(update={"paused": False}))
        await wait_for(pilot, lambda: kiosk(app).stage == "statement")
        await pilot.press("4")
        assert stored(session_path) == {"d1": 2, "r1": 1}


async def test_ended_session_shows_the_closed_card(session_path: Path) -> None:
    other = SessionStore.open(session_path)
    other.update_state(other.snapshot().state.model_copy(update={"ended": True}))
    app = CoherenceApp(start="kiosk", session=session_path)
    async with app.run_test(size=SIZE) as pilot:
        assert kiosk(app).stage == "closed"
        await pilot.press("enter", "1", "5")
        assert kiosk(app).stage == "closed"
    assert SessionStore.open(session_path).snapshot().participants == ()


SCREEN_SOURCES = (
    "screens/kiosk.py",
    "screens/pin.py",
    "screens/facilitator.py",
    "screens/settings.py",
    "screens/confirm.py",
    "screens/preview.py",
    "screens/home.py",
    "app.py",
)


def test_kiosk_strings_exist_in_english_and_polish() -> None:
    import re

    import coherence_tui
    from coherence_tui.i18n import facilitator
    from coherence_tui.i18n import kiosk as strings

    assert strings.EN.keys() == strings.PL.keys()
    assert facilitator.EN.keys() == facilitator.PL.keys()
    assert all(strings.PL[key].strip() for key in strings.PL)
    root = Path(coherence_tui.__file__).parent
    used = {
        key
        for source in SCREEN_SOURCES
        for key in re.findall(r'\bt\(\s*"([a-z_.]+)"', (root / source).read_text(encoding="utf-8"))
    }
    assert used, "the screens should look their strings up"
    known = strings.EN.keys() | facilitator.EN.keys()
    assert used <= known, used - known


def test_kiosk_never_lets_the_terminal_send_signals(
    session_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    monkeypatch.setenv("TEXTUAL_ALLOW_SIGNALS", "1")
    CoherenceApp(start="kiosk", session=session_path)
    assert "TEXTUAL_ALLOW_SIGNALS" not in os.environ
