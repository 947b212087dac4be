"""Pilot drives every screen after the reveal: the kiosk's prediction stage, the discussion
queue and its spotlight, predictions, the chain and heat maps, the comparison, the action
plan and the closing screen, and the archive. Real session files in ``tmp_path``."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.widgets import Input, OptionList, Static

from coherence_tui.app import CoherenceApp
from coherence_tui.domain.model import Level, SessionSettings, SessionState
from coherence_tui.domain.pin import hash_pin
from coherence_tui.screens.facilitator import FacilitatorScreen
from coherence_tui.screens.insight_views import ChainScreen, CompareScreen, PredictionsScreen
from coherence_tui.screens.plan import ActionForm, ClosingScreen, PlanScreen
from coherence_tui.screens.queue import QueueScreen, SpotlightScreen
from coherence_tui.storage.questionnaires import load
from coherence_tui.storage.store import ImportRow, SessionStore

SIZE = (120, 40)
PIN = "2468"


def workshop(
    path: Path, *, revealed: bool = True, board: int = 3, seed: int = 3, ended: bool = False
) -> Path:
    """general-en, k = 3: a board that agrees, a front line that does not, estimates."""
    q = load("general-en")
    salt, digest = hash_pin(PIN)
    store = SessionStore.create(
        path,
        name=path.stem,
        questionnaire=q,
        settings=SessionSettings(
            k=3,
            departments=("Sales", "Care"),
            prediction_round=True,
            pin_salt=salt,
            pin_hash=digest,
        ),
        state=SessionState(revealed=revealed),
    )
    rng = random.Random(seed)
    rows = []
    for level, count, mean in ((Level.BOARD, board, 2), (Level.FRONT_LINE, 4, -1)):
        for n in range(count):
            for item in q.items:
                value = max(-2, min(2, mean + rng.choice((-1, 0, 1))))
                rows.append(
                    ImportRow(
                        f"{level.value[:2]}{n}",
                        level,
                        "Sales",
                        item.id,
                        -value if item.reverse else value,
                    )
                )
    store.import_answers(rows)
    for n in range(board):
        for item in q.predict_items:
            store.record_prediction(f"bo{n}", item.id, 90)
    if ended:
        store.update_state(SessionState(revealed=revealed, ended=True))
    return path


async def open_menu(pilot: object) -> None:
    await pilot.press("f12", *PIN, "enter")  # type: ignore[attr-defined]


def text_of(app: CoherenceApp, selector: str = "#view-text") -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_board_member_estimates_after_the_last_statement(tmp_path: Path) -> None:
    path = workshop(tmp_path / "ws.json", revealed=False)
    app = CoherenceApp(start="run", session=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "1")  # welcome, board
        await pilot.press("1")  # department Sales
        await pilot.press("enter")  # the questionnaire's instruction
        for _ in load("general-en").items:
            await pilot.press("4")
        kiosk = app.screen
        assert kiosk.stage == "prediction"  # type: ignore[attr-defined]
        assert "Estimate 1 / 5" in str(kiosk.query_one("#prediction-count").render())
        await pilot.press("7")  # 70 %
        await pilot.press("right", "right", "enter")  # the first arrow shows 50, then 55 %
        await pilot.press("backspace")  # back to estimate 2, which shows 55 %
        assert "55 %" in str(kiosk.query_one("#prediction-value").render())
        await pilot.press("enter", "0", "3", "9")  # keep 55, skip one, 30 %, 90 %
        assert kiosk.stage == "thanks"  # type: ignore[attr-defined]
    estimates = [
        p
        for p in SessionStore.open(path).snapshot().predictions
        if not p.participant.startswith("bo")
    ]
    assert [(p.item, p.value) for p in estimates] == [
        ("B22", 90),
        ("R03", 70),
        ("R05", 55),
        ("R06", None),
        ("R15", 30),
    ]


async def test_front_line_and_revealed_sessions_skip_the_prediction_stage(
    tmp_path: Path,
) -> None:
    path = workshop(tmp_path / "ws.json", revealed=True)
    app = CoherenceApp(start="run", session=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "1", "1")  # a board member, but results are revealed
        await pilot.press("enter")  # the questionnaire's instruction
        for _ in load("general-en").items:
            await pilot.press("4")
        assert app.screen.stage == "thanks"  # type: ignore[attr-defined]


async def test_queue_lists_the_largest_gap_first_and_spotlights_it(tmp_path: Path) -> None:
    path = workshop(tmp_path / "ws.json")
    app = CoherenceApp(start="run", session=path)
    async with app.run_test(size=SIZE) as pilot:
        await open_menu(pilot)
        await pilot.press("u")
        assert isinstance(app.screen, QueueScreen)
        queue = app.screen.entries
        assert queue and abs(queue[0].gap) >= abs(queue[-1].gap)
        first = text_of(app)
        assert queue[0].item.text in first and queue[0].item.prompts[0] in first
        await pilot.press("down")
        assert queue[1].item.text in text_of(app)
        await pilot.press("f")
        assert isinstance(app.screen, SpotlightScreen) and app.screen.index == 1
        await pilot.press("right")
        assert queue[2].item.text in text_of(app)
        await pilot.press("escape", "escape")
        assert isinstance(app.screen, FacilitatorScreen)


async def test_views_show_nothing_while_results_are_hidden(tmp_path: Path) -> None:
    path = workshop(tmp_path / "ws.json", revealed=False)
    app = CoherenceApp(start="run", session=path)
    async with app.run_test(size=SIZE) as pilot:
        await open_menu(pilot)
        for key, screen in (("u", QueueScreen), ("v", PredictionsScreen), ("h", ChainScreen)):
            await pilot.press(key)
            assert isinstance(app.screen, screen)
            assert "Results are hidden" in text_of(app)
            await pilot.press("escape")


async def test_predictions_screen_hides_two_board_estimates_at_k_3(tmp_path: Path) -> None:
    # Ended, so everyone counts (a board of 2 would otherwise hold the room's batch back).
    path = workshop(tmp_path / "ws.json", board=2, ended=True)
    app = CoherenceApp(start="run", session=path)
    async with app.run_test(size=SIZE) as pilot:
        await open_menu(pilot)
        await pilot.press("v")
        shown = text_of(app)
        assert "Board: hidden" in shown and "90 %" not in shown
        assert "Front line actually" in shown


async def test_predictions_chain_and_heat_maps_are_drawn(tmp_path: Path) -> None:
    path = workshop(tmp_path / "ws.json")
    app = CoherenceApp(start="run", session=path)
    async with app.run_test(size=SIZE) as pilot:
        await open_menu(pilot)
        await pilot.press("v")
        assert "Board expected" in text_of(app) and "90 %" in text_of(app)
        await pilot.press("escape", "h")
        assert isinstance(app.screen, ChainScreen)
        drawn = text_of(app)
        assert "Breaks at" in drawn and "response_speed" in drawn
        assert "Heat map · level × area" in drawn and "Sales" in drawn
        await pilot.press("g")  # the board's chain
        assert "Board" in str(app.screen.query_one("#view-title", Static).render())


async def test_action_plan_add_edit_remove_and_the_closing_screen(tmp_path: Path) -> None:
    path = workshop(tmp_path / "ws.json")
    app = CoherenceApp(start="run", session=path)
    async with app.run_test(size=SIZE) as pilot:
        await open_menu(pilot)
        await pilot.press("u", "a")  # an action about the top statement of the queue
        assert isinstance(app.screen, ActionForm)
        form = app.screen
        form.query_one("#form-what", Input).value = "Fix the busiest queue"
        form.query_one("#form-owner", Input).value = "Head of Care"
        form.query_one("#form-first_step", Input).value = "Map the peaks"
        form.query_one("#form-kpi", Input).value = "waiting time"
        late = datetime.now(UTC).date() + timedelta(days=45)
        form.query_one("#form-due", Input).value = late.isoformat()
        form.query_one("#form-review", Input).value = (late + timedelta(days=30)).isoformat()
        form.query_one("#form-kpi", Input).focus()
        await pilot.press("enter")
        assert "within 30 days" in str(form.query_one("#form-error", Static).render())
        soon = datetime.now(UTC).date() + timedelta(days=10)
        form.query_one("#form-due", Input).value = soon.isoformat()
        await pilot.press("enter")
        assert not isinstance(app.screen, ActionForm)
        await pilot.press("escape", "a")  # the queue, then the plan from the menu
        assert isinstance(app.screen, PlanScreen)
        assert app.screen.query_one(OptionList).option_count == 1
        await pilot.press("escape", "z")
        assert isinstance(app.screen, ClosingScreen)
        assert "Fix the busiest queue" in text_of(app) and "Head of Care" in text_of(app)
        await pilot.press("escape", "a", "x", "y")  # remove it again
        assert app.screen.query_one(OptionList).option_count == 0
    assert SessionStore.open(path).snapshot().actions == ()


async def test_archive_makes_the_plan_read_only(tmp_path: Path) -> None:
    path = workshop(tmp_path / "ws.json")
    app = CoherenceApp(start="run", session=path)
    async with app.run_test(size=SIZE) as pilot:
        await open_menu(pilot)
        await pilot.press("x")  # not ended yet: refused with a notice
        assert not app.live.archived  # type: ignore[union-attr]
        await pilot.press("e", "y", "x", "y")
        assert app.live.archived  # type: ignore[union-attr]
        await pilot.press("a", "a")
        assert isinstance(app.screen, PlanScreen)  # the add key does nothing now
        assert "archived" in text_of(app)
    assert SessionStore.open(path).snapshot().state.archived


async def test_compare_with_an_earlier_workshop_and_refuse_another_questionnaire(
    tmp_path: Path,
) -> None:
    path = workshop(tmp_path / "now.json", seed=1)
    workshop(tmp_path / "before.json", seed=2)
    SessionStore.create(
        tmp_path / "shop.json",
        name="shop",
        questionnaire=load("retail-services-en"),
        settings=SessionSettings(k=3),
    )
    app = CoherenceApp(start="run", session=path)
    async with app.run_test(size=SIZE) as pilot:
        await open_menu(pilot)
        await pilot.press("w")
        assert isinstance(app.screen, CompareScreen)
        options = app.screen.query_one(OptionList)
        names = [options.get_option_at_index(i).prompt for i in range(options.option_count)]
        assert sorted(str(n) for n in names) == ["before", "shop"]
        options.highlighted = [str(n) for n in names].index("before")
        await pilot.press("enter")
        assert "Change from before to now" in text_of(app)
        options.highlighted = [str(n) for n in names].index("shop")
        await pilot.press("enter")
        assert "item ids do not match" in text_of(app)


async def test_projector_opens_a_read_only_queue(tmp_path: Path) -> None:
    path = workshop(tmp_path / "ws.json")
    app = CoherenceApp(start="dashboard", session=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("u")
        assert isinstance(app.screen, QueueScreen) and not app.screen.editable
        await pilot.press("a")
        assert isinstance(app.screen, QueueScreen)  # no plan editing from a projector


def test_after_reveal_strings_exist_in_english_and_polish() -> None:
    import re

    import coherence_tui
    from coherence_tui.i18n import after

    assert after.EN.keys() == after.PL.keys()
    assert all(after.PL[key].strip() for key in after.PL)
    root = Path(coherence_tui.__file__).parent
    used = {
        key
        for source in (
            "screens/queue.py",
            "screens/plan.py",
            "screens/insight_views.py",
            "screens/results_view.py",
            "widgets/after_reveal.py",
        )
        for key in re.findall(r'\bt\(\s*(?:f?)"(after\.[a-z_.]+)"', (root / source).read_text())
    }
    assert used and used <= after.EN.keys(), used - after.EN.keys()
