"""SVG snapshots of the kiosk, the PIN prompt and the facilitator menu.

Update after a deliberate change with ``pytest tests/app/test_snapshots_kiosk.py --snapshot-update``
and look at the SVGs before committing them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from coherence_tui.app import CoherenceApp

SIZES = [(80, 24), (120, 40)]
PIN = "2468"


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_kiosk_welcome_snapshot(
    snap_compare: Any, session_path: Path, size: tuple[int, int]
) -> None:
    assert snap_compare(CoherenceApp(start="run", session=session_path), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_kiosk_statement_snapshot(
    snap_compare: Any, session_path: Path, size: tuple[int, int]
) -> None:
    app = CoherenceApp(start="run", session=session_path)
    assert snap_compare(app, press=["enter", "3", "4", "backspace"], terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_facilitator_menu_snapshot(
    snap_compare: Any, session_path: Path, size: tuple[int, int]
) -> None:
    app = CoherenceApp(start="run", session=session_path)
    assert snap_compare(app, press=["f12", *PIN, "enter"], terminal_size=size)


def test_kiosk_level_choice_snapshot_in_polish(
    snap_compare: Any, tmp_path: Path, new_session: Callable[..., Path]
) -> None:
    path = new_session(tmp_path, language="pl", departments=("Sprzedaż", "Obsługa"))
    assert snap_compare(
        CoherenceApp(start="run", session=path), press=["enter"], terminal_size=(80, 24)
    )


def test_pin_prompt_after_a_wrong_pin_snapshot(snap_compare: Any, session_path: Path) -> None:
    app = CoherenceApp(start="kiosk", session=session_path)
    assert snap_compare(app, press=["f12", *"1111", "enter"], terminal_size=(80, 24))


def test_kiosk_instruction_snapshot(snap_compare: Any, tmp_path: Path) -> None:
    """The shipped general-en questionnaire's instruction, before statement 1 (issue 11)."""
    from coherence_tui.domain.model import SessionSettings
    from coherence_tui.domain.pin import hash_pin
    from coherence_tui.storage.questionnaires import load
    from coherence_tui.storage.store import SessionStore

    salt, digest = hash_pin(PIN)
    path = tmp_path / "general.json"
    SessionStore.create(
        path,
        name="general",
        questionnaire=load("general-en"),
        settings=SessionSettings(k=3, pin_salt=salt, pin_hash=digest),
    )
    app = CoherenceApp(start="run", session=path)
    assert snap_compare(app, press=["enter", "3"], terminal_size=(80, 24))


def test_kiosk_department_with_no_department_snapshot(
    snap_compare: Any, session_with_departments: Path
) -> None:
    app = CoherenceApp(start="run", session=session_with_departments)
    assert snap_compare(app, press=["enter", "1"], terminal_size=(80, 24))


def test_kiosk_still_there_snapshot(snap_compare: Any, session_path: Path) -> None:
    """The idle question over a participant's statement 2 (issue 11)."""
    from coherence_tui.screens.kiosk import KioskScreen

    async def idle(pilot: Any) -> None:
        await pilot.press("enter", "3", "5")
        screen = pilot.app.screen
        assert isinstance(screen, KioskScreen)
        screen._ask_still_there()  # what IDLE_SECONDS without a key leads to
        await pilot.pause()

    app = CoherenceApp(start="run", session=session_path)
    assert snap_compare(app, run_before=idle, terminal_size=(80, 24))
