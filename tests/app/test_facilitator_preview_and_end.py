"""The facilitator's preview of hidden results, and a menu that follows "end" (issue 12)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList, Static

from coherence_tui.app import CoherenceApp
from coherence_tui.domain.model import Level
from coherence_tui.domain.pin import hash_pin
from coherence_tui.screens.dashboard import DashboardScreen
from coherence_tui.screens.facilitator import FacilitatorScreen
from coherence_tui.screens.preview import PreviewScreen
from coherence_tui.storage.store import SessionStore
from coherence_tui.widgets.stool import Stool
from tests.app.test_dashboard import workshop

PIN = "2468"
SIZE = (120, 40)


def with_pin(path: Path) -> Path:
    store = SessionStore.open(path)
    salt, digest = hash_pin(PIN)
    store.update_settings(
        store.snapshot().settings.model_copy(update={"pin_salt": salt, "pin_hash": digest})
    )
    return path


def menu_entries(app: CoherenceApp) -> list[str]:
    screen = app.screen
    assert isinstance(screen, FacilitatorScreen)
    options = screen.query_one(OptionList)
    return [options.get_option_at_index(i).id or "" for i in range(options.option_count)]


async def test_preview_shows_the_facilitator_the_hidden_results_under_a_banner(
    tmp_path: Path,
) -> None:
    path = with_pin(workshop(tmp_path, {lv: 3 for lv in Level}, revealed=False))
    app = CoherenceApp(start="run", session=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f12", *PIN, "enter")
        assert "preview" in menu_entries(app)
        await pilot.press("d")  # the room's view: hidden
        await pilot.pause()
        assert type(app.screen) is DashboardScreen
        assert app.screen.query_one(Stool).group is None
        await pilot.press("escape", "f")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PreviewScreen)
        banner = str(screen.query_one("#preview-banner", Static).render())
        assert banner.startswith("PREVIEW — not shown to the room")
        group = screen.query_one(Stool).group
        assert group is not None and group.overall is not None
        await pilot.press("escape")
        assert isinstance(app.screen, FacilitatorScreen)
    # Nothing was revealed: a projector opened now still shows no figure.
    assert not SessionStore.open(path).snapshot().state.revealed
    projector = CoherenceApp(start="dashboard", session=path)
    async with projector.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert projector.screen.query_one(Stool).group is None


async def test_preview_follows_the_rooms_anonymity_rules(tmp_path: Path) -> None:
    """Two front-line people finished with the rest (k = 3): the room would see no one yet."""
    counts = {Level.BOARD: 3, Level.MANAGEMENT: 3, Level.FRONT_LINE: 2}
    path = with_pin(workshop(tmp_path, counts, revealed=False))
    app = CoherenceApp(start="run", session=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f12", *PIN, "enter", "f")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PreviewScreen)
        assert screen.report is not None
        assert sum(screen.report.level_counts().values()) == 0  # held back, as for the room
        group = screen.query_one(Stool).group
        assert group is not None and group.suppressed and group.overall is None
        assert app.live is not None and app.live.full_report.participants == 8


async def test_preview_is_not_offered_once_results_are_revealed(tmp_path: Path) -> None:
    path = with_pin(workshop(tmp_path, {lv: 3 for lv in Level}, revealed=True))
    app = CoherenceApp(start="run", session=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f12", *PIN, "enter")
        assert "preview" not in menu_entries(app)
        await pilot.press("f")
        assert isinstance(app.screen, FacilitatorScreen)


async def test_after_end_the_menu_drops_pause_close_and_end(tmp_path: Path) -> None:
    path = with_pin(workshop(tmp_path, {lv: 3 for lv in Level}))
    app = CoherenceApp(start="run", session=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f12", *PIN, "enter")
        before = menu_entries(app)
        assert {"pause", "next", "end"} <= set(before)
        await pilot.press("e", "y")
        await pilot.pause()
        after = menu_entries(app)
        assert {"pause", "next", "end"}.isdisjoint(after)
        assert {"dashboard", "reveal", "export_json", "archive", "quit"} <= set(after)
        screen = app.screen
        assert isinstance(screen, FacilitatorScreen)
        # Their keys are gone too: p neither pauses nor shows anything.
        assert screen.check_action("run", ("pause",)) is False
        await pilot.press("p", "e")
        assert isinstance(app.screen, FacilitatorScreen)
        state = SessionStore.open(path).snapshot().state
        assert state.ended and not state.paused


async def test_kiosk_only_menu_after_end_keeps_back_to_kiosk_and_quit(tmp_path: Path) -> None:
    path = with_pin(workshop(tmp_path, {lv: 3 for lv in Level}, ended=True))
    app = CoherenceApp(start="kiosk", session=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f12", *PIN, "enter")
        assert menu_entries(app) == ["kiosk", "quit"]
