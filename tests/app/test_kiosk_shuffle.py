"""Each participant's shuffled statement order (issue 11): per participant, factors
interleaved, resumable, and never changing what is stored or scored."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from coherence_tui.app import CoherenceApp
from coherence_tui.domain.model import Factor, Level, SessionSettings
from coherence_tui.domain.order import interleaved, participant_order, resumed_order
from coherence_tui.domain.pin import hash_pin
from coherence_tui.services.live import LiveSession
from coherence_tui.storage.questionnaires import load
from coherence_tui.storage.store import SessionStore
from coherence_tui.widgets.statement import Statement
from tests.app.conftest import PIN
from tests.app.test_kiosk import SIZE, kiosk, wait_for

GENERAL = load("general-en")


def test_interleaved_is_a_permutation_and_deterministic() -> None:
    order = interleaved(GENERAL.items, "ABC234")
    assert sorted(item.id for item in order) == sorted(item.id for item in GENERAL.items)
    assert order == interleaved(GENERAL.items, "ABC234")
    assert order != interleaved(GENERAL.items, "XYZ789")
    assert [i.id for i in order] != [i.id for i in GENERAL.items]


def test_interleaved_spreads_the_factors() -> None:
    counts = Counter(item.factor for item in GENERAL.items)
    order = interleaved(GENERAL.items, "ABC234")
    # No factor runs longer than its share of the order allows (equal factors alternate).
    longest = max(counts.values())
    shortest = min(counts.values())
    allowed = -(-longest // shortest)  # ceil
    run = 1
    for before, after in zip(order, order[1:], strict=False):
        run = run + 1 if before.factor is after.factor else 1
        assert run <= allowed
    # Every factor appears among the first three statements.
    assert {item.factor for item in order[:3]} == set(counts)


@pytest.mark.parametrize("answered", [1, 2, 7, 20])
def test_resumed_order_is_the_order_the_participant_was_answering_in(answered: int) -> None:
    first = interleaved(GENERAL.items, "pre-seed")[0]
    order = participant_order(GENERAL.items, first, "QWE456")
    done = {item.id for item in order[:answered]}
    assert resumed_order(GENERAL.items, "QWE456", done) == order


def test_a_participant_with_no_answer_resumes_at_the_codes_own_statement_one() -> None:
    order = resumed_order(GENERAL.items, "QWE456", set())
    assert order == resumed_order(GENERAL.items, "QWE456", set())
    assert order[0] == interleaved(GENERAL.items, "QWE456")[0]
    assert resumed_order(GENERAL.items, "QWE456", {order[0].id}) == order


def general_session(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    salt, digest = hash_pin(PIN)
    path = directory / "general.json"
    SessionStore.create(
        path,
        name="general",
        questionnaire=GENERAL,
        settings=SessionSettings(k=1, pin_salt=salt, pin_hash=digest),
    )
    return path


def key_for(item_id: str) -> str:
    """The same answer to an item whoever answers it, whatever the order: 1..5 by id."""
    return str(sum(map(ord, item_id)) % 5 + 1)


@pytest.mark.shuffled
async def test_two_participants_get_different_orders_and_the_same_stored_answers(
    tmp_path: Path,
) -> None:
    path = general_session(tmp_path)
    app = CoherenceApp(start="run", session=path)
    orders: list[list[str]] = []
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(2):
            await pilot.press("enter", "3")
            if kiosk(app).stage == "instruction":
                await pilot.press("enter")
            seen: list[str] = []
            while kiosk(app).stage == "statement":
                item = app.screen.query_one(Statement).item_id
                assert item is not None
                seen.append(item)
                await pilot.press(key_for(item))
            orders.append(seen)
            await wait_for(pilot, lambda: kiosk(app).stage == "thanks")
            await pilot.press("enter")
    ids = [item.id for item in GENERAL.items]
    assert sorted(orders[0]) == sorted(ids) and sorted(orders[1]) == sorted(ids)
    assert orders[0] != orders[1]
    assert orders[0] != ids
    snapshot = SessionStore.open(path).snapshot()
    by_participant: dict[str, dict[str, int | None]] = {}
    for answer in snapshot.answers:
        by_participant.setdefault(answer.participant, {})[answer.item] = answer.value
    expected = {item: int(key_for(item)) - 3 for item in ids}
    assert list(by_participant.values()) == [expected, expected]
    # Scores are unchanged by order: the same answers given in item order score alike.
    in_item_order = LiveSession(SessionStore.open(general_session(tmp_path / "fixed")))
    for _ in range(2):
        participant = in_item_order.start_participant(Level.FRONT_LINE, None)
        for item in ids:
            in_item_order.record_answer(participant.code, item, expected[item])
        in_item_order.finish_participant(participant.code)
    shuffled = LiveSession(SessionStore.open(path)).report
    assert shuffled.groups["all"].factors == in_item_order.report.groups["all"].factors
    assert shuffled.groups["all"].factors[Factor.BEHAVIOURS] is not None
