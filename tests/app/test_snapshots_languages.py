"""SVG snapshots of a kiosk offering English, Polish, Ukrainian and Russian (issue 11).

The shipped general questionnaire in all four languages, at 80x24: the language choice,
then in each language the level question (the welcome's words at its head) and statement
1. Update after a deliberate change with ``--snapshot-update`` and look at every SVG.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from coherence_tui.app import CoherenceApp
from tests.app.test_kiosk_languages import make_session

LANGUAGE_KEYS = {"en": "1", "pl": "2", "uk": "3", "ru": "4"}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_language_choice_snapshot(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    app = CoherenceApp(start="run", session=make_session(tmp_path))
    assert snap_compare(app, terminal_size=size)


@pytest.mark.parametrize("lang", list(LANGUAGE_KEYS))
def test_level_question_snapshot_in_each_language(
    snap_compare: Any, tmp_path: Path, lang: str
) -> None:
    app = CoherenceApp(start="run", session=make_session(tmp_path, departments=("Sales",)))
    assert snap_compare(app, press=[LANGUAGE_KEYS[lang]], terminal_size=(80, 24))


@pytest.mark.parametrize("lang", list(LANGUAGE_KEYS))
def test_statement_snapshot_in_each_language(snap_compare: Any, tmp_path: Path, lang: str) -> None:
    app = CoherenceApp(start="run", session=make_session(tmp_path))
    assert snap_compare(app, press=[LANGUAGE_KEYS[lang], "3", "enter"], terminal_size=(80, 24))
