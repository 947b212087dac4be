"""Recommendation rules fire at their thresholds and carry their figures."""

from __future__ import annotations

from coherence_tui.domain.model import Level, Participant
from coherence_tui.domain.scoring import Tally
from tests.domain.conftest import make_questionnaire

Q = make_questionnaire(per_factor=2)


def workshop(
    levels: dict[Level, list[dict[str, int | None]]], k: int = 1, language: str = "en"
) -> Tally:
    tally = Tally(Q, k=k, language=language)
    n = 0
    for level, people in levels.items():
        for answers in people:
            n += 1
            tally.add_participant(Participant(f"P{n}", level))
            for item, value in answers.items():
                tally.record(f"P{n}", item, value)
    return tally


def flat(d: int, r: int, b: int) -> dict[str, int | None]:
    return {"D1": d, "D2": d, "R1": r, "R2": r, "B1": b, "B2": b}


def ids(tally: Tally) -> list[str]:
    return [r.id for r in tally.report().recommendations]


def test_classic_disconnect_fires_the_big_three_in_order() -> None:
    tally = workshop({Level.BOARD: [flat(2, 1, 1)], Level.FRONT_LINE: [flat(0, -2, 0)]})
    found = ids(tally)
    assert found == [
        "executive_disconnect",
        "promise_gap",
        "weakest_leg",
        "largest_item_gaps",
        "lowest_items",
    ]
    rec = tally.report().recommendations[0]
    assert rec.figures["factor"] == "resources" and rec.figures["gap"] == 300.0


def test_promise_gap_needs_fifty_points() -> None:
    # all: D = 50, R = 0 -> exactly 50 fires; D = 49-ish would not.
    fires = workshop({Level.BOARD: [{"D1": 1, "D2": 0, "R1": 0, "R2": 0, "B1": 0, "B2": 0}]})
    assert "promise_gap" in ids(fires)
    calm = workshop({Level.BOARD: [flat(0, 0, 0)]})
    assert "promise_gap" not in ids(calm)


def test_execution_gap_when_resources_outrun_behaviours() -> None:
    tally = workshop({Level.BOARD: [flat(1, 2, 1)]})
    rec = {r.id: r for r in tally.report().recommendations}["execution_gap"]
    assert rec.figures == {"resources": 200.0, "behaviours": 100.0, "gap": 100.0}


def test_weakest_leg_names_the_lowest_factor_of_all() -> None:
    tally = workshop({Level.MANAGEMENT: [flat(1, 1, -1)]})
    rec = {r.id: r for r in tally.report().recommendations}["weakest_leg"]
    assert rec.figures == {"factor": "behaviours", "score": -100.0}
    assert "behaviours (-100)" in rec.text


def test_divided_level_uses_population_sd_of_own_factor_scores() -> None:
    # Two managers at +100 and -100 on behaviours: population SD 100 >= 60.
    tally = workshop({Level.MANAGEMENT: [flat(0, 0, 1), flat(0, 0, -1)]})
    rec = {r.id: r for r in tally.report().recommendations}["divided_level"]
    assert rec.figures["level"] == "management" and rec.figures["factor"] == "behaviours"
    assert rec.figures["sd"] == 100.0


def test_divided_level_is_silent_for_a_suppressed_level() -> None:
    tally = workshop({Level.MANAGEMENT: [flat(0, 0, 2), flat(0, 0, -2)]}, k=3)
    assert "divided_level" not in ids(tally)


def test_lowest_items_lists_three_lowest_means() -> None:
    answers = {"D1": 2, "D2": -2, "R1": 1, "R2": -1, "B1": 0, "B2": 2}
    tally = workshop({Level.BOARD: [answers]})
    rec = {r.id: r for r in tally.report().recommendations}["lowest_items"]
    assert [i["item"] for i in rec.figures["items"]] == ["D2", "R2", "B1"]


def test_largest_item_gaps_rank_by_absolute_board_front_line_gap() -> None:
    board = {"D1": 2, "D2": 0, "R1": 1, "R2": 0, "B1": -2, "B2": 0}
    front = {"D1": -2, "D2": 0, "R1": 0, "R2": 0, "B1": 1, "B2": 0}
    rec = {
        r.id: r
        for r in workshop({Level.BOARD: [board], Level.FRONT_LINE: [front]})
        .report()
        .recommendations
    }
    top = rec["largest_item_gaps"].figures["items"]
    assert [(i["item"], i["gap"]) for i in top] == [("D1", 400.0), ("B1", -300.0), ("R1", 100.0)]


def test_no_level_comparison_when_the_board_is_below_k() -> None:
    tally = workshop({Level.BOARD: [flat(2, 2, 2)], Level.FRONT_LINE: [flat(-2, -2, -2)] * 3}, k=3)
    found = ids(tally)
    assert "executive_disconnect" not in found and "largest_item_gaps" not in found


def test_recommendations_speak_polish_for_a_polish_session() -> None:
    tally = workshop({Level.BOARD: [flat(2, -1, 0)]}, language="pl")
    texts = " ".join(r.text for r in tally.report().recommendations)
    assert "Luka obietnic" in texts and "Najsłabsza noga" in texts
