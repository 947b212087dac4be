"""``report`` as text never cuts a word, down to 80 columns, in English and Polish (issue 12).

Short headings where the full ones do not fit, wrapped cells where even those do not:
nothing ends in "…". The text itself is pinned by plain-text snapshots at 80, 120 and 200
columns (``__snapshots__/test_report_width.ambr``).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from coherence_tui.output.richreport import print_report
from coherence_tui.services.demo import ensure_demo
from coherence_tui.services.insights import snapshot_report
from coherence_tui.storage.store import SessionStore
from tests.cli.conftest import Run

WIDTHS = (80, 120, 200)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ensure_demo(tmp_path_factory.mktemp("sessions"))


def render(path: Path, lang: str, width: int) -> str:
    snapshot = SessionStore.open(path).snapshot()
    out = io.StringIO()
    console = Console(file=out, width=width, color_system=None, highlight=False)
    print_report(snapshot, snapshot_report(snapshot, lang=lang), lang=lang, console=console)
    return out.getvalue()


@pytest.mark.parametrize("lang", ["en", "pl"])
@pytest.mark.parametrize("width", WIDTHS)
def test_report_text_matches_its_snapshot(demo: Path, lang: str, width: int, snapshot: Any) -> None:
    text = render(demo, lang, width)
    assert max(len(line) for line in text.splitlines()) <= width
    assert text == snapshot


@pytest.mark.parametrize(
    ("lang", "whole_words"),
    [
        ("en", ["Organisation (30)", "Customer Care (9)", "tipping (137)", "Declarations"]),
        ("pl", ["Organizacja (30)", "Customer Care (9)", "przewraca się", "Deklaracje"]),
    ],
)
def test_report_at_80_columns_cuts_nothing(run: Run, lang: str, whole_words: list[str]) -> None:
    run("demo", "--report", check=True)  # makes the demo session
    done = run("report", "demo", "--lang", lang, extra_env={"COLUMNS": "80"}, check=True)
    lines = done.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in done.stdout
    for words in whole_words:
        assert words in done.stdout
    # Headings are short at 80 columns (the stool above spells the factors out)...
    heading = {"en": "Group ", "pl": "Grupa "}[lang]
    short = {"en": "Decl.", "pl": "Dekl."}[lang]
    assert short in next(line for line in lines if line.startswith(heading))


def test_a_long_department_name_wraps_instead_of_being_cut(tmp_path: Path) -> None:
    from coherence_tui.domain.model import Level
    from tests.app.test_dashboard import workshop

    name = "Customer Experience Resolution Centre"  # 36 of the 40 allowed
    path = workshop(tmp_path, {lv: 3 for lv in Level}, departments=(name,))
    text = render(path, "en", 80)
    assert "…" not in text
    assert "Customer Experience" in text and "Resolution Centre" in text
