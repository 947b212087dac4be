"""The dashboard read from the back of the room (issue 12): a gap chart at every size,
``m`` moving every figure, a "more" marker on recommendations, nothing cut in Polish, the
high-contrast projector theme, and the anonymity rules behind each new figure."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from textual.app import App

from coherence_tui.app import CoherenceApp
from coherence_tui.domain.model import FACTORS, Level
from coherence_tui.screens.dashboard import DashboardScreen
from coherence_tui.services.demo import ensure_demo
from coherence_tui.storage.store import SessionStore
from coherence_tui.widgets.gap_chart import GapChart, gap_figures
from coherence_tui.widgets.level_chart import LevelChart
from coherence_tui.widgets.recommendations import Recommendations
from coherence_tui.widgets.stool import Stool, StoolFigures
from coherence_tui.widgets.themes import HIGH_CONTRAST
from tests.app.test_dashboard import DashApp, screen_text, workshop

SIZES = [(80, 24), (120, 40), (200, 50)]


@pytest.fixture
def demo_session(tmp_path: Path) -> Path:
    return ensure_demo(tmp_path)


def dashboard(app: App[Any]) -> DashboardScreen:
    screen = app.screen
    assert isinstance(screen, DashboardScreen)
    return screen


def gap_rows(app: App[Any]) -> list[str]:
    chart = app.screen.query_one(GapChart)
    return [chart.render_line(y).text for y in range(chart.size.height)]


def shown(app: App[Any]) -> dict[str, str]:
    """What the stool, key figures and gap chart show, whitespace collapsed."""
    screen = app.screen
    texts = {
        "stool": "\n".join(line.plain for line in screen.query_one(Stool).content_lines()),
        "figures": str(screen.query_one(StoolFigures).render()),
        "gap": "\n".join(gap_rows(app)),
    }
    return {where: " ".join(text.split()) for where, text in texts.items()}


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40", "200x50"])
async def test_every_size_shows_a_gap_chart_with_each_label_on_its_bar(
    demo_session: Path, size: tuple[int, int]
) -> None:
    app = CoherenceApp(start="dashboard", session=demo_session)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = dashboard(app)
        chart = screen.query_one(GapChart)
        assert chart.display and chart.region.height >= 5
        report = screen.report
        assert report is not None
        figures = gap_figures(report, "score")
        assert figures is not None and not figures.suppressed
        rows = gap_rows(app)
        for factor, value in zip(FACTORS, figures.factors, strict=True):
            assert value is not None
            names = (f"{factor.value[:3].capitalize()}", factor.value.capitalize())
            row = next(r for r in rows if any(name in r for name in names))
            # The name, a bar and the figure on one row (the demo's gaps are all positive).
            assert re.search(r"│█+ +\+" + str(round(value)) + r"\b", row), row


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40", "200x50"])
@pytest.mark.parametrize("lang", ["en", "pl"])
async def test_nothing_on_the_dashboard_is_cut(
    demo_session: Path, size: tuple[int, int], lang: str
) -> None:
    app = CoherenceApp(start="dashboard", session=demo_session, lang=lang)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for metric in ("score", "favourable"):
            text = screen_text(app)
            assert "…" not in text, (metric, text)
            words = ("Deklaracje", "Zasoby", "Zachowania") if lang == "pl" else ("Resources",)
            for word in words:
                assert word in text
            state = "PRZEWRACA SIĘ" if lang == "pl" else "TIPPING"
            assert state in text  # the stool's state, whole, in the headline
            await pilot.press("m")
            await pilot.pause()


async def test_m_changes_every_figure_shown(demo_session: Path) -> None:
    app = CoherenceApp(start="dashboard", session=demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = dashboard(app)
        report = screen.report
        assert report is not None
        whole = report.group("all")
        board, front = report.group(Level.BOARD), report.group(Level.FRONT_LINE)
        score = shown(app)
        stool_before = screen.query_one(Stool).drawing()
        await pilot.press("m")
        await pilot.pause()
        favourable = shown(app)
        assert screen.metric == "favourable"
        stool_after = screen.query_one(Stool).drawing()
        assert stool_before is not None and stool_after is not None
        # Legs on 0..100 % instead of -200..+200: lengths change with the metric.
        assert stool_after.legs != stool_before.legs
        for f in FACTORS:
            pct = whole.favourable_pct[f]
            factor_score = whole.factors[f]
            assert pct is not None and factor_score is not None
            assert f"{round(pct)}%" in favourable["stool"]
            assert f"{round(factor_score):+d}" not in favourable["stool"]
            gap = board.favourable_pct[f] - front.favourable_pct[f]  # type: ignore[operator]
            assert f"{round(gap):+d} pp" in favourable["gap"]
        mean = sum(whole.favourable_pct[f] or 0.0 for f in FACTORS) / 3
        assert favourable["stool"].startswith(f"{round(mean)}%")
        assert f"Overall {round(mean)}%" in favourable["figures"]
        assert "pp" not in score["gap"] and "pp" in favourable["gap"]
        assert score["figures"] != favourable["figures"]
        await pilot.press("m")
        await pilot.pause()
        assert shown(app) == score


async def test_recommendations_say_how_many_more_and_r_pages_through_all(
    demo_session: Path,
) -> None:
    app = CoherenceApp(start="dashboard", session=demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = dashboard(app)
        total = len(screen.query_one(Recommendations).recommendations)
        assert total > 2
        assert f"Recommendations: {total} — press r" in screen_text(app)
        numbers: list[int] = []
        for _ in range(total + 1):
            await pilot.press("r")
            await pilot.pause()
            if not screen.has_class("-recs-full"):
                break
            text = screen_text(app)
            page = [int(n) for n in re.findall(r"^│ (\d)\. ", text, re.MULTILINE)]
            assert page, text
            numbers += page
            more = re.search(r"\+(\d+) more — press r", text)
            left = total - page[-1]
            assert (int(more.group(1)) if more else 0) == left
        assert numbers == list(range(1, total + 1))
        assert not screen.has_class("-recs-full")
        assert screen.query_one(Stool).display


async def test_a_wide_dashboard_marks_the_recommendations_left_out(demo_session: Path) -> None:
    app = CoherenceApp(start="dashboard", session=demo_session)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        recommendations = dashboard(app).query_one(Recommendations)
        total = len(recommendations.recommendations)
        text = screen_text(app)
        last = max(int(n) for n in re.findall(r"│ (\d)\. ", text))
        assert f"+{total - last} more — press r" in text


async def test_c_switches_to_the_projector_theme_with_patterned_legends(
    demo_session: Path,
) -> None:
    app = CoherenceApp(start="dashboard", session=demo_session)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        theme = app.theme
        screen = dashboard(app)
        legend = str(screen.query_one(LevelChart).query_one(".legend").render())
        assert "▒" not in legend
        await pilot.press("c")
        await pilot.pause()
        assert app.theme == HIGH_CONTRAST
        assert screen.has_class("-high-contrast")
        legend = str(screen.query_one(LevelChart).query_one(".legend").render())
        # Each level's swatch is its bar's pattern: readable without colour.
        assert "██ Board" in legend and "▒▒ Management" in legend and "░░ Front line" in legend
        await pilot.press("c")
        await pilot.pause()
        assert app.theme == theme


async def test_the_projector_follows_the_sessions_high_contrast_setting(
    demo_session: Path,
) -> None:
    app = CoherenceApp(start="dashboard", session=demo_session)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.theme != HIGH_CONTRAST
        other = SessionStore.open(demo_session)  # the facilitator's process
        other.update_settings(other.head().settings.model_copy(update={"high_contrast": True}))
        for _ in range(100):
            await pilot.pause(0.02)
            if app.theme == HIGH_CONTRAST:
                break
        assert app.theme == HIGH_CONTRAST
        assert dashboard(app).has_class("-high-contrast")


# -- anonymity: the new figures go through the disclosure rules ---------------------------

SIGNED = re.compile(r"[+-]\d|\d\s?%|\bpp\b")


async def test_gap_bars_and_favourable_figures_never_show_a_level_below_k(
    tmp_path: Path,
) -> None:
    # Two board members (k = 3): the board is not publishable, so no board - front line
    # gap in any metric, however the room switches metric and group. (Ended: the room sees
    # everyone, not only the batches of k.)
    path = workshop(
        tmp_path, {Level.BOARD: 2, Level.MANAGEMENT: 4, Level.FRONT_LINE: 5}, ended=True
    )
    app = DashApp(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = dashboard(app)
        report = screen.report
        assert report is not None and report.group(Level.BOARD).suppressed
        assert not report.group(Level.FRONT_LINE).suppressed
        assert not report.group("all").suppressed
        for _ in range(2):
            gap_text = shown(app)["gap"]
            assert "hidden for anonymity" in gap_text
            assert not SIGNED.search(gap_text), gap_text
            figures = shown(app)["figures"]
            assert "Board − front line hidden" in figures
            assert not re.search(r"Board − front line [+-]\d", figures)
            for metric in ("score", "favourable"):
                figures_of = gap_figures(report, metric)  # type: ignore[arg-type]
                assert figures_of is not None and figures_of.suppressed
                assert figures_of.factors == () and figures_of.overall is None
            await pilot.press("m")
            await pilot.pause()
        # The board's own stool, in either metric: hidden, no figure.
        await pilot.press("g")
        await pilot.pause()
        assert screen.group_key == "board"
        for _ in range(2):
            stool = shown(app)["stool"]
            assert "hidden for anonymity" in stool
            assert not SIGNED.search(stool + shown(app)["figures"])
            await pilot.press("m")
            await pilot.pause()


async def test_the_favourable_gap_is_the_difference_of_figures_already_published(
    tmp_path: Path,
) -> None:
    path = workshop(tmp_path, {Level.BOARD: 3, Level.MANAGEMENT: 3, Level.FRONT_LINE: 3})
    app = DashApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        report = dashboard(app).report
        assert report is not None
        figures = gap_figures(report, "favourable")
        assert figures is not None and not figures.suppressed
        board, front = report.group(Level.BOARD), report.group(Level.FRONT_LINE)
        for f, value in zip(FACTORS, figures.factors, strict=True):
            a, b = board.favourable_pct[f], front.favourable_pct[f]
            assert a is not None and b is not None and value == a - b


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_every_group_in_polish_fits_its_boxes(
    demo_session: Path, size: tuple[int, int]
) -> None:
    # Textual wraps a line too long for its box and cuts what then overflows the box's
    # height: every line of the key figures and the gap chart must fit, in every group
    # and metric ("Nierównowaga 137 przewraca się" at 80 columns).
    app = CoherenceApp(start="dashboard", session=demo_session, lang="pl")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = dashboard(app)
        report = screen.report
        assert report is not None
        for _ in range(len(report.groups)):
            for _metric in range(2):
                for widget in (screen.query_one(StoolFigures), screen.query_one(GapChart)):
                    width, height = widget.content_size
                    lines = str(widget.render()).splitlines()
                    assert len(lines) <= height, (screen.group_key, lines)
                    for line in lines:
                        assert len(line) <= width, (screen.group_key, screen.metric, line)
                await pilot.press("m")
                await pilot.pause()
            await pilot.press("g")
            await pilot.pause()
