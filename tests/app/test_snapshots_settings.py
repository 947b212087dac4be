"""Snapshots of the settings dialog (issue 12): Save and Cancel in view at every size.

The dialog is opened from the facilitator menu of the deterministic demo session, in
English and Polish, at 80x24 (where the buttons used to be below the fold), 120x40 and
200x50.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button

from coherence_tui.app import CoherenceApp
from coherence_tui.screens.settings import SettingsScreen
from coherence_tui.services.demo import ensure_demo

SIZES = [(80, 24), (120, 40), (200, 50)]


@pytest.fixture
def demo_session(tmp_path: Path) -> Path:
    return ensure_demo(tmp_path)


async def open_settings(pilot: Pilot[Any]) -> None:
    await pilot.press("escape", "t")  # the demo opens on the dashboard over the menu
    await pilot.pause()


@pytest.mark.parametrize("lang", ["en", "pl"])
@pytest.mark.parametrize("size", SIZES)
def test_settings_snapshot(
    snap_compare: Any, demo_session: Path, size: tuple[int, int], lang: str
) -> None:
    app = CoherenceApp(start="demo", session=demo_session, lang=lang)
    assert snap_compare(app, run_before=open_settings, terminal_size=size)


@pytest.mark.parametrize("lang", ["en", "pl"])
@pytest.mark.parametrize("size", SIZES)
async def test_save_and_cancel_are_on_screen(
    demo_session: Path, size: tuple[int, int], lang: str
) -> None:
    app = CoherenceApp(start="demo", session=demo_session, lang=lang)
    async with app.run_test(size=size) as pilot:
        await open_settings(pilot)
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        for button in screen.query(Button):
            assert screen.region.contains_region(button.region), button.id
            assert button.region.height == 3, button.id  # whole, not clipped


async def test_save_works_at_80x24(demo_session: Path) -> None:
    app = CoherenceApp(start="demo", session=demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(pilot)
        await pilot.click("#save")
        await pilot.pause()
        assert not isinstance(app.screen, SettingsScreen)
