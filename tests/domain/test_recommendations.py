"""Recommendation rules (DESIGN.md *Recommendations*, version 2), one workshop per rule.

For each rule id: a workshop built for it fires it, and noise (equal true factors, or
a difference too uncertain to trust) does not. Default thresholds: promise_gap,
execution_gap and executive_disconnect 50, divided_level_sd 60. Paired tests fire for a
publishable level when n >= 2, mean(d) >= threshold and the lower bound of
mean(d) +- t(0.95, n-1) x s / sqrt(n) is above 0. t(0.95, 1..4) = 6.314, 2.920, 2.353,
2.132.
"""

from __future__ import annotations

from typing import Any

import pytest

from coherence_tui.domain.model import Level, Participant
from coherence_tui.domain.scoring import Tally
from tests.domain.strategies import build_questionnaire, make_items

NINE = make_items({"declarations": 3, "resources": 3, "behaviours": 3})
IDS = [it["id"] for it in NINE]
TEXT = {it["id"]: it["text"] for it in NINE}


def person(
    d: tuple[int | None, ...] = (0, 0, 0),
    r: tuple[int | None, ...] = (0, 0, 0),
    b: tuple[int | None, ...] = (0, 0, 0),
) -> dict[str, int | None]:
    """Answers per factor, items 1..3; a shorter tuple stopped before the rest."""
    out: dict[str, int | None] = {}
    for prefix, values in (("D", d), ("R", r), ("B", b)):
        for n, v in enumerate(values, start=1):
            out[f"{prefix}{n}"] = v
    return out


def report(
    levels: dict[Level, list[dict[str, int | None]]],
    *,
    k: int = 3,
    thresholds: dict[str, float] | None = None,
    language: str | None = None,
    items: list[dict[str, Any]] = NINE,
) -> dict[str, Any]:
    q = build_questionnaire(items, thresholds)
    tally = Tally(q, k=k, language=language, session="recs")
    n = 0
    for level, people in levels.items():
        for answers in people:
            n += 1
            tally.add_participant(Participant(f"P{n}", level))
            for item, value in answers.items():
                tally.record(f"P{n}", item, value)
    return tally.report().to_json()


def recs(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in document["recommendations"]}


def cited(rec: dict[str, Any]) -> list[str]:
    return [i["id"] for i in rec.get("items", [])]


FRONT, BOARD, MGMT = Level.FRONT_LINE, Level.BOARD, Level.MANAGEMENT

# Equal true factors: each person answers every factor alike (their own mood varies),
# so d = 0 for everyone and every level shows the same legs.
CALM = [person(d, d, d) for d in ((1, 1, 0), (0, 0, 0), (-1, 0, 0), (1, 1, 1))]


# -- paired rules ------------------------------------------------------------------------


def test_promise_gap_fires_for_the_level_whose_people_rate_promises_over_resources() -> None:
    # Front line, 4 people, d = p(D) - p(R):
    #   D 2 2 1 (500/3) R 0 0 -1 (-100/3) -> 200;  D 1 1 1 (100) R 0 0 0 -> 100;
    #   D 2 1 1 (400/3) R 0 1 0 (100/3)  -> 100;  D 1 2 2 (500/3) R -1 0 0 -> 200.
    # mean 150 >= 50; s = 57.7; lower = 150 - 2.353 x 57.7 / 2 = 82.1 > 0 -> fires.
    document = report(
        {
            FRONT: [
                person((2, 2, 1), (0, 0, -1)),
                person((1, 1, 1), (0, 0, 0)),
                person((2, 1, 1), (0, 1, 0)),
                person((1, 2, 2), (-1, 0, 0)),
            ]
        }
    )
    rec = recs(document)["promise_gap"]
    assert rec["levels"] == ["front_line"]
    assert rec["items"] and all(i["text"] == TEXT[i["id"]] for i in rec["items"])
    assert "execution_gap" not in recs(document)  # p(R) - p(B): mean -8.3
    assert "compensating_effort" not in recs(document)  # p(B) - p(R): mean 8.3 < 50


def test_promise_gap_fires_exactly_at_the_threshold_with_no_spread() -> None:
    # Three people: D 1 1 1 (100), R 1 0 and R3 never answered (50): d = 50 each.
    # mean 50 >= 50, s = 0: the interval is the point 50 > 0 -> fires. (R3 has no answer
    # at all, so the front line's resources score is null: p uses every answered item.)
    document = report({FRONT: [person((1, 1, 1), (1, 0)) for _ in range(3)]})
    assert document["groups"]["front_line"]["factors"]["resources"] is None
    assert "promise_gap" in recs(document)


def test_promise_gap_is_silent_on_noise() -> None:
    # Equal true factors: d = 0 for everyone.
    assert "promise_gap" not in recs(report({FRONT: CALM}))
    # mean(d) over the threshold but too uncertain: d = 200, 100, -400/3:
    #   D 2 2 2 R 0 0 0 -> 200; D 1 1 1 R 0 0 0 -> 100; D -1 -1 -2 R 0 0 0 -> -133.3.
    # mean 55.6 >= 50, s = 171, lower = 55.6 - 2.92 x 171 / 1.732 = -233 < 0 -> silent.
    wide = report(
        {
            FRONT: [
                person((2, 2, 2)),
                person((1, 1, 1)),
                person((-1, -1, -2)),
            ]
        }
    )
    assert "promise_gap" not in recs(wide)


def test_paired_rules_skip_a_level_below_k() -> None:
    # The same two clear people as above, but k = 3: the level is not publishable.
    document = report({FRONT: [person((2, 2, 2)), person((2, 2, 2))]}, k=3)
    assert document["recommendations"] == []


def test_execution_gap_when_resources_outrun_behaviours() -> None:
    # d = p(R) - p(B): R 2 1 2 B 0 0 0 -> 500/3; R 1 1 1 B 0 0 0 -> 100;
    # R 2 2 1 B 0 1 0 -> 500/3 - 100/3 = 400/3. mean 133.3, s = 33.3,
    # lower = 133.3 - 2.92 x 33.3 / 1.732 = 77.2 > 0 -> fires.
    document = report(
        {
            MGMT: [
                person((0, 0, 0), (2, 1, 2), (0, 0, 0)),
                person((0, 0, 0), (1, 1, 1), (0, 0, 0)),
                person((0, 0, 0), (2, 2, 1), (0, 1, 0)),
            ]
        }
    )
    rec = recs(document)["execution_gap"]
    assert rec["levels"] == ["management"]
    assert rec["items"] and all(i["text"] == TEXT[i["id"]] for i in rec["items"])
    assert "compensating_effort" not in recs(document)


def test_execution_gap_is_silent_on_noise() -> None:
    assert "execution_gap" not in recs(report({MGMT: CALM}))


def test_compensating_effort_when_behaviours_outrun_resources() -> None:
    # d = p(B) - p(R), the mirror of the execution-gap workshop: 500/3, 100, 400/3.
    document = report(
        {
            BOARD: [
                person((0, 0, 0), (0, 0, 0), (2, 1, 2)),
                person((0, 0, 0), (0, 0, 0), (1, 1, 1)),
                person((0, 0, 0), (0, 1, 0), (2, 2, 1)),
            ]
        }
    )
    rec = recs(document)["compensating_effort"]
    assert rec["levels"] == ["board"]
    assert rec["items"] and all(i["text"] == TEXT[i["id"]] for i in rec["items"])
    assert "execution_gap" not in recs(document)


def test_compensating_effort_is_silent_on_noise() -> None:
    assert "compensating_effort" not in recs(report({BOARD: CALM}))


def test_compensating_effort_uses_the_execution_gap_threshold() -> None:
    # Same workshop, execution_gap 150: mean 133.3 < 150 -> silent.
    levels = {
        BOARD: [
            person((0, 0, 0), (0, 0, 0), (2, 1, 2)),
            person((0, 0, 0), (0, 0, 0), (1, 1, 1)),
            person((0, 0, 0), (0, 1, 0), (2, 2, 1)),
        ]
    }
    assert "compensating_effort" not in recs(report(levels, thresholds={"execution_gap": 150}))
    assert "compensating_effort" in recs(report(levels, thresholds={"promise_gap": 150}))


# -- executive disconnect, largest item gaps ------------------------------------------------

#            declarations    resources   behaviours
CLEAR_BOARD = [
    person((2, 2, 2), (1, 1, 1), (1, 1, 1)),
    person((2, 1, 2), (1, 1, 1), (1, 1, 1)),
    person((2, 2, 2), (1, 1, 1), (1, 1, 1)),
]
CLEAR_FRONT = [
    person((-1, -1, -1), (1, 1, 1), (1, 1, 1)),
    person((-1, 0, -1), (1, 1, 1), (1, 1, 1)),
    person((-1, -1, -1), (1, 1, 1), (1, 1, 1)),
]


def test_executive_disconnect_fires_on_a_wide_significant_gap() -> None:
    # Board D items 200, 500/3, 200 -> 1700/9; front -100, -200/3, -100 -> -800/9.
    # gap D = 2500/9 = 277.8 >= 50. p(D): board 200, 500/3, 200 (s^2 = 1111/3 = 370.4),
    # front -100, -200/3, -100 (same s^2): se^2 = 2 x 370.4 / 3 = 246.9, se = 15.7, df = 4,
    # ci90 = 277.8 +- 2.132 x 15.7 = [244.3, 311.3]: excludes 0 -> significant -> fires.
    # R and B: equal answers -> gap 0 with se 0 -> [0, 0], not significant.
    document = report({BOARD: CLEAR_BOARD, FRONT: CLEAR_FRONT})
    gap = document["gaps"]["board-front_line"]
    assert gap["declarations"] == 277.78 and gap["significant"]["declarations"] is True
    assert gap["significant"]["resources"] is False
    rec = recs(document)["executive_disconnect"]
    assert rec["levels"] == ["board", "front_line"]
    assert rec["factor"] == "declarations"
    assert rec["items"] and all(i["text"] == TEXT[i["id"]] for i in rec["items"])


def test_executive_disconnect_is_silent_when_the_gap_is_noise() -> None:
    # Board p(D): 200, -100, 200 (items D1..D3 each 100) -> D 100; front all 0 -> D 0.
    # gap 100 >= 50 but Welch: sA^2 = 30000, sB^2 = 0, se = 100, df = 2,
    # ci90 = 100 +- 2.92 x 100 = [-192, 392]: includes 0 -> not significant -> silent.
    board = [person((2, 2, 2)), person((-1, -1, -1)), person((2, 2, 2))]
    front = [person(), person(), person()]
    document = report({BOARD: board, FRONT: front})
    assert document["gaps"]["board-front_line"]["declarations"] == 100.0
    assert document["gaps"]["board-front_line"]["significant"]["declarations"] is False
    assert "executive_disconnect" not in recs(document)
    # Equal true factors on both levels, the same people: no gap at all.
    calm = report({BOARD: CALM, FRONT: CALM})
    assert "executive_disconnect" not in recs(calm)


def test_no_level_comparison_when_the_board_is_below_k() -> None:
    document = report({BOARD: CLEAR_BOARD[:2], FRONT: CLEAR_FRONT}, k=3)
    assert document["gaps"]["board-front_line"] == {"suppressed": True}
    found = recs(document)
    assert "executive_disconnect" not in found and "largest_item_gaps" not in found


def test_largest_item_gaps_cites_three_largest_first_ties_by_id() -> None:
    # Board vs front line per item (board - front):
    #   D1 2 vs -1 -> 300; B1 -2 vs 1 -> -300; R2 2 vs 0 -> 200; D2 1 vs 0 -> 100;
    #   everything else 0. All four reach 50; |300| ties between B1 and D1 -> "B1" first.
    board = person((2, 1, 0), (0, 2, 0), (-2, 0, 0))
    front = person((-1, 0, 0), (0, 0, 0), (1, 0, 0))
    document = report({BOARD: [board] * 3, FRONT: [front] * 3})
    rec = recs(document)["largest_item_gaps"]
    assert cited(rec) == ["B1", "D1", "R2"]
    assert [i["text"] for i in rec["items"]] == [TEXT["B1"], TEXT["D1"], TEXT["R2"]]
    assert rec["levels"] == ["board", "front_line"]


def test_largest_item_gaps_is_silent_when_levels_agree() -> None:
    # Equal true factors, the same answers on both levels: every item gap is 0.
    assert "largest_item_gaps" not in recs(report({BOARD: CALM, FRONT: CALM}))
    # A small real difference: board D1 +1, 0, 0 (100/3) vs front 0 -> 33.3 < 50 -> silent.
    board = [person((1, 0, 0)), person((0, 0, 0)), person((0, 0, 0))]
    assert "largest_item_gaps" not in recs(report({BOARD: board, FRONT: [person()] * 3}))


# -- blind spot ------------------------------------------------------------------------------


def blind_spot_workshop(board_dont_knows: int, front_r: int = -1) -> dict[str, Any]:
    """Board of 4: three answer R1..R3, the fourth only R1 -> 10 board answers to R's
    items; ``board_dont_knows`` of them are don't know. Front line rates R at ``front_r``."""
    board = [person((1, 1, 1), (1, 1, 1), (1, 1, 1)) for _ in range(3)]
    board.append(person((1, 1, 1), (1,), ()))
    slots = [(0, "R1"), (0, "R2"), (0, "R3"), (1, "R1"), (1, "R2"), (1, "R3"), (2, "R1")]
    for who, item in slots[:board_dont_knows]:
        board[who][item] = None
    front = [person((1, 1, 1), (front_r,) * 3, (1, 1, 1)) for _ in range(3)]
    return report({BOARD: board, FRONT: front})


def test_blind_spot_fires_from_thirty_percent_dont_know() -> None:
    # 3 don't know out of 10 board answers to R's items = 30 % >= 30 %, and the front
    # line's resources score -100 <= 0 -> fires.
    rec = recs(blind_spot_workshop(3))["blind_spot"]
    assert rec["factor"] == "resources"
    assert rec["levels"] == ["board", "front_line"]
    assert rec["items"] and all(i["text"] == TEXT[i["id"]] for i in rec["items"])


def test_blind_spot_is_silent_below_thirty_percent_or_when_the_front_line_is_fine() -> None:
    assert "blind_spot" not in recs(blind_spot_workshop(2))  # 20 %
    assert "blind_spot" not in recs(blind_spot_workshop(7, front_r=1))  # front R +100
    # Front line exactly 0 counts as "<= 0".
    assert "blind_spot" in recs(blind_spot_workshop(7, front_r=0))
    # Noise: everybody answers, no don't know.
    assert "blind_spot" not in recs(report({BOARD: CALM, FRONT: CALM}))


def test_blind_spot_needs_the_front_line_factor_score() -> None:
    # Front line answers R with don't know only: its resources score is null -> silent.
    board = [person((1, 1, 1), (None, None, None), (1, 1, 1)) for _ in range(3)]
    front = [person((1, 1, 1), (None, None, None), (1, 1, 1)) for _ in range(3)]
    assert "blind_spot" not in recs(report({BOARD: board, FRONT: front}))


# -- weakest leg -----------------------------------------------------------------------------


def test_weakest_leg_names_the_lowest_factor_of_all() -> None:
    # Management alone: D 100, R 100, B -100 -> all = the same; lowest B (-100).
    document = report({MGMT: [person((1, 1, 1), (1, 1, 1), (-1, -1, -1))] * 3})
    rec = recs(document)["weakest_leg"]
    assert rec["factor"] == "behaviours" and rec["score"] == -100.0
    assert "behaviours (-100)" in rec["text"]
    assert set(cited(rec)) <= {"B1", "B2", "B3"} and rec["items"]
    assert all(i["text"] == TEXT[i["id"]] for i in rec["items"])


def test_weakest_leg_needs_three_factor_scores_of_all() -> None:
    # B3 is don't know for everybody -> 2 of 3 behaviours items -> all has 2 factor scores.
    people = [person((1, 1, 1), (1, 1, 1), (-1, -1, None))] * 3
    document = report({MGMT: people})
    assert document["groups"]["all"]["factors"]["behaviours"] is None
    assert "weakest_leg" not in recs(document)


# -- divided level ---------------------------------------------------------------------------


def test_divided_level_on_population_sd_of_own_scores() -> None:
    # Management p(x, B): 200, -200, 0 -> population variance (40000 + 40000 + 0)/3
    # = 26667, sd 163.3 >= 60 -> fires for management on behaviours.
    document = report({MGMT: [person(b=(2, 2, 2)), person(b=(-2, -2, -2)), person(b=(0, 0, 0))]})
    rec = recs(document)["divided_level"]
    assert rec["level"] == "management" and rec["factor"] == "behaviours"
    assert rec["sd"] == 163.3
    assert rec["levels"] == ["management"]
    assert all(i["text"] == TEXT[i["id"]] for i in rec["items"])


def test_divided_level_fires_exactly_at_the_threshold() -> None:
    # divided_level_sd 50, k = 2. B1 +1, B2 0 -> p(x, B) = 50; B1 -1, B2 0 -> -50 (B3 left
    # unanswered). Population variance 2500 = 50^2 -> fires (decided exactly).
    people = [person(b=(1, 0)), person(b=(-1, 0))]
    document = report({MGMT: people}, k=2, thresholds={"divided_level_sd": 50})
    assert "divided_level" in recs(document)
    document = report({MGMT: people}, k=2, thresholds={"divided_level_sd": 50.01})
    assert "divided_level" not in recs(document)


def test_divided_level_is_silent_on_calm_levels_and_below_k() -> None:
    # p(x, f) of CALM: 66.7, 0, -33.3, 100: mean 33.3, population sd 52.7 < 60.
    assert "divided_level" not in recs(report({MGMT: CALM}))
    # Two people at +200 and -200 but k = 3: management is not publishable.
    split = [person(b=(2, 2, 2)), person(b=(-2, -2, -2))]
    assert "divided_level" not in recs(report({MGMT: split}, k=3))


# -- lowest items ----------------------------------------------------------------------------


def test_lowest_items_cites_three_lowest_ties_by_id() -> None:
    # One level: item means D2 -200, R2 -100, B1 -100, B3 -100, R3 0 (not below zero).
    # Lowest first, ties by id: D2, then B1, B3, R2 -> the first three.
    people = [person((2, -2, 1), (1, -1, 0), (-1, 2, -1))] * 3
    rec = recs(report({BOARD: people}))["lowest_items"]
    assert cited(rec) == ["D2", "B1", "B3"]
    assert [i["text"] for i in rec["items"]] == [TEXT["D2"], TEXT["B1"], TEXT["B3"]]


def test_lowest_items_uses_the_all_mean_and_is_silent_at_zero() -> None:
    # Board D1 -1, front line D1 +1: all mean 0 -> not below zero -> silent.
    board = [person((-1, 0, 0))] * 3
    front = [person((1, 0, 0))] * 3
    assert "lowest_items" not in recs(report({BOARD: board, FRONT: front}))
    assert "lowest_items" not in recs(report({BOARD: CALM, FRONT: CALM}))


def test_lowest_items_skips_items_without_k_real_answers() -> None:
    # D1: one person -2, the other two don't know -> unpublished (1 real < 3): not cited,
    # although its lone answer is the lowest in the room.
    people = [person((-2, 1, 1)), person((None, 1, 1)), person((None, 1, 1))]
    assert "lowest_items" not in recs(report({FRONT: people}))


# -- texts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["pl", "en"])
def test_recommendations_speak_the_session_language(language: str) -> None:
    document = report(
        {
            FRONT: [
                person((2, 2, 1), (0, 0, -1), (0, 0, -1)),
                person((1, 1, 1), (0, 0, 0), (0, 0, 0)),
                person((2, 1, 1), (0, 1, 0), (0, 0, 0)),
                person((1, 2, 2), (-1, 0, 0), (0, -1, 0)),
            ]
        },
        language=language,
    )
    texts = {r["id"]: r["text"] for r in document["recommendations"]}
    assert "promise_gap" in texts and "weakest_leg" in texts
    if language == "pl":
        assert "Luka obietnic" in texts["promise_gap"]
        assert "pierwsza linia" in texts["promise_gap"]
        assert "Najsłabsza noga" in texts["weakest_leg"]
    else:
        assert "front line" in texts["promise_gap"]
        assert "Luka" not in " ".join(texts.values())


def test_every_recommendation_carries_id_text_levels_and_cited_texts() -> None:
    document = report({BOARD: CLEAR_BOARD, FRONT: CLEAR_FRONT, MGMT: CALM[:3]})
    assert document["recommendations"]
    for rec in document["recommendations"]:
        assert rec["id"] and rec["text"].strip()
        assert rec["levels"] and set(rec["levels"]) <= {"board", "management", "front_line"}
        for item in rec.get("items", []):
            assert set(item) == {"id", "text"} and item["text"] == TEXT[item["id"]]
