"""The prediction round's estimates and the action plan in the session file: durable, one
write per change, bad input refused with one line, frozen once the session is archived."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import orjson
import pytest
from store_helpers import Tables, small_questionnaire

from coherence_tui.domain.model import Level, SessionSettings, SessionState
from coherence_tui.domain.plan import ActionDraft
from coherence_tui.storage.store import (
    ActionRejected,
    AnswerRejected,
    SessionArchived,
    SessionCorrupt,
    SessionEnded,
    SessionError,
    SessionStore,
)

Rewrite = Callable[[Path, Callable[[Tables], None]], bytes]


@pytest.fixture
def round_store(tmp_path: Path) -> SessionStore:
    q = small_questionnaire()
    items = tuple(i.model_copy(update={"predict": i.id in ("R1", "B1")}) for i in q.items)
    return SessionStore.create(
        tmp_path / "sessions" / "round.json",
        name="round",
        questionnaire=q.model_copy(update={"items": items}),
        settings=SessionSettings(k=3, prediction_round=True),
    )


def today() -> date:
    return datetime.now(UTC).date()


def draft(**changes: object) -> ActionDraft:
    fields: dict[str, object] = {
        "item": "R1",
        "what": "Let the front line settle complaints up to 100 EUR",
        "owner": "Head of Customer Care",
        "first_step": "Draft the rule with two team leaders",
        "first_step_due": today() + timedelta(days=14),
        "kpi": "complaints settled at first contact",
        "review": today() + timedelta(days=90),
    }
    fields.update(changes)
    return ActionDraft.model_validate(fields)


def test_an_estimate_is_on_disk_after_one_write(round_store: SessionStore) -> None:
    person = round_store.add_participant(Level.BOARD)
    before = round_store.generation
    round_store.record_prediction(person.code, "R1", 75)
    assert round_store.generation == before + 1
    again = SessionStore.open(round_store.path).snapshot()
    assert [(p.item, p.value) for p in again.predictions] == [("R1", 75)]
    round_store.record_prediction(person.code, "R1", None)  # changed their mind: no guess
    assert [p.value for p in SessionStore.open(round_store.path).snapshot().predictions] == [None]


@pytest.mark.parametrize(
    ("level", "item", "value", "reason"),
    [
        (Level.FRONT_LINE, "R1", 50, "only board and management estimate"),
        (Level.BOARD, "D1", 50, "not a statement of the prediction round"),
        (Level.BOARD, "R1", 101, "whole number from 0 to 100"),
        (Level.BOARD, "R1", 50.5, "whole number from 0 to 100"),
    ],
)
def test_a_bad_estimate_is_refused_and_nothing_is_written(
    round_store: SessionStore, level: Level, item: str, value: object, reason: str
) -> None:
    person = round_store.add_participant(level)
    raw = round_store.path.read_bytes()
    with pytest.raises(AnswerRejected, match=reason):
        round_store.record_prediction(person.code, item, value)  # type: ignore[arg-type]
    assert round_store.path.read_bytes() == raw


def test_no_estimate_without_a_prediction_round_or_after_the_end(tmp_path: Path) -> None:
    store = SessionStore.create(
        tmp_path / "plain.json",
        name="plain",
        questionnaire=small_questionnaire(),
        settings=SessionSettings(k=3),
    )
    person = store.add_participant(Level.BOARD)
    with pytest.raises(AnswerRejected, match="no prediction round"):
        store.record_prediction(person.code, "R1", 40)
    store.update_state(SessionState(ended=True))
    with pytest.raises(SessionEnded):
        store.record_prediction(person.code, "R1", 40)


def test_actions_are_numbered_durable_editable_and_removable(round_store: SessionStore) -> None:
    first = round_store.add_action(draft())
    second = round_store.add_action(draft(item=None, area="processes", what="Map the peaks"))
    assert (first.id, second.id, first.recorded) == ("A1", "A2", today())
    round_store.update_action("A1", draft(owner="Customer Care lead"))
    round_store.remove_action("A2")
    actions = SessionStore.open(round_store.path).snapshot().actions
    assert [(a.id, a.owner) for a in actions] == [("A1", "Customer Care lead")]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"item": "ZZ9"}, "not in this session's questionnaire"),
        ({"item": None, "area": "nowhere"}, "not one of this questionnaire's"),
        (
            {
                "first_step_due": today() + timedelta(days=31),
                "review": today() + timedelta(days=60),
            },
            "within 30 days",
        ),
        ({"first_step_due": today() - timedelta(days=1)}, "within 30 days"),
    ],
)
def test_an_action_that_does_not_fit_the_session_is_refused(
    round_store: SessionStore, changes: dict[str, object], reason: str
) -> None:
    raw = round_store.path.read_bytes()
    with pytest.raises(ActionRejected, match=reason):
        round_store.add_action(draft(**changes))
    assert round_store.path.read_bytes() == raw


def test_a_draft_refuses_two_subjects_a_review_before_the_step_and_control_characters() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        draft(area="processes")
    with pytest.raises(ValueError, match="before the first step"):
        draft(review=today())
    with pytest.raises(ValueError, match="control character"):
        draft(what="Fix it\x1b]2;owned\x07")


def test_an_archived_session_keeps_its_plan_and_never_reopens(round_store: SessionStore) -> None:
    round_store.add_action(draft())
    with pytest.raises(SessionError, match="end the session before archiving"):
        round_store.archive()
    round_store.update_state(SessionState(ended=True))
    round_store.archive()
    raw = round_store.path.read_bytes()
    for change in (
        lambda: round_store.add_action(draft()),
        lambda: round_store.update_action("A1", draft(owner="Someone else")),
        lambda: round_store.remove_action("A1"),
        lambda: round_store.update_state(SessionState(ended=True)),  # would un-archive
    ):
        with pytest.raises(SessionArchived):
            change()
    assert round_store.path.read_bytes() == raw
    assert SessionStore.open(round_store.path).snapshot().state.archived


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (
            lambda t, doc_id: t.__setitem__(
                "predictions", {doc_id: {"code": "X", "estimates": {}}}
            ),
            "not a participant's own",
        ),
        (
            lambda t, doc_id: t.__setitem__(
                "predictions", {doc_id: {"code": "CODE", "estimates": {"R1": 140}}}
            ),
            "0 to 100",
        ),
        (lambda t, doc_id: t.__setitem__("actions", {"1": {"id": "A7"}}), "action document"),
    ],
)
def test_hand_edited_estimates_or_actions_are_refused(
    round_store: SessionStore,
    rewrite_tables: Rewrite,
    edit: Callable[[Tables, str], None],
    reason: str,
) -> None:
    person = round_store.add_participant(Level.BOARD)
    round_store.record_prediction(person.code, "R1", 60)
    doc = orjson.loads(round_store.path.read_bytes())["tables"]["participants"]
    doc_id = next(iter(doc))

    def apply(tables: Tables) -> None:
        edit(tables, doc_id)
        for value in tables.get("predictions", {}).values():
            if value.get("code") == "CODE":
                value["code"] = person.code

    raw = rewrite_tables(round_store.path, apply)
    with pytest.raises(SessionCorrupt, match=reason):
        SessionStore.open(round_store.path)
    assert round_store.path.read_bytes() == raw
