"""Snapshots of the facilitator's preview of hidden results (issue 12), and the menu after end."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from coherence_tui.app import CoherenceApp
from coherence_tui.services.demo import ensure_demo


@pytest.fixture
def hidden_demo(tmp_path: Path) -> Path:
    """The demo session (it reveals itself on opening: ``open_preview`` hides it)."""
    return ensure_demo(tmp_path)


async def open_preview(pilot: Pilot[Any]) -> None:
    # The demo reveals on opening: back to the menu, hide, then preview.
    await pilot.press("escape", "r", "f")
    await pilot.pause()


async def end_session(pilot: Pilot[Any]) -> None:
    await pilot.press("escape", "e", "y")
    await pilot.pause()


@pytest.mark.parametrize("lang", ["en", "pl"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_preview_snapshot(
    snap_compare: Any, hidden_demo: Path, size: tuple[int, int], lang: str
) -> None:
    app = CoherenceApp(start="demo", session=hidden_demo, lang=lang)
    assert snap_compare(app, run_before=open_preview, terminal_size=size)


def test_menu_after_end_snapshot(snap_compare: Any, hidden_demo: Path) -> None:
    app = CoherenceApp(start="demo", session=hidden_demo)
    assert snap_compare(app, run_before=end_session, terminal_size=(80, 24))
