"""The dashboard on real session files: suppression, hidden results, switching, other processes."""

from __future__ import annotations

import asyncio
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot

import coherence_tui.storage.writes as store_module  # where the changes take their time
from coherence_tui.app import CoherenceApp
from coherence_tui.domain.model import (
    Factor,
    Item,
    Level,
    Questionnaire,
    Scale,
    SessionSettings,
    SessionState,
)
from coherence_tui.messages import LanguageChanged
from coherence_tui.screens.dashboard import DashboardScreen
from coherence_tui.services.live import LiveSession
from coherence_tui.storage.store import ImportRow, SessionStore
from coherence_tui.widgets.level_chart import LevelChart
from coherence_tui.widgets.stool import Stool, StoolFigures

EARLIER = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")

ITEMS = ("d1", "d2", "d3", "r1", "r2", "r3", "b1", "b2", "b3")
"""Three statements a factor: the fewest behind a factor score (DESIGN.md, Figures)."""

# Mean answer per level and factor: board values give +173-ish figures nobody else has.
PROFILE = {
    Level.BOARD: {"d": 2, "r": 2, "b": 1},
    Level.MANAGEMENT: {"d": 1, "r": 0, "b": 1},
    Level.FRONT_LINE: {"d": 1, "r": -2, "b": 0},
}


FACTOR_OF = {"d": Factor.DECLARATIONS, "r": Factor.RESOURCES, "b": Factor.BEHAVIOURS}


def questionnaire() -> Questionnaire:
    def item(item_id: str, factor: Factor) -> Item:
        return Item(id=item_id, factor=factor, area="service", text=f"Statement {item_id} here.")

    return Questionnaire(
        id="dash-test",
        version="1",
        language="en",
        title="Dashboard test",
        company_type="general",
        scale=Scale(labels=("--", "-", "0", "+", "++"), dont_know="?"),
        items=tuple(item(item_id, FACTOR_OF[item_id[0]]) for item_id in ITEMS),
    )


def workshop(
    tmp_path: Path,
    counts: dict[Level, int],
    *,
    k: int = 3,
    revealed: bool = True,
    ended: bool = False,
    departments: tuple[str, ...] = (),
) -> Path:
    """A session whose participants have all finished, with answers from ``PROFILE``.

    They are imported in one write, so they finished at one moment: the room sees them
    all at once when every level holds 0 or at least k of them, else (until the session
    is ended) none of them. The import is stamped an hour before the test runs, as a
    workshop's earlier answers are (a finish stamped within the import's second is
    ``test_dashboard_anonymity``'s business).
    """
    path = tmp_path / "workshop.json"
    store = SessionStore.create(
        path,
        name="workshop",
        questionnaire=questionnaire(),
        settings=SessionSettings(k=k, departments=departments),
        state=SessionState(revealed=revealed, ended=ended),
    )
    rows = []
    for level, count in counts.items():
        for n in range(count):
            code = f"{level.value[:2].upper()}{n:04d}"
            dept = departments[n % len(departments)] if departments else None
            for item_id in ITEMS:
                rows.append(ImportRow(code, level, dept, item_id, PROFILE[level][item_id[0]]))
    with pytest.MonkeyPatch.context() as clock:
        clock.setattr(store_module, "utc_now", lambda: EARLIER)
        store.import_answers(rows)
    return path


class DashApp(App[None]):
    """Pushes the dashboard for a session, as the facilitator (``readonly=False``) does."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        super().__init__()
        self.live = LiveSession(SessionStore.open(path))
        self.readonly = readonly

    def on_mount(self) -> None:
        self.push_screen(DashboardScreen(self.live, readonly=self.readonly))


def screen_text(app: App[Any]) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_dashboard_shows_stool_figures_and_participation(tmp_path: Path) -> None:
    path = workshop(tmp_path, {Level.BOARD: 3, Level.MANAGEMENT: 4, Level.FRONT_LINE: 5})
    app = DashApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Board 3 · Management 4 · Front line 5" in text
        assert "108 answers" in text
        # all = mean of the three levels: declarations (200+100+100)/3 = +133
        stool = app.screen.query_one(Stool)
        assert stool.group is not None
        assert stool.group.key == "all"
        assert "+133" in text
        assert "leans towards Resources" in text


async def test_a_two_person_board_holds_back_the_live_room_until_the_session_ends(
    tmp_path: Path,
) -> None:
    # Everyone finished at one moment, the board with 2 (< k): releasing that moment
    # would show the room 2 board members, so nobody is shown while answers come in.
    path = workshop(tmp_path, {Level.BOARD: 2, Level.MANAGEMENT: 4, Level.FRONT_LINE: 5})
    app = DashApp(path)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Board 0 · Management 0 · Front line 0" in text
        assert "+167" not in text and "+133" not in text
        SessionStore.open(path).update_state(SessionState(revealed=True, ended=True))
        await wait_for(pilot, app, "Board 2 · Management 4 · Front line 5")


async def test_board_below_k_is_hidden_on_dashboard(tmp_path: Path) -> None:
    path = workshop(
        tmp_path, {Level.BOARD: 2, Level.MANAGEMENT: 4, Level.FRONT_LINE: 5}, ended=True
    )
    app = DashApp(path)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        # The board's own figures (declarations +200, overall +167) appear nowhere.
        assert "+200 " not in text.replace("+200┤", "")  # the chart's axis tick is not a figure
        assert "+167" not in text
        assert "Board hidden: fewer than 3" in text
        assert "hidden: fewer than 3" in text
        assert "Board 2" in text  # its count is shown
        await pilot.press("g")  # all -> board
        await pilot.pause()
        text = screen_text(app)
        assert "Group: Board" in text
        assert "hidden for anonymity: fewer than 3 participants" in text
        board = app.screen.query_one(Stool).group
        assert board is not None
        assert board.suppressed
        assert "+167" not in text
        assert "leans towards" not in text


async def test_hidden_results_show_participation_only(tmp_path: Path) -> None:
    path = workshop(
        tmp_path, {Level.BOARD: 3, Level.MANAGEMENT: 3, Level.FRONT_LINE: 3}, revealed=False
    )
    app = DashApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Results are hidden" in text
        assert "Board 3 · Management 3 · Front line 3" in text
        assert "+133" not in text
        assert "Where to act first" not in text
        # Not just out of view: the result widgets hold no figures at all.
        assert app.screen.query_one(Stool).group is None
        assert app.screen.query_one(StoolFigures).group is None
        assert app.screen.query_one(LevelChart).report is None
        # The facilitator reveals from another process: figures appear within a second.
        SessionStore.open(path).update_state(SessionState(revealed=True))
        await wait_for(pilot, app, "+133")
        assert "Results are hidden" not in screen_text(app)


async def test_group_and_metric_switch_with_keys(tmp_path: Path) -> None:
    path = workshop(
        tmp_path,
        {Level.BOARD: 3, Level.MANAGEMENT: 3, Level.FRONT_LINE: 3},
        departments=("Sales", "Care", "Ops"),
    )
    app = DashApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        assert "g Group" in screen_text(app)
        assert "m Metric" in screen_text(app)
        seen = []
        for _ in range(7):
            seen.append(screen.group_key)
            await pilot.press("g")
        # Departments largest first; these tie at 3, so by name in code-point order.
        assert seen == [
            "all",
            "board",
            "management",
            "front_line",
            "department:Care",
            "department:Ops",
            "department:Sales",
        ]
        assert screen.group_key == "all"  # wrapped round
        await pilot.press("g", "g", "g")
        await pilot.pause()
        text = screen_text(app)
        assert "Group: Front line" in text
        # Front line resources: everyone answered -2, so the interval has no width.
        assert "-200 ±0" in text
        await pilot.press("m")
        await pilot.pause()
        text = screen_text(app)
        assert "Metric: favourable %" in text
        assert "Favourable % by level" in text
        assert "agree" not in text.lower().replace("disagree", "")
        assert screen.query_one(LevelChart).metric == "favourable"
        assert screen.query_one(StoolFigures).metric == "favourable"
        await pilot.press("m")
        assert screen.metric == "score"


async def test_escape_leaves_the_facilitators_dashboard(tmp_path: Path) -> None:
    path = workshop(tmp_path, {Level.BOARD: 3})
    app = DashApp(path, readonly=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert "q Quit" not in screen_text(app)
        await pilot.press("q")
        assert app.is_running
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, DashboardScreen)


async def test_projector_dashboard_quits_with_q(tmp_path: Path) -> None:
    path = workshop(tmp_path, {Level.BOARD: 3})
    app = CoherenceApp(start="dashboard", session=path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert app.screen.readonly
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_refresh_report_shows_in_process_finishes_once_they_make_a_batch(
    tmp_path: Path,
) -> None:
    path = workshop(tmp_path, {Level.BOARD: 3, Level.MANAGEMENT: 3, Level.FRONT_LINE: 3})
    app = DashApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        before = screen.report
        assert before is not None
        for n in range(3):
            who = app.live.start_participant(Level.FRONT_LINE, None)
            app.live.record_answer(who.code, "d1", -2)
            screen.refresh_report()
            # Neither an answer nor one or two finished people show before a batch of k.
            report = screen.report
            assert report is not None
            assert report.answers == before.answers
            assert report.level_counts()[Level.FRONT_LINE] == 3
            app.live.finish_participant(who.code)
            screen.refresh_report()
            report = screen.report
            assert report is not None
            if n < 2:
                assert report.level_counts()[Level.FRONT_LINE] == 3
        report = screen.report
        assert report is not None
        assert report is not before
        assert report.answers == before.answers + 3
        assert report.level_counts()[Level.FRONT_LINE] == 6
        await pilot.pause()
        assert "Front line 6" in screen_text(app)


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from coherence_tui.domain.model import Level
    from coherence_tui.storage.store import SessionStore

    store = SessionStore.open(Path(sys.argv[1]))
    for n in range(3):
        p = store.add_participant(Level.MANAGEMENT, None)
        for item in ("d1", "d2", "d3", "r1", "r2", "r3", "b1", "b2", "b3"):
            store.record_answer(p.code, item, -2)
        store.finish_participant(p.code)
    print("written", flush=True)
    """
)


async def wait_for(pilot: Pilot[Any], app: App[Any], needle: str, within: float = 2.0) -> float:
    """Seconds until ``needle`` is on screen; fails after ``within`` seconds."""
    start = time.monotonic()
    while time.monotonic() - start < within:
        await pilot.pause(0.02)
        if needle in screen_text(app):
            return time.monotonic() - start
    raise AssertionError(f"{needle!r} not on screen after {within} s:\n{screen_text(app)}")


async def test_dashboard_follows_answers_written_by_another_process(tmp_path: Path) -> None:
    path = workshop(tmp_path, {Level.BOARD: 3, Level.MANAGEMENT: 0, Level.FRONT_LINE: 3})
    app = DashApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "Management 0" in screen_text(app)
        # The dashboard keeps running (and polling) while the other process writes.
        writer = await asyncio.create_subprocess_exec(
            sys.executable, "-c", WRITER, str(path), stderr=asyncio.subprocess.PIPE
        )
        _, stderr = await asyncio.wait_for(writer.communicate(), 30)
        assert writer.returncode == 0, stderr.decode()
        written_at = time.monotonic()
        await wait_for(pilot, app, "Management 3", within=1.5)
        assert time.monotonic() - written_at < 1.0
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        assert screen.report is not None
        assert screen.report.group(Level.MANAGEMENT).factors[Factor.DECLARATIONS] == -200


async def test_language_change_relabels_the_dashboard(tmp_path: Path) -> None:
    path = workshop(tmp_path, {Level.BOARD: 3, Level.MANAGEMENT: 3, Level.FRONT_LINE: 3})
    app = DashApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "g Group" in screen_text(app)
        app.screen.post_message(LanguageChanged("pl"))
        await pilot.pause()
        text = screen_text(app)
        assert "g Grupa" in text
        assert "m Miara" in text
        assert "Deklaracje" in text
        assert "Zarząd 3 · Kadra kierownicza 3 · Pierwsza linia 3" in text
        assert "Spójność obsługi klienta" in text


async def test_header_says_when_the_session_is_paused_or_ended(tmp_path: Path) -> None:
    path = workshop(tmp_path, {Level.BOARD: 3})
    app = DashApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "Paused" not in screen_text(app)
        store = SessionStore.open(path)
        store.update_state(SessionState(revealed=True, paused=True))
        await wait_for(pilot, app, "Paused")
        store.update_state(SessionState(revealed=True, ended=True))
        await wait_for(pilot, app, "Session ended")
        assert "workshop" in screen_text(app).splitlines()[0]  # the session's name


async def test_projector_keeps_its_figures_when_the_session_file_goes_missing(
    tmp_path: Path,
) -> None:
    path = workshop(tmp_path, {Level.BOARD: 3, Level.MANAGEMENT: 3, Level.FRONT_LINE: 3})
    app = CoherenceApp(start="dashboard", session=path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "+133" in screen_text(app)
        path.rename(tmp_path / "moved.json")
        await pilot.pause(0.6)
        assert app.is_running
        assert "+133" in screen_text(app)
        assert any(str(path.name) in str(n.message) for n in app._notifications)


async def test_escape_returns_from_the_dashboard_to_the_facilitator_menu(tmp_path: Path) -> None:
    from coherence_tui.screens.facilitator import FacilitatorScreen

    path = workshop(tmp_path, {Level.BOARD: 3, Level.MANAGEMENT: 3, Level.FRONT_LINE: 3})
    app = CoherenceApp(start="demo", session=path)  # the demo opens on the dashboard
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert not app.screen.readonly
        assert "esc Back" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FacilitatorScreen)


async def test_gap_chart_draws_bars_once_a_hidden_gap_fills_in(tmp_path: Path) -> None:
    from coherence_tui.widgets.gap_chart import GapChart

    path = tmp_path / "empty.json"
    SessionStore.create(
        path,
        name="empty",
        questionnaire=questionnaire(),
        settings=SessionSettings(k=2),
        state=SessionState(revealed=True),
    )
    app = CoherenceApp(start="dashboard", session=path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Rehearsal k=2" in text
        assert "hidden for anonymity: fewer than 2" in text
        SessionStore.open(path).import_answers(
            [
                ImportRow(f"{level.value[:2]}{n}", level, None, item_id, value)
                for level, value in ((Level.BOARD, 2), (Level.FRONT_LINE, -2))
                for n in range(3)
                for item_id in ITEMS
            ]
        )
        await wait_for(pilot, app, "Front line 3", within=1.5)
        await pilot.pause()
        chart = app.screen.query_one(GapChart)
        drawn = "".join(chart.render_line(y).text for y in range(chart.size.height))
        assert chart.size.height > 0
        assert "█" in drawn


async def test_first_frame_needs_no_scipy_and_the_intervals_follow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The projector's first frame has the exact figures; the recommendations (and a
    level's 90 % margins) come once scipy is loaded (in a thread, after that frame)."""
    import threading

    import coherence_tui.domain.stats as stats
    import coherence_tui.screens.dashboard as dashboard_module
    from coherence_tui.services.demo import ensure_demo
    from coherence_tui.widgets.recommendations import Recommendations

    release = threading.Event()
    monkeypatch.setattr(stats, "quantiles_loaded", lambda: False)
    monkeypatch.setattr(dashboard_module, "quantiles_loaded", lambda: False)
    monkeypatch.setattr(dashboard_module, "load_quantiles", lambda: release.wait(10))
    app = CoherenceApp(start="dashboard", session=ensure_demo(tmp_path))
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause(0.2)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        first = screen.report
        assert first is not None and first.intervals_pending
        assert first.recommendations == ()
        figures = str(screen.query_one(StoolFigures).render())
        assert "Declarations" in figures
        assert all(group.ci90 == dict.fromkeys(group.ci90) for group in first.groups.values())
        assert "Weighing the evidence" in str(screen.query_one(Recommendations).render())
        release.set()
        for _ in range(100):
            await pilot.pause(0.05)
            if screen.report is not first:
                break
        complete = screen.report
        assert complete is not None and not complete.intervals_pending
        assert complete.recommendations  # the demo session has some
        assert complete.groups["all"].factors == first.groups["all"].factors
        assert str(screen.query_one(StoolFigures).render()) == figures  # `all` has no margin
        assert str(screen.query_one(Recommendations).render()).startswith("1. ")
        await pilot.press("g")  # the board: a level, with its 90 % margins
        await pilot.pause()
        assert "±" in str(screen.query_one(StoolFigures).render())
