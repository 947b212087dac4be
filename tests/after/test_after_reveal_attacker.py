"""Every figure after the reveal plays by DESIGN's disclosure rules: an attacker's tests.

The attacker sat in the room and knows who is board, management or front line. Each
test builds the smallest workshop where a careless figure would expose fewer than k
people, and checks the figure is absent, not merely hidden from view.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from after_helpers import everyone_answers, people, questionnaire, tally

from coherence_tui.domain.chain import area_chains, department_factor_heat, level_area_heat
from coherence_tui.domain.discussion import discussion_queue, why_empty
from coherence_tui.domain.model import Level, Participant
from coherence_tui.domain.predictions import Prediction, prediction_results
from coherence_tui.domain.report import ALL
from coherence_tui.services.insights import after_reveal, counted_levels

B, M, F = Level.BOARD, Level.MANAGEMENT, Level.FRONT_LINE


def test_a_level_below_k_shows_no_distribution_and_no_queue() -> None:
    q = questionnaire()
    who = people({B: 2, F: 3})
    report = tally(q, who, everyone_answers(who, {B: 2, F: -1}, q)).report()
    assert B not in report.items["D1"].levels  # not even counts for a hidden level
    assert report.items["D1"].levels[F].distribution == (0, 3, 0, 0, 0)
    assert discussion_queue(report, q) == ()
    assert why_empty(report).value == "board_hidden"


def test_an_item_with_fewer_than_k_real_answers_has_no_distribution_nor_queue_place() -> None:
    q = questionnaire()
    who = people({B: 3, F: 3})
    answers = everyone_answers(who, {B: 2, F: -1}, q)
    answers["BO0"]["D1"] = None  # two real board answers to D1 remain
    answers["BO1"]["D1"] = None
    report = tally(q, who, answers).report()
    figures = report.items["D1"].levels[B]
    assert not figures.published and figures.distribution is None
    assert (figures.n, figures.real) == (3, 1)
    assert "D1" not in {e.item.id for e in discussion_queue(report, q)}


def test_queue_ranks_by_gap_size_with_exact_ties_by_id_and_a_welch_interval() -> None:
    q = questionnaire()
    who = people({B: 3, F: 3})
    answers = everyone_answers(who, {B: 1, F: 1}, q)
    for code in ("BO0", "BO1", "BO2"):
        answers[code]["B2"] = 2  # gap +100 on B2 and (reversed R3 as answered 2 -> -2) ...
    answers["FR0"]["D2"], answers["FR1"]["D2"], answers["FR2"]["D2"] = -2, -1, 0
    report = tally(q, who, answers).report()
    queue = discussion_queue(report, q)
    assert [e.item.id for e in queue[:2]] == ["D2", "B2"]
    d2 = queue[0]
    assert d2.gap == pytest.approx(100 - (-100))  # board +100, front line mean -100
    # Welch by hand: board spread 0, front line values -200, -100, 0 (s = 100, n = 3).
    se = math.sqrt(100**2 / 3)
    assert d2.ci90 is not None
    half = (d2.ci90[1] - d2.ci90[0]) / 2
    assert half == pytest.approx(2.919986 * se, rel=1e-5)  # t(0.95, 2)
    assert d2.significant is True
    # Items without any gap tie at 0 and follow by id.
    tied = [e.item.id for e in queue if e.gap == 0]
    assert tied == sorted(tied)


def test_reversed_statement_distribution_is_as_answered_and_its_mean_reversed() -> None:
    q = questionnaire()
    who = people({B: 3, F: 3})
    report = tally(q, who, everyone_answers(who, {B: 2, F: 2}, q)).report()
    r3 = report.items["R3"].levels[B]
    assert r3.distribution == (0, 0, 0, 0, 3)  # everyone answered "strongly agree"
    assert r3.mean == -200  # ... with a negatively worded statement


def test_predictions_of_two_board_members_are_not_shown_at_k_3() -> None:
    q = questionnaire()
    who = people({B: 3, F: 3})
    t = tally(q, who, everyone_answers(who, {B: 1, F: -1}, q))
    report = t.report()
    estimates = [
        Prediction("BO0", "R1", 90),
        Prediction("BO1", "R1", 70),
        Prediction("BO2", "R1", None),
    ]  # the third would rather not guess
    results = prediction_results(report, q, estimates, counted_levels(t))
    r1 = next(r for r in results if r.item_id == "R1")
    board = r1.estimates[B]
    assert not board.published and board.mean is None and board.count == 2
    assert r1.actual == 0  # the front line's favourable % is published: nobody agreed


def test_predictions_of_a_level_below_k_show_nothing_not_even_a_count() -> None:
    q = questionnaire()
    who = people({B: 2, M: 3, F: 3})
    t = tally(q, who, everyone_answers(who, {B: 1, M: 1, F: -1}, q))
    estimates = [Prediction(c, "R1", 80) for c in ("BO0", "BO1")] + [
        Prediction(c, "R1", v) for c, v in (("MA0", 50), ("MA1", 60), ("MA2", 71))
    ]
    results = prediction_results(t.report(), q, estimates, counted_levels(t))
    r1 = next(r for r in results if r.item_id == "R1")
    assert B not in r1.estimates
    assert r1.estimates[M].published
    assert r1.estimates[M].mean == pytest.approx(float(Fraction(181, 3)))
    assert r1.estimates[M].gap == pytest.approx(float(Fraction(181, 3)) - 0)


def test_the_actual_is_hidden_when_the_front_line_item_is_not_published() -> None:
    q = questionnaire()
    who = people({B: 3, F: 3})
    answers = everyone_answers(who, {B: 1, F: 1}, q)
    answers["FR0"]["R1"] = answers["FR1"]["R1"] = None
    t = tally(q, who, answers)
    estimates = [Prediction(c, "R1", 80) for c in ("BO0", "BO1", "BO2")]
    r1 = next(
        r
        for r in prediction_results(t.report(), q, estimates, counted_levels(t))
        if r.item_id == "R1"
    )
    assert r1.actual is None and r1.estimates[B].published and r1.estimates[B].gap is None


def test_estimates_of_people_the_report_does_not_count_are_ignored() -> None:
    q = questionnaire()
    who = people({B: 3, F: 3})
    t = tally(q, who, everyone_answers(who, {B: 1, F: 1}, q))
    ghost = [Prediction("NOBODY", "R1", 10)] * 5
    results = prediction_results(t.report(), q, ghost, counted_levels(t))
    assert all(not e.published for r in results for e in r.estimates.values())


def test_a_suppressed_department_has_no_heat_map_cell() -> None:
    q = questionnaire()
    # The methods' example: front line 3 in Sales and 1 in Care; Sales is suppressed
    # for subtraction once Care (with management) is admitted.
    who = [
        *(Participant(f"B{n}", B) for n in range(3)),
        *(Participant(f"MC{n}", M, "Care") for n in range(3)),
        *(Participant(f"MN{n}", M) for n in range(3)),
        Participant("FC0", F, "Care"),
        *(Participant(f"FS{n}", F, "Sales") for n in range(3)),
    ]
    answers = {p.code: {i.id: 1 for i in q.items} for p in who}
    report = tally(q, who, answers, departments=("Care", "Sales")).report()
    assert report.groups["department:Sales"].suppressed
    heat = department_factor_heat(report)
    assert "Sales" not in heat and "Care" in heat


def test_level_area_heat_and_chains_leave_out_hidden_levels() -> None:
    q = questionnaire()
    who = people({B: 2, F: 3})
    t = tally(q, who, everyone_answers(who, {B: 2, F: 0}, q))
    report = t.report()
    assert set(level_area_heat(report, q)) == {F}
    assert area_chains(report, q, B.value, t.area_scores(), counted_levels(t)) == ()


def test_a_chain_breaks_where_resources_fall_and_the_paired_test_confirms_it() -> None:
    q = questionnaire(reverse=())
    who = people({F: 4})
    answers: dict[str, dict[str, int | None]] = {}
    for n, p in enumerate(who):
        spread = 1 if n % 2 else 0
        answers[p.code] = {
            i.id: (2 if i.factor.value == "declarations" else -1 - spread)
            if i.factor.value != "behaviours"
            else 1
            for i in q.items
        }
    t = tally(q, who, answers)
    chains = {
        c.area: c for c in area_chains(t.report(), q, ALL, t.area_scores(), counted_levels(t))
    }
    feedback = chains["feedback"]
    assert feedback.broken is not None and feedback.broken.value == "declarations-resources"
    assert feedback.drop == pytest.approx(200 - (-150))
    assert feedback.confirmed is True


def test_after_reveal_bundle_uses_only_published_figures() -> None:
    q = questionnaire()
    who = people({B: 3, M: 1, F: 3})
    t = tally(q, who, everyone_answers(who, {B: 2, M: -2, F: 0}, q))
    after = after_reveal(t, t.report())
    assert M not in after.level_heat  # one manager: no heat-map row
    for entry in after.queue:
        assert M not in entry.levels  # ... and no distribution in the queue
