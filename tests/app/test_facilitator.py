"""The facilitator key, the PIN prompt and the facilitator menu."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox, Input, OptionList

from coherence_tui.app import CoherenceApp
from coherence_tui.screens.facilitator import FacilitatorScreen
from coherence_tui.screens.kiosk import KioskScreen
from coherence_tui.screens.pin import LOCK_SECONDS, PinGuard, PinScreen
from coherence_tui.storage.store import SessionStore
from coherence_tui.widgets.themes import HIGH_CONTRAST

SIZE = (100, 30)
PIN = "2468"
"""The PIN of every session made by ``conftest.make_session``."""


async def enter_pin(pilot: object, pin: str) -> None:
    await pilot.press("f12", *pin, "enter")  # type: ignore[attr-defined]


async def test_right_pin_opens_the_facilitator_menu_and_unlocks(session_path: Path) -> None:
    app = CoherenceApp(start="run", session=session_path)
    async with app.run_test(size=SIZE) as pilot:
        assert app.locked
        await enter_pin(pilot, PIN)
        assert isinstance(app.screen, FacilitatorScreen)
        assert not app.locked


async def test_ctrl_f_also_asks_for_the_pin(session_path: Path) -> None:
    app = CoherenceApp(start="run", session=session_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "ctrl+f")
        assert isinstance(app.screen, PinScreen)
        assert app.screen.query_one(Input).password


async def test_wrong_pin_keeps_the_kiosk_locked(session_path: Path) -> None:
    app = CoherenceApp(start="run", session=session_path)
    async with app.run_test(size=SIZE) as pilot:
        await enter_pin(pilot, "9999")
        assert isinstance(app.screen, PinScreen)
        assert "4 attempts left" in str(app.screen.query_one("#pin-message").render())
        await pilot.press("escape")
        assert isinstance(app.screen, KioskScreen)
        assert app.locked


async def test_five_wrong_pins_lock_the_prompt_even_for_the_right_pin(session_path: Path) -> None:
    app = CoherenceApp(start="run", session=session_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f12")
        for _ in range(5):
            await pilot.press(*"0000", "enter")
        pin_input = app.screen.query_one(Input)
        assert pin_input.disabled
        assert "Try again in 60 s" in str(app.screen.query_one("#pin-message").render())
        await pilot.press(*PIN, "enter")
        assert isinstance(app.screen, PinScreen)
        # closing and reopening the prompt does not reset the lock
        await pilot.press("escape", "f12")
        assert app.screen.query_one(Input).disabled
        assert app.pin_guard.seconds_locked() > LOCK_SECONDS - 5


def test_pin_guard_opens_again_after_the_lock() -> None:
    now = [100.0]
    guard = PinGuard(clock=lambda: now[0])
    for _ in range(4):
        guard.failed()
    assert guard.seconds_locked() == 0
    guard.failed()
    assert guard.seconds_locked() == 60
    now[0] += 59.5
    assert guard.seconds_locked() == 1
    now[0] += 0.5
    assert guard.seconds_locked() == 0
    assert guard.attempts_left == 5


async def test_menu_pause_shows_the_pause_card_and_back_to_kiosk_locks_again(
    session_path: Path,
) -> None:
    app = CoherenceApp(start="run", session=session_path)
    async with app.run_test(size=SIZE) as pilot:
        await enter_pin(pilot, PIN)
        await pilot.press("p")
        assert SessionStore.open(session_path).snapshot().state.paused
        await pilot.press("k")
        screen = app.screen
        assert isinstance(screen, KioskScreen)
        assert screen.stage == "paused"
        assert app.locked
        await pilot.press("ctrl+q")
        assert app.is_running


async def test_menu_reveal_and_end_change_the_session_state(session_path: Path) -> None:
    app = CoherenceApp(start="run", session=session_path)
    async with app.run_test(size=SIZE) as pilot:
        await enter_pin(pilot, PIN)
        await pilot.press("r")
        assert SessionStore.open(session_path).snapshot().state.revealed
        await pilot.press("e", "y")
        state = SessionStore.open(session_path).snapshot().state
        assert state.ended
        await pilot.press("k")
        assert isinstance(app.screen, KioskScreen)
        assert app.screen.stage == "closed"


async def test_menu_exports_json_into_the_exports_folder(session_path: Path) -> None:
    app = CoherenceApp(start="run", session=session_path)
    async with app.run_test(size=SIZE) as pilot:
        await enter_pin(pilot, PIN)
        await pilot.press("j", "c")
        await app.workers.wait_for_complete()
        await pilot.pause()
    exports = session_path.parent / "exports"
    assert len(list(exports.glob("workshop-*.json"))) == 1
    assert list(session_path.parent.glob("workshop-*.json")) == []  # never beside sessions
    (csv,) = exports.glob("workshop-*.csv")
    assert csv.read_text().startswith("participant,level,department,item,value")


async def test_menu_quit_exits_with_code_zero(session_path: Path) -> None:
    app = CoherenceApp(start="run", session=session_path)
    async with app.run_test(size=SIZE) as pilot:
        await enter_pin(pilot, PIN)
        await pilot.press("q", "y")
    assert app.return_code == 0
    assert app.return_value == 0


async def test_kiosk_mode_menu_offers_no_dashboard_results_or_exports(session_path: Path) -> None:
    app = CoherenceApp(start="kiosk", session=session_path)
    async with app.run_test(size=SIZE) as pilot:
        await enter_pin(pilot, PIN)
        options = app.screen.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert ids == ["kiosk", "next", "pause", "end", "quit"]
        await pilot.press("d", "j")
        assert isinstance(app.screen, FacilitatorScreen)


async def test_settings_change_k_and_language(session_path: Path) -> None:
    app = CoherenceApp(start="run", session=session_path)
    async with app.run_test(size=SIZE) as pilot:
        await enter_pin(pilot, PIN)
        await pilot.press("t")
        k_input = app.screen.query_one("#settings-k", Input)
        k_input.value = "5"
        app.screen.query_one("#lang-pl").value = True  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FacilitatorScreen)
        assert app.lang == "pl"
        await pilot.pause()
        assert "Menu prowadzącego" in str(app.screen.query_one("#menu-title").render())
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, KioskScreen)
        assert "Naciśnij Enter" in str(app.screen.query_one("#welcome-card .card-hint").render())
        await pilot.press("enter", "1", "5")
        assert app.screen.stage == "statement"
    settings = SessionStore.open(session_path).snapshot().settings
    assert settings.k == 5
    assert settings.language == "pl"


async def test_settings_turn_on_the_high_contrast_projector_theme(session_path: Path) -> None:
    """The checkbox stores ``high_contrast`` for every display, and a projector opened on
    the session comes up in the high-contrast theme."""
    app = CoherenceApp(start="run", session=session_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await enter_pin(pilot, PIN)
        await pilot.press("t")
        box = app.screen.query_one("#settings-contrast", Checkbox)
        assert box.value is False
        box.value = True
        await pilot.click("#save")
        await pilot.pause()
        assert isinstance(app.screen, FacilitatorScreen)
    assert SessionStore.open(session_path).snapshot().settings.high_contrast is True
    projector = CoherenceApp(start="dashboard", session=session_path)
    async with projector.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert projector.theme == HIGH_CONTRAST


async def test_dashboard_mode_is_not_locked_and_q_quits(session_path: Path) -> None:
    app = CoherenceApp(start="dashboard", session=session_path)
    async with app.run_test(size=SIZE) as pilot:
        assert not app.locked
        await pilot.press("f12")
        assert not isinstance(app.screen, PinScreen)
        await pilot.press("q")
    assert app.return_code == 0


async def test_demo_opens_on_the_dashboard_unlocked_and_revealed(session_path: Path) -> None:
    app = CoherenceApp(start="demo", session=session_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "DashboardScreen"
        assert not app.locked
        assert SessionStore.open(session_path).snapshot().state.revealed
        await pilot.press("f12")
        assert isinstance(app.screen, FacilitatorScreen)


def svg_files(directory: Path) -> list[Path]:
    return sorted((directory / "exports").glob("*.svg"))


async def test_menu_saves_an_svg_of_the_dashboard_next_to_the_exports(session_path: Path) -> None:
    app = CoherenceApp(start="run", session=session_path)
    async with app.run_test(size=SIZE) as pilot:
        await enter_pin(pilot, PIN)
        await pilot.press("s")
        for _ in range(60):
            if svg_files(session_path.parent) and isinstance(app.screen, FacilitatorScreen):
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, FacilitatorScreen)
    (svg,) = svg_files(session_path.parent)
    assert svg.name.startswith("workshop-")
    assert "<svg" in svg.read_text(encoding="utf-8")[:500]


async def test_menu_closes_a_participant_who_walked_away(session_path: Path) -> None:
    app = CoherenceApp(start="run", session=session_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "2", "5")
        await enter_pin(pilot, PIN)
        await pilot.press("n")
        screen = app.screen
        assert isinstance(screen, KioskScreen)
        assert screen.stage == "welcome"
        assert screen.participant is None
        assert app.locked
    (participant,) = SessionStore.open(session_path).snapshot().participants
    assert participant.finished
    assert {a.item: a.value for a in SessionStore.open(session_path).snapshot().answers} == {
        "d1": 2
    }
