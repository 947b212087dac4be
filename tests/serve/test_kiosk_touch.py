"""The kiosk by pointer and on a phone: taps for every choice, resume, the seat's events."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.widget import Widget

from coherence_tui.app import CoherenceApp
from coherence_tui.domain.model import Level, SessionSettings
from coherence_tui.domain.pin import hash_pin
from coherence_tui.screens.kiosk import KioskScreen
from coherence_tui.screens.pin import PinScreen
from coherence_tui.serve.seat_link import SeatLink
from coherence_tui.storage.questionnaires import load
from coherence_tui.storage.store import SessionStore
from coherence_tui.widgets.statement import Statement

PHONE = (40, 44)
"""A phone in portrait: 390x844 CSS px at the page's font size (tests/serve/test_browser)."""


async def wait_for(pilot: Any, condition: Callable[[], bool], seconds: float = 5.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    assert condition()


def kiosk(app: CoherenceApp) -> KioskScreen:
    screen = app.screen
    assert isinstance(screen, KioskScreen)
    return screen


def answers(path: Path) -> dict[str, int | None]:
    return {a.item: a.value for a in SessionStore.open(path).snapshot().answers}


async def test_every_kiosk_choice_works_by_tap(session: Path) -> None:
    app = CoherenceApp(start="web", session=session)
    async with app.run_test(size=PHONE) as pilot:
        await wait_for(pilot, lambda: kiosk(app).stage == "level")
        await pilot.click("#level-choice #choice-2")  # front line
        await wait_for(pilot, lambda: kiosk(app).stage == "department")
        await pilot.click("#department-choice #choice-1")  # Care
        await wait_for(pilot, lambda: kiosk(app).stage == "statement")
        await pilot.click("#answer-4")  # strongly agree
        await wait_for(pilot, lambda: app.screen.query_one(Statement).item_id == "s2")
        await pilot.click("#answer-5")  # don't know
        await wait_for(pilot, lambda: app.screen.query_one(Statement).item_id == "s3")
        await pilot.click("#statement-back")
        await wait_for(pilot, lambda: app.screen.query_one(Statement).item_id == "s2")
        assert app.screen.query_one("#answer-5").has_class("-cursor")  # the earlier answer
        await pilot.click("#answer-0")  # changed: strongly disagree
        await wait_for(pilot, lambda: app.screen.query_one(Statement).item_id == "s3")
    snapshot = SessionStore.open(session).snapshot()
    (participant,) = snapshot.participants
    assert (participant.level, participant.department) == (Level.FRONT_LINE, "Care")
    assert answers(session) == {"s1": 2, "s2": -2}


async def test_the_terminal_kiosk_takes_clicks_too(session: Path) -> None:
    app = CoherenceApp(start="kiosk", session=session)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.click("#welcome-card")
        await wait_for(pilot, lambda: kiosk(app).stage == "level")
        await pilot.click("#level-choice #choice-0")
        await wait_for(pilot, lambda: kiosk(app).stage == "department")
        await pilot.click("#department-choice #choice-0")
        await wait_for(pilot, lambda: kiosk(app).stage == "statement")
        await pilot.click("#answer-1")
        await wait_for(pilot, lambda: app.screen.query_one(Statement).item_id == "s2")
    assert answers(session) == {"s1": -1}


async def test_a_web_kiosk_continues_its_participant_at_the_first_unanswered_statement(
    session: Path,
) -> None:
    store = SessionStore.open(session)
    participant = store.add_participant(Level.MANAGEMENT, "Sales")
    for item, value in (("s1", 1), ("s2", None), ("s3", -2), ("s5", 2)):
        store.record_answer(participant.code, item, value)
    app = CoherenceApp(start="web", session=session, resume=participant.code)
    async with app.run_test(size=PHONE) as pilot:
        await wait_for(pilot, lambda: kiosk(app).stage == "statement")
        assert app.screen.query_one(Statement).item_id == "s4"
        await pilot.click("#statement-back")  # back walks the participant's own answers
        await wait_for(pilot, lambda: app.screen.query_one(Statement).item_id == "s3")
        assert app.screen.query_one("#answer-0").has_class("-cursor")
        for key in ("1", "3", "3", "3", "3", "3"):  # s3 again, s4, s5 again, s6 .. s8
            await pilot.press(key)
            await pilot.pause()
        await wait_for(pilot, lambda: kiosk(app).stage == "thanks")
    snapshot = SessionStore.open(session).snapshot()
    assert len(snapshot.participants) == 1 and snapshot.participants[0].finished
    assert answers(session) == {
        "s1": 1, "s2": None, "s3": -2, "s4": 0, "s5": 0, "s6": 0, "s7": 0, "s8": 0,
    }  # fmt: skip


async def test_the_seat_hears_when_its_participant_starts_and_finishes(session: Path) -> None:
    read, write = os.pipe()
    app = CoherenceApp(start="web", session=session, seat=SeatLink(write))
    async with app.run_test(size=PHONE) as pilot:
        await wait_for(pilot, lambda: kiosk(app).stage == "level")
        for key in ("1", "2", *"44444444"):
            await pilot.press(key)
            await pilot.pause()
        await wait_for(pilot, lambda: kiosk(app).stage == "thanks")
    os.close(write)
    with os.fdopen(read) as pipe:
        events = [json.loads(line) for line in pipe]
    (participant,) = SessionStore.open(session).snapshot().participants
    assert events == [{"participant": participant.code}, {"finished": participant.code}]


async def test_a_web_kiosk_ends_after_its_participant_and_has_no_facilitator_key(
    session: Path,
) -> None:
    app = CoherenceApp(start="web", session=session)
    async with app.run_test(size=PHONE) as pilot:
        await wait_for(pilot, lambda: kiosk(app).stage == "level")
        await pilot.press("f12", "ctrl+f", "ctrl+q", "ctrl+c")
        await pilot.pause()
        assert not isinstance(app.screen, PinScreen) and app.is_running
        for key in ("3", "1", *"55555555"):
            await pilot.press(key)
            await pilot.pause()
        await wait_for(pilot, lambda: kiosk(app).stage == "thanks")
        await pilot.click("#thanks-card")  # or wait a few seconds: the kiosk ends either way
        await wait_for(pilot, lambda: not app.is_running)
    assert app.return_code == 0


def _phone_session(directory: Path) -> Path:
    """The shipped general-en questionnaire: its longest scale label is the one to fit."""
    salt, digest = hash_pin("2468")
    path = directory / "phone.json"
    SessionStore.create(
        path,
        name="phone",
        questionnaire=load("general-en"),
        settings=SessionSettings(
            k=3, departments=("Customer care",), pin_salt=salt, pin_hash=digest
        ),
    )
    return path


def _targets(app: CoherenceApp) -> list[Widget]:
    return list(app.screen.query(".answer")) + list(app.screen.query(".choice"))


async def test_a_phone_sees_whole_scale_labels_and_targets_three_rows_tall(tmp_path: Path) -> None:
    path = _phone_session(tmp_path)
    labels = SessionStore.open(path).snapshot().questionnaire.scale.labels
    app = CoherenceApp(start="web", session=path)
    async with app.run_test(size=PHONE) as pilot:
        await wait_for(pilot, lambda: kiosk(app).stage == "level")
        assert kiosk(app).has_class("-phone")
        for choice in app.screen.query("#level-choice .choice"):
            assert choice.region.height >= 3 and choice.region.right <= PHONE[0]
        await pilot.press("2", "1")
        await wait_for(pilot, lambda: kiosk(app).stage == "instruction")  # format 2: a card
        await pilot.click("#instruction-card")
        await wait_for(pilot, lambda: kiosk(app).stage == "statement")
        await pilot.pause()
        options = [app.screen.query_one(f"#answer-{n}") for n in range(6)]
        options.append(app.screen.query_one("#statement-back"))
        for option in options:
            assert option.region.height >= 3, option.id  # >= 44 CSS px at 19 px a row
            assert option.region.right <= PHONE[0] and option.region.bottom <= PHONE[1]
        for n, label in enumerate(labels):
            content = app.screen.query_one(f"#answer-{n}").content_region
            assert content.width >= len(f"{n + 1}  {label}"), label  # one line, not cut
        assert len({o.region.y for o in options}) == len(options)  # stacked, one a row
