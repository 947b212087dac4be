"""Properties of the scoring engine over random workshops (hypothesis)."""

from __future__ import annotations

import json
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from coherence_tui.domain.model import LEVELS, Level, Participant
from coherence_tui.domain.scoring import Tally
from tests.domain.conftest import make_questionnaire
from tests.domain.reference import reference_report

QUESTIONNAIRE = make_questionnaire(per_factor=2, reverse_every=4)
ITEM_IDS = [i.id for i in QUESTIONNAIRE.items]
DEPARTMENTS = ["Sales", "Care"]

value = st.one_of(st.none(), st.integers(-2, 2))
person = st.tuples(st.sampled_from(list(LEVELS)), st.sampled_from([None, *DEPARTMENTS]))


@st.composite
def workshops(
    draw: st.DrawFn,
) -> tuple[int, dict[str, tuple[Level, str | None]], list[tuple[str, str, int | None]]]:
    k = draw(st.integers(1, 4))
    people = {f"P{i}": draw(person) for i in range(draw(st.integers(0, 12)))}
    answers = []
    if people:
        answers = draw(
            st.lists(
                st.tuples(st.sampled_from(sorted(people)), st.sampled_from(ITEM_IDS), value),
                max_size=80,
            )
        )
    return k, people, answers


def build(
    k: int, people: dict[str, tuple[Level, str | None]], answers: list[tuple[str, str, int | None]]
) -> Tally:
    tally = Tally(QUESTIONNAIRE, k=k, departments=DEPARTMENTS)
    for code, (level, dept) in people.items():
        tally.add_participant(Participant(code, level, dept))
    for code, item, v in answers:
        tally.record(code, item, v)
    return tally


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, abs_tol=1e-9)


@settings(max_examples=150, deadline=None)
@given(workshops())
def test_tally_matches_a_literal_reading_of_the_design(workshop) -> None:  # type: ignore[no-untyped-def]
    k, people, answers = workshop
    report = build(k, people, answers).report()
    latest = {(c, i): v for c, i, v in answers}
    ref = reference_report(
        [{"id": i.id, "factor": i.factor.value, "reverse": i.reverse} for i in QUESTIONNAIRE.items],
        {c: (lv.value, d) for c, (lv, d) in people.items()},
        latest,
        k,
        DEPARTMENTS,
    )
    for key, expected in ref["groups"].items():
        got = report.groups[key]
        assert got.n == expected["n"], key
        assert got.suppressed == expected["suppressed"], key
        if not got.suppressed:
            for f, v in expected["factors"].items():
                assert close(got.factors[f], v), (key, f)
            assert close(got.overall, expected["overall"]) and close(
                got.imbalance, expected["imbalance"]
            )
            assert (got.stool.value if got.stool else None) == expected["stool"]
    for key, expected in ref["gaps"].items():
        gap = report.gaps[key]
        assert gap.suppressed == expected["suppressed"]
        if not gap.suppressed:
            assert all(
                close(gap.factors[f], expected[f])
                for f in ("declarations", "resources", "behaviours")
            )
            assert close(gap.overall, expected["overall"])
    for item_id, expected in ref["items"].items():
        item = report.items[item_id]
        for lv in LEVELS:
            want = expected["levels"][lv.value]
            figures = item.levels[lv]
            assert figures.suppressed == (want is None)
            if want is not None:
                assert close(figures.mean, want[0]) and close(figures.agree_pct, want[1])
        if expected["all"] is None:
            assert item.all.suppressed
        else:
            assert close(item.all.mean, expected["all"][0]) and close(
                item.all.agree_pct, expected["all"][1]
            )


@settings(max_examples=100, deadline=None)
@given(workshops())
def test_every_score_stays_within_minus_200_and_plus_200(workshop) -> None:  # type: ignore[no-untyped-def]
    report = build(*workshop).report()
    for group in report.groups.values():
        for v in [*group.factors.values(), group.overall]:
            assert v is None or -200 <= v <= 200
        assert group.imbalance is None or 0 <= group.imbalance <= 400
    for item in report.items.values():
        for figures in [*item.levels.values(), item.all]:
            assert figures.mean is None or -200 <= figures.mean <= 200
            assert figures.agree_pct is None or 0 <= figures.agree_pct <= 100


@settings(max_examples=100, deadline=None)
@given(
    workshops(),
    st.sampled_from(list(LEVELS)),
    st.lists(st.tuples(st.sampled_from(ITEM_IDS), value), min_size=1),
)
def test_adding_a_participant_to_one_level_never_moves_another(
    workshop, level, their_answers
) -> None:  # type: ignore[no-untyped-def]
    tally = build(*workshop)
    before = tally.report()
    tally.add_participant(Participant("NEW", level))
    for item, v in their_answers:
        tally.record("NEW", item, v)
    after = tally.report()
    for other in LEVELS:
        if other is not level:
            assert after.groups[other.value] == before.groups[other.value]


@settings(max_examples=150, deadline=None)
@given(workshops())
def test_a_suppressed_group_never_leaks_a_figure(workshop) -> None:  # type: ignore[no-untyped-def]
    report = build(*workshop).report()
    document = report.to_json()
    for key, group in document["groups"].items():
        if group["suppressed"]:
            assert set(group) == {"n", "suppressed"}, key
    suppressed_levels = {lv for lv in LEVELS if report.groups[lv.value].suppressed}
    for key, gap in document["gaps"].items():
        a, b = key.split("-")
        if {Level(a), Level(b)} & suppressed_levels:
            assert gap == {"suppressed": True}
    for item in document["items"].values():
        for lv in suppressed_levels:
            assert set(item["levels"][lv.value]) <= {"n", "suppressed"}
    # No recommendation quotes a suppressed level by name in its figures.
    text = json.dumps(document["recommendations"])
    for lv in suppressed_levels:
        assert f'"level": "{lv.value}"' not in text


@settings(max_examples=80, deadline=None)
@given(workshops(), st.randoms(use_true_random=False))
def test_answer_order_does_not_change_the_report(workshop, rnd) -> None:  # type: ignore[no-untyped-def]
    k, people, answers = workshop
    latest = list({(c, i): (c, i, v) for c, i, v in answers}.values())
    shuffled = latest[:]
    rnd.shuffle(shuffled)
    assert (
        build(k, people, latest).report().to_json() == build(k, people, shuffled).report().to_json()
    )
