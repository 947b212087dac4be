"""What the room may see (DESIGN.md *Anonymity*, scoring version 2), on the live dashboard.

Participants are written through a second ``SessionStore`` on the same file, as a kiosk
in another process writes them, and the dashboard picks them up with its own poll; or
through the dashboard's own ``LiveSession``, as the kiosk of ``run`` does. Counts are
read from widget state (the report the ``Participation`` widget holds) and checked
against what it draws.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot

import coherence_tui.screens.dashboard as dashboard_module
import coherence_tui.storage.writes as store_module  # where the changes take their time
from coherence_tui.domain.disclosure import Suppression
from coherence_tui.domain.model import FACTORS, LEVELS, Level, SessionSettings, SessionState
from coherence_tui.domain.report import Report
from coherence_tui.screens.dashboard import DashboardScreen
from coherence_tui.storage.store import ImportRow, SessionStore
from coherence_tui.widgets.gap_chart import GapChart
from coherence_tui.widgets.level_chart import LevelChart, Plot
from coherence_tui.widgets.participation import Participation
from coherence_tui.widgets.recommendations import Recommendations
from coherence_tui.widgets.stool import Stool, StoolFigures
from tests.app.test_dashboard import ITEMS, DashApp, questionnaire, screen_text, wait_for

K = 3
B, M, F = Level.BOARD, Level.MANAGEMENT, Level.FRONT_LINE

SIGNED_FIGURE = re.compile(r"[+-]\d|±|\d\s?%")
"""A figure as the dashboard writes one: ``+37``, ``-4``, ``±21``, ``64%``."""

COUNTS = re.compile(r"Board (\d+) · Management (\d+) · Front line (\d+)")


@pytest.fixture(autouse=True)
def _fast_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    """The dashboard polls every 50 ms instead of 250 ms, so a step takes a few frames."""
    monkeypatch.setattr(dashboard_module, "POLL_SECONDS", 0.05)


def new_session(
    tmp_path: Path, *, k: int = K, departments: tuple[str, ...] = (), revealed: bool = True
) -> Path:
    path = tmp_path / "room.json"
    SessionStore.create(
        path,
        name="room",
        questionnaire=questionnaire(),
        settings=SessionSettings(k=k, departments=departments),
        state=SessionState(revealed=revealed),
    )
    return path


def import_people(
    path: Path, people: Sequence[tuple[Level, str | None]], answer: Callable[[int, str], int | None]
) -> None:
    """Everyone in ``people`` finished at one moment (an import), answering every item."""
    rows = [
        ImportRow(f"P{n:04d}", level, department, item, answer(n, item))
        for n, (level, department) in enumerate(people)
        for item in ITEMS
    ]
    SessionStore.open(path).import_answers(rows)


def dashboard(app: App[Any]) -> DashboardScreen:
    screen = app.screen
    assert isinstance(screen, DashboardScreen)
    return screen


def frame(app: App[Any]) -> tuple[dict[Level, int], Report]:
    """The room's participation counts now, from the widget, checked against what it draws."""
    participation = app.screen.query_one(Participation)
    report = participation.report
    assert report is not None
    counts = report.level_counts()
    drawn = COUNTS.search(str(participation.render()))
    assert drawn is not None
    assert tuple(int(n) for n in drawn.groups()) == tuple(counts[lv] for lv in LEVELS)
    return counts, report


def small_steps(before: dict[Level, int], after: dict[Level, int], k: int) -> list[str]:
    """The levels whose count moved by 1..k-1 people between two room views."""
    return [
        f"{lv.value} {before[lv]} -> {after[lv]}"
        for lv in LEVELS
        if 0 < abs(after[lv] - before[lv]) < k
    ]


async def until(pilot: Pilot[Any], condition: Callable[[], bool], what: str) -> None:
    """Let the app run (and poll) until ``condition`` holds; fail after two seconds."""
    for _ in range(100):
        if condition():
            await pilot.pause()  # the report reaches the widgets
            return
        await pilot.pause(0.02)
    raise AssertionError(f"the dashboard never saw {what}")


async def until_seen_finished(pilot: Pilot[Any], app: DashApp, code: str) -> None:
    """The dashboard polls the file on its own: wait until it has seen ``code`` finish."""
    await until(
        pilot,
        lambda: any(p.code == code and p.finished for p in app.live.participants),
        f"{code} finish",
    )


async def finish_one(
    pilot: Pilot[Any],
    app: DashApp,
    writer: str,
    store: SessionStore,
    level: Level,
    values: Sequence[int | None],
) -> None:
    """One participant answers every statement and finishes; the dashboard catches up."""
    if writer == "kiosk in another process":
        who = store.add_participant(level, None)
        for item, value in zip(ITEMS, values, strict=True):
            store.record_answer(who.code, item, value)
        store.finish_participant(who.code)
        await until_seen_finished(pilot, app, who.code)
    else:
        who = app.live.start_participant(level, None)
        for item, value in zip(ITEMS, values, strict=True):
            app.live.record_answer(who.code, item, value)
            dashboard(app).refresh_report()  # the kiosk of `run` does this after each answer
        app.live.finish_participant(who.code)
        dashboard(app).refresh_report()
    await pilot.pause()


# Levels in the order people leave the kiosk: 4 board, 5 management, 6 front line.
ARRIVALS = (F, B, F, M, B, F, M, M, B, F, F, M, B, F, M)


def answers_of(n: int) -> list[int | None]:
    """Varied answers, a don't know now and then (every figure moves with each person)."""
    return [None if (n + i) % 7 == 0 else (n * 3 + i * 5) % 5 - 2 for i in range(len(ITEMS))]


@pytest.mark.parametrize("writer", ["kiosk in another process", "kiosk of this app"])
async def test_room_never_sees_fewer_than_k_people_join_a_level(
    tmp_path: Path, writer: str
) -> None:
    path = new_session(tmp_path, revealed=False)
    app = DashApp(path)
    other = SessionStore.open(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        other.update_state(SessionState(revealed=True))
        await wait_for(pilot, app, "Whole organisation", within=2)
        # Every report the participation widget is given, not only those after each step.
        pushed: list[dict[Level, int]] = []
        participation = app.screen.query_one(Participation)
        participation.watch(
            participation,
            "report",
            lambda report: pushed.append(report.level_counts()) if report else None,
        )
        frames = [frame(app)]
        for n, level in enumerate(ARRIVALS):
            await finish_one(pilot, app, writer, other, level, answers_of(n))
            frames.append(frame(app))

        seen = [counts for counts, _ in frames]
        for step, (before, after) in enumerate(itertools.pairwise(seen), 1):
            assert not small_steps(before, after, K), f"after finish {step}: {seen}"
        assert pushed[0] == seen[0] and pushed[-1] == seen[-1]
        for before, after in itertools.pairwise(pushed):
            assert not small_steps(before, after, K), pushed
        # Not vacuous: the room saw a batch while answers were still coming in...
        assert {B: 3, M: 3, F: 3} in seen
        # ... and between two views with the same people, no figure moved either.
        for (before, old), (after, new) in itertools.pairwise(frames):
            if before == after:
                assert new.answers == old.answers
                assert new.group("all") == old.group("all")
        # People who finished after the last batch are still held back.
        assert seen[-1] == {B: 3, M: 3, F: 3}

        other.update_state(SessionState(revealed=True, ended=True))
        await wait_for(pilot, app, "Session ended")
        counts, report = frame(app)
        assert counts == {B: 4, M: 5, F: 6}  # once ended, everyone counts
        assert report.answers == len(ARRIVALS) * len(ITEMS)


def plot_text(chart: LevelChart) -> str:
    plot = chart.query_one(Plot)
    return "\n".join(plot.render_line(y).text for y in range(plot.size.height))


def figure_widgets_text(app: App[Any]) -> dict[str, str]:
    """What the stool, the key figures, the gap chart and the recommendations show.

    Whitespace is collapsed, so a sentence wrapped over two rows reads as one.
    """
    screen = app.screen
    gap = screen.query_one(GapChart)
    shown = {
        "stool": "\n".join(line.plain for line in screen.query_one(Stool).content_lines()),
        "figures": str(screen.query_one(StoolFigures).render()),
        "gap": str(gap.render()),
        "recommendations": str(screen.query_one(Recommendations).render()),
    }
    return {where: " ".join(text.split()) for where, text in shown.items()}


async def test_a_session_with_every_level_below_k_shows_counts_and_no_figure(
    tmp_path: Path,
) -> None:
    path = new_session(tmp_path)
    import_people(path, [(B, None)] * 2 + [(M, None)] * 1 + [(F, None)] * 2, lambda n, i: 2)
    SessionStore.open(path).update_state(SessionState(revealed=True, ended=True))
    app = DashApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = dashboard(app)
        for step in range(4):  # all, board, management, front line, then back to all
            for metric in ("score", "favourable"):
                text = screen_text(app)
                assert "Board 2 · Management 1 · Front line 2" in text
                shown = figure_widgets_text(app)
                assert "hidden for anonymity" in shown["stool"], (screen.group_key, shown)
                assert "hidden for anonymity" in shown["figures"]
                for where, content in shown.items():
                    assert not SIGNED_FIGURE.search(content), (screen.group_key, where, content)
                group = screen.query_one(Stool).group
                assert group is not None and group.suppressed
                assert screen.query_one(StoolFigures).group == group
                # The level chart draws no bar (its axis ticks are not figures).
                chart = screen.query_one(LevelChart)
                assert chart.report is not None
                assert all(chart.report.group(lv).suppressed for lv in LEVELS)
                assert "█" not in plot_text(chart)
                assert screen.metric == metric
                await pilot.press("m")
                await pilot.pause()
            await pilot.press("g")
            await pilot.pause()
            assert step < 3 or screen.group_key == "all"
        assert screen.report is not None
        assert screen.report.recommendations == ()


async def test_a_department_hidden_for_subtraction_says_so_and_shows_no_figure(
    tmp_path: Path,
) -> None:
    # Front line 4 = 3 in Sales + 1 in Care; nobody else in Sales. Publishing Sales next
    # to the front line would give the Care person's answers as 4 x front line - 3 x Sales.
    path = new_session(tmp_path, departments=("Sales", "Care"))
    people = [(B, None)] * 3 + [(M, None)] * 3 + [(F, "Sales")] * 3 + [(F, "Care")]
    import_people(path, people, lambda n, item: 2 if n == 9 else (n + len(item)) % 3 - 1)
    app = DashApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = dashboard(app)
        assert "Board 3 · Management 3 · Front line 4" in screen_text(app)
        assert screen.report is not None
        assert list(screen.report.groups) == [
            "all",
            "board",
            "management",
            "front_line",
            "department:Sales",
            "department:Care",
        ]
        await pilot.press("g", "g", "g")
        await pilot.pause()
        assert "Group: Front line" in screen_text(app)
        assert SIGNED_FIGURE.search(figure_widgets_text(app)["figures"])  # the level shows

        await pilot.press("g")
        await pilot.pause()
        assert screen.group_key == "department:Sales"
        text = screen_text(app)
        assert "Group: Department Sales" in text
        shown = figure_widgets_text(app)
        for where in ("stool", "figures"):
            assert "would reveal fewer than 3 people" in shown[where]
            assert "hidden for anonymity" in shown[where]
            assert not SIGNED_FIGURE.search(shown[where]), (where, shown[where])
        sales = screen.query_one(Stool).group
        assert sales is not None and sales.suppressed
        assert sales.reason is Suppression.SUBTRACTION
        assert sales.factors == {} and sales.overall is None

        await pilot.press("g")
        await pilot.pause()
        assert screen.group_key == "department:Care"
        shown = figure_widgets_text(app)
        assert "fewer than 3 participants" in shown["stool"]
        assert not SIGNED_FIGURE.search(shown["stool"] + shown["figures"])


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_rehearsal_session_says_so_on_the_dashboard(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    path = new_session(tmp_path, k=2)
    import_people(path, [(B, None)] * 2 + [(F, None)] * 2, lambda n, item: 1)
    app = DashApp(path)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        header = screen_text(app).splitlines()[0]
        assert "Rehearsal k=2" in header
        assert "Board 2" in screen_text(app)  # groups of 2 show figures in a rehearsal
        report = dashboard(app).report
        assert report is not None and not report.group(B).suppressed


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_rehearsal_notice_leaves_the_group_and_metric_readable(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    path = new_session(tmp_path, k=2)
    import_people(path, [(B, None)] * 2 + [(F, None)] * 2, lambda n, item: 1)
    app = DashApp(path)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        header = screen_text(app).splitlines()[0].rstrip()
        assert "Rehearsal" in header
        # Nothing cut off at the screen's edge: the header still ends with the metric,
        # as it does in a session that is not a rehearsal.
        assert header.endswith("score"), header


async def test_a_real_session_does_not_say_rehearsal(tmp_path: Path) -> None:
    path = new_session(tmp_path, k=3)
    import_people(path, [(B, None)] * 3, lambda n, item: 1)
    app = DashApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "Rehearsal" not in screen_text(app)


def unsure_front_line(n: int, item: str) -> int:
    """Declarations and behaviours +2 for all; resources +2, +1, 0 person by person.

    Resources is the short leg by 100 points (tipping), but one person sits at 0 and one
    at 200 from it: the 90 % interval of the mean difference reaches far below 60.
    """
    return 2 - n if item.startswith("r") else 2


async def test_an_unconfident_stool_state_is_shown_with_a_question_mark(tmp_path: Path) -> None:
    path = new_session(tmp_path)
    import_people(path, [(F, None)] * 3, unsure_front_line)
    app = DashApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("g", "g", "g")
        await pilot.pause()
        screen = dashboard(app)
        assert screen.group_key == "front_line"
        group = screen.query_one(Stool).group
        assert group is not None
        assert group.stool is not None and group.stool.value == "tipping"
        assert group.stool_confident is False
        shown = figure_widgets_text(app)
        assert "TIPPING?" in shown["stool"]
        assert "tipping?" in shown["figures"]
        assert "+200 ±0" in shown["figures"]  # declarations: everyone +2
        assert "+100 ±" in shown["figures"]  # resources, with a wide margin
        for factor in FACTORS:
            assert group.ci90.get(factor) is not None


# -- the room rule against the ways people actually leave the kiosk --------------------


async def test_a_participant_closed_before_answering_does_not_shrink_a_batch_below_k(
    tmp_path: Path,
) -> None:
    # The facilitator's "next participant" closes someone who chose a level and walked
    # away: finished, without any answer. Two people with answers plus that one make a
    # "batch of 3" in which only 2 count: the room must not see those 2 arrive together.
    path = new_session(tmp_path)
    app = DashApp(path)
    other = SessionStore.open(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        frames = [frame(app)[0]]
        await finish_one(pilot, app, "kiosk in another process", other, F, [1] * len(ITEMS))
        frames.append(frame(app)[0])
        await finish_one(pilot, app, "kiosk in another process", other, F, [-1] * len(ITEMS))
        frames.append(frame(app)[0])
        walked_away = other.add_participant(F, None)
        other.finish_participant(walked_away.code)
        await until_seen_finished(pilot, app, walked_away.code)
        frames.append(frame(app)[0])
        for before, after in itertools.pairwise(frames):
            assert not small_steps(before, after, K), frames


async def test_a_finish_in_the_same_second_as_an_import_waits_for_its_own_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An import (paper answers) stores a one-second finish time, a kiosk a microsecond
    # one. A kiosk finish later in the same second must not join the import's batch after
    # the fact: the room would see the kiosk's participants arrive one at a time.
    clock = itertools.count(1)
    monkeypatch.setattr(store_module, "utc_now", lambda: "2026-03-02T10:00:00Z")
    monkeypatch.setattr(
        store_module, "utc_now_precise", lambda: f"2026-03-02T10:00:00.{next(clock):06d}Z"
    )
    path = new_session(tmp_path)
    import_people(path, [(B, None)] * 3 + [(M, None)] * 3 + [(F, None)] * 3, lambda n, i: 1)
    app = DashApp(path)
    other = SessionStore.open(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        frames = [frame(app)[0]]
        assert frames[0] == {B: 3, M: 3, F: 3}
        for value in (2, -2, 0):
            await finish_one(pilot, app, "kiosk in another process", other, F, [value] * 9)
            frames.append(frame(app)[0])
        for before, after in itertools.pairwise(frames):
            assert not small_steps(before, after, K), frames
        assert frames[-1] == {B: 3, M: 3, F: 6}


async def test_raising_k_mid_session_never_shows_fewer_than_k_new_people(
    tmp_path: Path,
) -> None:
    # k may be raised once answers are in (DESIGN.md). Three front-line people are on the
    # screen, two more wait for a batch; raising k to 4 must not release one of them alone.
    path = new_session(tmp_path)
    app = DashApp(path)
    other = SessionStore.open(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        frames = [frame(app)[0]]
        for n in range(5):
            await finish_one(pilot, app, "kiosk in another process", other, F, answers_of(n))
            frames.append(frame(app)[0])
        assert frames[-1][F] == 3
        for before, after in itertools.pairwise(frames):
            assert not small_steps(before, after, K), frames
        settings = other.snapshot().settings
        other.update_settings(settings.model_copy(update={"k": 4}))
        await until(pilot, lambda: app.live.settings.k == 4, "k raised to 4")
        raised = frame(app)[0]
        assert not small_steps(frames[-1], raised, 4), [*frames, raised]
        assert raised[F] >= frames[-1][F]  # nobody the room has seen disappears


async def test_level_chart_legend_names_every_hidden_level(tmp_path: Path) -> None:
    path = new_session(tmp_path)
    import_people(path, [(B, None)] * 2 + [(M, None)] * 1 + [(F, None)] * 2, lambda n, i: 2)
    SessionStore.open(path).update_state(SessionState(revealed=True, ended=True))
    app = DashApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        # On screen, not just in the widget's text: the legend must fit its row.
        legend = next(row for row in screen_text(app).splitlines() if "██ Board" in row)
        for name in ("Board", "Management", "Front line"):
            assert f"{name} hidden" in legend, legend
        assert "fewer than 3" in legend, legend
