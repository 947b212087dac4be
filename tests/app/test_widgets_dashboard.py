"""The dashboard's widgets draw what they are given: Report parts built by hand."""

from __future__ import annotations

import re

from textual.app import App, ComposeResult

from coherence_tui.domain.disclosure import Suppression
from coherence_tui.domain.model import FACTORS, Factor, Level, StoolState
from coherence_tui.domain.report import GAP_PAIRS, Gap, GroupScores, Recommendation, Report
from coherence_tui.widgets.gap_chart import GapChart
from coherence_tui.widgets.level_chart import LevelChart, level_values, snap
from coherence_tui.widgets.participation import Participation, participation_line
from coherence_tui.widgets.recommendations import Recommendations
from coherence_tui.widgets.stool import Stool, StoolFigures
from coherence_tui.widgets.stool_picture import draw_stool, leg_length, signed

D, R, B = Factor.DECLARATIONS, Factor.RESOURCES, Factor.BEHAVIOURS


def scores(
    key: str = "all",
    *,
    d: float | None = 120.0,
    r: float | None = -40.0,
    b: float | None = 60.0,
    n: int = 12,
    stool: StoolState | None = StoolState.TIPPING,
    margins: dict[Factor, float] | None = None,
    confident: bool | None = True,
) -> GroupScores:
    """A group with scores; ``margins`` gives each factor's 90 % interval half-width."""
    factors = {D: d, R: r, B: b}
    known = [v for v in factors.values() if v is not None]
    ci90 = {
        f: None if v is None or margins is None else (v - margins[f], v + margins[f])
        for f, v in factors.items()
    }
    return GroupScores(
        key=key,
        n=n,
        suppressed=False,
        factors=factors,
        ci90=ci90,
        favourable_pct={D: 81.0, R: 22.5, B: 64.0},
        overall=sum(known) / len(known) if known else None,
        imbalance=max(known) - min(known) if known else None,
        stool=stool,
        stool_confident=confident,
    )


def hidden(key: str, n: int, reason: Suppression = Suppression.FEWER_THAN_K) -> GroupScores:
    return GroupScores(key, n, True, reason=reason)


def report(*, board_hidden: bool = False) -> Report:
    groups = {
        "all": scores(),
        "board": hidden("board", 2) if board_hidden else scores("board", d=173, r=131, b=157, n=4),
        "management": scores("management", d=90, r=10, b=40, n=5),
        "front_line": scores("front_line", d=30, r=-110, b=20, n=12),
    }
    gaps = {}
    for a, bb in GAP_PAIRS:
        if board_hidden and Level.BOARD in (a, bb):
            gaps[f"{a.value}-{bb.value}"] = Gap(a, bb, True)
        else:
            ga, gb = groups[a.value], groups[bb.value]
            diff = {f: (ga.factors[f] or 0) - (gb.factors[f] or 0) for f in FACTORS}
            gaps[f"{a.value}-{bb.value}"] = Gap(
                a, bb, False, factors=diff, overall=sum(diff.values()) / 3
            )
    recs = (
        Recommendation("executive_disconnect", "First: the board and the front line disagree."),
        Recommendation("weakest_leg", "Second: resources are the weakest leg."),
    )
    return Report("s", "q", 3, groups, gaps, {}, recs, participants=21, answers=187)


def test_leg_length_maps_minus_200_to_a_stub_and_plus_200_to_full_length() -> None:
    assert leg_length(-200, 16) == 1
    assert leg_length(-500, 16) == 1
    assert leg_length(0, 16) == 8
    assert leg_length(200, 16) == 16
    assert leg_length(100, 16) == 12
    assert leg_length(None, 16) == 0


def test_signed_whole_numbers() -> None:
    assert signed(41.6) == "+42"
    assert signed(-7.2) == "-7"
    assert signed(0.2) == "+0"


def test_stool_draws_legs_proportional_labels_and_seat_tilting_to_the_shortest() -> None:
    drawing = draw_stool(scores(), "en", width=48, max_len=16)
    assert drawing.legs == {D: 13, R: 6, B: 10}
    assert drawing.shortest is R
    text = "\n".join(line.plain for line in drawing.lines)
    assert "+47" in text  # overall (120 - 40 + 60) / 3
    assert "TIPPING" in text
    assert "leans towards Resources" in text
    for label in ("Declarations", "Resources", "Behaviours", "+120", "-40", "+60"):
        assert label in text
    # One straight plank (no sag): with the middle leg short it stays level on the taller
    # outer leg and the middle leg hangs below it.
    assert len(set(drawing.seat_rows)) == 1
    tilted = draw_stool(scores(d=-150, r=60, b=120), "en", width=48, max_len=16)
    assert tilted.shortest is D
    assert tilted.seat_rows[0] > tilted.seat_rows[-1]  # down towards declarations, left


def test_stool_legs_column_heights_match_leg_lengths() -> None:
    drawing = draw_stool(scores(d=200, r=-200, b=0), "en", width=48, max_len=10)
    grid = [line.plain for line in drawing.lines]
    floor = next(i for i, line in enumerate(grid) if "─" * 10 in line)
    third = 48 // 3
    centres = [third * i + third // 2 for i in range(3)]
    heights = []
    for col in centres:
        h = 0
        for row in range(floor - 1, -1, -1):
            line = grid[row]
            if col < len(line) and line[col] == "█":
                h += 1
            else:
                break
        heights.append(h)
    # Legs are 10, 1 and 5 rows; the seat may add a full block right on top.
    assert heights[0] in (10, 11) and heights[1] in (1, 2) and heights[2] in (5, 6)


def test_a_stable_stool_stands_steady_instead_of_leaning() -> None:
    drawing = draw_stool(
        scores(d=50, r=40, b=45, stool=StoolState.STABLE), "en", width=48, max_len=8
    )
    text = "\n".join(line.plain for line in drawing.lines)
    assert "STABLE" in text
    assert "stands steady" in text
    assert "leans" not in text


def test_stool_in_polish_uses_polish_names_and_state() -> None:
    drawing = draw_stool(scores(stool=StoolState.WOBBLY), "pl", width=48, max_len=8)
    text = "\n".join(line.plain for line in drawing.lines)
    assert "Deklaracje" in text and "Zasoby" in text and "Zachowania" in text
    assert "CHWIEJNY" in text
    assert "przechyla się w stronę: Zasoby" in text


def test_level_values_leave_a_suppressed_level_without_figures() -> None:
    values = level_values(report(board_hidden=True), "score")
    assert values[Level.BOARD] is None
    assert values[Level.FRONT_LINE] == [30.0, -110.0, 20.0]
    assert level_values(report(), "favourable")[Level.MANAGEMENT] == [81.0, 22.5, 64.0]


def test_chart_values_snap_to_the_cells_a_bar_can_show() -> None:
    # 400 points over 16 rows: 25 points a row.
    assert snap(112.0, -200, 200, 16) == 100.0
    assert snap(113.0, -200, 200, 16) == 125.0
    assert snap(-37.4, -200, 200, 16) == -25.0
    assert snap(64.0, 0, 100, 4) == 75.0


def test_participation_line_counts_each_level_and_answers() -> None:
    line = participation_line(report(), "en")
    assert line == "Board 4 · Management 5 · Front line 12 · 187 answers"
    assert participation_line(report(), "pl").startswith("Zarząd 4 · Kadra kierownicza 5")


class WidgetsApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Stool()
        yield StoolFigures()
        yield Participation()
        yield Recommendations()
        yield LevelChart()
        yield GapChart()


def visible_text(app: App[None]) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_stool_widget_colours_by_state_and_hides_a_suppressed_group() -> None:
    app = WidgetsApp()
    async with app.run_test(size=(100, 60)) as pilot:
        stool = app.query_one(Stool)
        stool.group = scores(stool=StoolState.STABLE)
        await pilot.pause()
        assert stool.has_class("-stable") and not stool.has_class("-tipping")
        drawing = stool.drawing()
        assert drawing is not None
        seat_line = drawing.lines[drawing.seat_rows[0]]
        seat_spans = [
            s for s in seat_line.spans if set(seat_line.plain[s.start : s.end]) & set("█▀▄")
        ]
        success = app.theme_variables["success"].lower()
        assert any(str(span.style).lower().find(success) >= 0 for span in seat_spans)
        stool.group = scores(stool=StoolState.TIPPING)
        await pilot.pause()
        assert stool.has_class("-tipping") and not stool.has_class("-stable")
        stool.k = 4
        stool.group = hidden("board", 2)
        await pilot.pause()
        text = visible_text(app)
        assert "hidden for anonymity: fewer than 4 participants" in text
        assert "TIPPING" not in text


async def test_charts_and_lists_show_the_report_and_hide_the_suppressed_level() -> None:
    app = WidgetsApp()
    async with app.run_test(size=(120, 70)) as pilot:
        rep = report(board_hidden=True)
        app.query_one(Participation).report = rep
        app.query_one(Recommendations).recommendations = rep.recommendations
        app.query_one(LevelChart).report = rep
        app.query_one(GapChart).report = rep
        await pilot.pause()
        text = visible_text(app)
        assert "Board 2 · Management 5 · Front line 12" in text
        assert text.index("1. First: the board") < text.index("2. Second: resources")
        assert "Board hidden: fewer than 3" in text
        assert "hidden for anonymity: fewer than 3 participants" in text  # the gap chart
        app.query_one(GapChart).report = report()
        await pilot.pause()
        # The label, its bar and its figure on one row.
        assert re.search(r"Declarations +│█+ +\+143", visible_text(app))  # 173 - 30


async def test_a_group_without_answers_says_so_instead_of_hidden() -> None:
    app = WidgetsApp()
    async with app.run_test(size=(100, 60)) as pilot:
        app.query_one(Stool).group = hidden("all", 0)
        app.query_one(StoolFigures).group = hidden("all", 0)
        await pilot.pause()
        text = visible_text(app)
        assert text.count("No answers yet") == 2
        assert "hidden" not in text


async def test_stool_redraws_in_the_new_theme_colours() -> None:
    app = WidgetsApp()
    async with app.run_test(size=(100, 60)) as pilot:
        stool = app.query_one(Stool)
        stool.group = scores()
        await pilot.pause()
        app.theme = "textual-light"
        await pilot.pause()
        await pilot.pause()
        leg = stool.get_component_rich_style("stool--leg")
        painted = {
            segment.style.color
            for y in range(stool.content_size.height)
            for segment in stool.render_line(y)
            if segment.style is not None and segment.text.strip("█") == "" and segment.text
        }
        assert leg.color in painted


def test_stool_drawing_marks_an_unconfident_state_with_a_question_mark() -> None:
    unsure = draw_stool(scores(confident=False), "en", width=48, max_len=8)
    text = "\n".join(line.plain for line in unsure.lines)
    assert "TIPPING?" in text
    sure = draw_stool(scores(confident=True), "en", width=48, max_len=8)
    assert "TIPPING?" not in "\n".join(line.plain for line in sure.lines)
    polish = draw_stool(scores(stool=StoolState.WOBBLY, confident=False), "pl", width=48, max_len=8)
    assert "CHWIEJNY?" in "\n".join(line.plain for line in polish.lines)


async def test_an_unconfident_stool_state_is_shown_with_a_question_mark() -> None:
    app = WidgetsApp()
    async with app.run_test(size=(100, 60)) as pilot:
        group = scores(confident=False, margins={D: 30.0, R: 45.0, B: 20.0})
        app.query_one(Stool).group = group
        app.query_one(StoolFigures).group = group
        await pilot.pause()
        text = visible_text(app)
        assert "TIPPING?" in text  # the stool's figure line
        assert "tipping?" in text  # the key figures' imbalance line
        app.query_one(Stool).group = scores(confident=True)
        app.query_one(StoolFigures).group = scores(confident=True)
        await pilot.pause()
        text = visible_text(app)
        assert "TIPPING" in text and "tipping" in text
        assert "?" not in text


async def test_key_figures_show_each_score_with_its_margin_and_favourable_percent() -> None:
    app = WidgetsApp()
    async with app.run_test(size=(100, 60)) as pilot:
        figures = app.query_one(StoolFigures)
        figures.group = scores(margins={D: 21.0, R: 8.4, B: 35.6})
        await pilot.pause()
        lines = visible_text(app).splitlines()
        row = {
            name: next(line for line in lines if name in line)
            for name in ("Declarations", "Resources", "Behaviours")
        }
        assert "+120 ±21" in row["Declarations"] and "81%" in row["Declarations"]
        assert "-40 ±8" in row["Resources"] and "22%" in row["Resources"]  # 22.5 rounds to even
        assert "+60 ±36" in row["Behaviours"] and "64%" in row["Behaviours"]
        header = next(line for line in lines if "score" in line)
        assert "favourable %" in header
        assert "agree" not in visible_text(app)
        # Without an interval (n < 2 behind a factor) the score stands alone.
        figures.group = scores()
        await pilot.pause()
        assert "±" not in visible_text(app)


async def test_a_department_hidden_for_subtraction_says_why_and_shows_no_figure() -> None:
    app = WidgetsApp()
    async with app.run_test(size=(100, 60)) as pilot:
        sales = hidden("department:Sales", 3, Suppression.SUBTRACTION)
        app.query_one(Stool).group = sales
        app.query_one(StoolFigures).group = sales
        await pilot.pause()
        text = visible_text(app)
        assert text.count("would reveal fewer than 3 people") == 2
        assert "fewer than 3 participants" not in text
        stool_text = "\n".join(line.plain for line in app.query_one(Stool).content_lines())
        figures_text = str(app.query_one(StoolFigures).render())
        for shown in (stool_text, figures_text):
            assert "would reveal fewer than 3 people" in shown
            assert not re.search(r"[+-]\d|\d%|±", shown)


async def test_recommendations_list_the_statements_they_cite() -> None:
    app = WidgetsApp()
    async with app.run_test(size=(120, 60)) as pilot:
        app.query_one(Recommendations).recommendations = (
            Recommendation(
                "lowest_items",
                "These statements score lowest.",
                levels=(Level.FRONT_LINE,),
                items=(
                    ("r1", "Our systems show a customer's whole history."),
                    ("b2", "We call back."),
                ),
            ),
            Recommendation("weakest_leg", "Resources are the weakest leg."),
        )
        await pilot.pause()
        lines = visible_text(app).splitlines()
        first = next(i for i, line in enumerate(lines) if "1. These statements" in line)
        assert "Our systems show a customer's whole history. (r1)" in lines[first + 1]
        assert "We call back. (b2)" in lines[first + 2]
        assert "2. Resources are the weakest leg." in lines[first + 3]


async def test_key_figures_header_keeps_its_columns_apart_in_polish() -> None:
    app = WidgetsApp()
    async with app.run_test(size=(100, 60)) as pilot:
        figures = app.query_one(StoolFigures)
        figures.lang = "pl"
        figures.group = scores(margins={D: 21.0, R: 8.4, B: 35.6})
        await pilot.pause()
        header = str(figures.render()).splitlines()[0]
        assert re.search(r"wynik\s+% przychyl\.", header), header


class ShortRecommendationsApp(App[None]):
    """The recommendations box as the dashboard sizes it: by the screen, not its content."""

    CSS = "Recommendations { height: 7; width: 44; }"

    def compose(self) -> ComposeResult:
        yield Recommendations()


async def test_a_recommendation_too_tall_for_its_box_is_never_cut_mid_statement() -> None:
    cited = (
        ("R01", "Employees who serve customers can see the full history of each contact."),
        ("R02", "There is a clear procedure for a problem that does not fit the usual rules."),
    )
    app = ShortRecommendationsApp()
    async with app.run_test(size=(60, 12)) as pilot:
        box = app.query_one(Recommendations)
        box.recommendations = (
            Recommendation(
                "executive_disconnect",
                "The board and the front line see resources differently: ask each side "
                "what it sees day to day.",
                items=cited,
            ),
        )
        await pilot.pause()
        shown = " ".join(visible_text(app).replace("│", " ").split())
        for item_id, text in cited:
            first_words = " ".join(text.split()[:3])
            if first_words in shown:
                assert f"{text} ({item_id})" in shown, shown


async def test_wrapped_recommendations_hang_under_their_number_and_their_arrow() -> None:
    app = ShortRecommendationsApp()
    async with app.run_test(size=(60, 12)) as pilot:
        box = app.query_one(Recommendations)
        box.recommendations = (
            Recommendation(
                "weakest_leg",
                "Resources are the weakest leg of the whole organisation: ask what is missing.",
                items=(("R01", "Employees can see the full history of each customer contact."),),
            ),
        )
        await pilot.pause()
        lines = [line.strip("│").rstrip() for line in visible_text(app).splitlines()[1:6]]
        first = next(i for i, line in enumerate(lines) if line.lstrip().startswith("1. "))
        assert lines[first + 1].startswith("    ") and lines[first + 1][4] != " ", lines
        cited = next(i for i, line in enumerate(lines) if "›" in line)
        assert lines[cited + 1].startswith("      ") and lines[cited + 1][6] != " ", lines
