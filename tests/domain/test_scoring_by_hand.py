"""A workshop small enough to check with a pencil, figure by figure."""

from __future__ import annotations

import pytest

from coherence_tui.domain.model import Level, Participant, Questionnaire
from coherence_tui.domain.scoring import Tally
from tests.domain.conftest import make_questionnaire


def pencil_workshop(k: int = 2) -> Tally:
    """Board: A, B. Front line: C, D. Management: E alone. Items D1 D2 R1 R2 B1 B2, R2 reversed.

    Board A: D1 +2, D2 +2, R1 +1, R2 -1 (reversed -> +1), B1 +1, B2 0
    Board B: D1 +1, D2 +2, R1 0,  R2 dk,                  B1 +1, B2 +1
    Front C: D1 0,  D2 +1, R1 -2, R2 +2 (reversed -> -2), B1 +1, B2 dk
    Front D: D1 -1, D2 dk, R1 -1, R2 +1 (reversed -> -1), B1 0,  B2 +1
    Mgmt  E: D1 +2 only (stopped half-way)
    """
    q = make_questionnaire(per_factor=2)
    items = [i.model_copy(update={"reverse": i.id == "R2"}) for i in q.items]
    q = Questionnaire.model_validate({**q.model_dump(), "items": [i.model_dump() for i in items]})
    tally = Tally(q, k=k, departments=["Care"], session="pencil")
    people = {
        "A": (Level.BOARD, None),
        "B": (Level.BOARD, "Care"),
        "C": (Level.FRONT_LINE, "Care"),
        "D": (Level.FRONT_LINE, None),
        "E": (Level.MANAGEMENT, "Care"),
    }
    for code, (level, dept) in people.items():
        tally.add_participant(Participant(code, level, dept))
    answers = {
        "A": {"D1": 2, "D2": 2, "R1": 1, "R2": -1, "B1": 1, "B2": 0},
        "B": {"D1": 1, "D2": 2, "R1": 0, "R2": None, "B1": 1, "B2": 1},
        "C": {"D1": 0, "D2": 1, "R1": -2, "R2": 2, "B1": 1, "B2": None},
        "D": {"D1": -1, "D2": None, "R1": -1, "R2": 1, "B1": 0, "B2": 1},
        "E": {"D1": 2},
    }
    for code, given in answers.items():
        for item, value in given.items():
            tally.record(code, item, value)
    return tally


def test_board_factor_scores_match_the_pencil() -> None:
    board = pencil_workshop().report().group(Level.BOARD)
    # D: item means D1 150, D2 200 -> 175. R: R1 50, R2 100 (only A) -> 75. B: B1 100, B2 50 -> 75.
    assert board.factors == {"declarations": 175.0, "resources": 75.0, "behaviours": 75.0}
    assert board.overall == pytest.approx(325 / 3)
    assert board.imbalance == 100.0
    assert board.stool == "tipping"


def test_front_line_skips_dont_know_items_and_reverses_r2() -> None:
    front = pencil_workshop().report().group(Level.FRONT_LINE)
    # D: D1 -50, D2 100 (C only) -> 25. R: R1 -150, R2 -150 -> -150. B: B1 50, B2 100 -> 75.
    assert front.factors == {"declarations": 25.0, "resources": -150.0, "behaviours": 75.0}
    assert front.imbalance == 225.0


def test_management_alone_is_suppressed_and_left_out_of_all() -> None:
    report = pencil_workshop(k=2).report()
    management = report.group(Level.MANAGEMENT)
    assert management.suppressed and management.n == 1
    assert management.factors == {} and management.overall is None
    whole = report.group("all")
    # Equal weight of board and front line only: D (175+25)/2, R (75-150)/2, B (75+75)/2.
    assert whole.factors == {"declarations": 100.0, "resources": -37.5, "behaviours": 75.0}
    assert whole.n == 5


def test_k_of_one_lets_management_in_with_equal_weight() -> None:
    whole = pencil_workshop(k=1).report().group("all")
    # Management: D 200 (D1 only), R and B none. D = (175 + 25 + 200) / 3.
    assert whole.factors["declarations"] == pytest.approx(400 / 3)
    assert whole.factors["resources"] == -37.5


def test_department_mixes_levels_answer_by_answer() -> None:
    care = pencil_workshop(k=2).report().group("department:Care")
    # B, C, E. D1: 1, 0, 2 -> 100; D2: 2, 1 -> 150 -> D 125.
    assert care.n == 3
    assert care.factors["declarations"] == 125.0


def test_gap_board_front_line_is_board_minus_front_line() -> None:
    gap = pencil_workshop().report().gaps["board-front_line"]
    assert not gap.suppressed
    assert gap.factors == {"declarations": 150.0, "resources": 225.0, "behaviours": 0.0}


def test_gap_with_a_suppressed_level_is_suppressed() -> None:
    gaps = pencil_workshop(k=2).report().gaps
    assert gaps["board-management"].suppressed
    assert gaps["management-front_line"].suppressed
    assert gaps["board-management"].to_json() == {"suppressed": True}


def test_item_agree_pct_counts_plus_one_and_two_after_reversing() -> None:
    item = pencil_workshop().report().items["R2"]
    # Board: A only, -1 reversed -> +1: 100 %. Front: C -2, D -1: 0 %.
    assert item.levels[Level.BOARD].agree_pct == 100.0
    assert item.levels[Level.FRONT_LINE].agree_pct == 0.0
    assert item.levels[Level.FRONT_LINE].n == 2


def test_latest_answer_wins() -> None:
    tally = pencil_workshop()
    tally.record("A", "D1", -2)
    board = tally.report().group(Level.BOARD)
    # D1: -2, +1 -> -50; D2 200 -> 75.
    assert board.factors["declarations"] == 75.0
    assert tally.answers == 25


def test_all_dont_know_gives_null_figures_not_zero() -> None:
    q = make_questionnaire(per_factor=1)
    tally = Tally(q, k=1)
    tally.add_participant(Participant("X", Level.BOARD))
    for item in ("D1", "R1", "B1"):
        tally.record("X", item, None)
    board = tally.report().to_json()["groups"]["board"]
    assert board["n"] == 1 and board["suppressed"] is False
    assert board["factors"] == {"declarations": None, "resources": None, "behaviours": None}
    assert board["overall"] is None and board["stool"] is None


def test_nobody_answered_keeps_every_group_suppressed() -> None:
    report = Tally(make_questionnaire(), k=1).report().to_json()
    assert report["groups"]["all"] == {"n": 0, "suppressed": True}
    assert report["recommendations"] == []


def test_all_levels_below_k_average_all_levels_when_total_reaches_k() -> None:
    q = make_questionnaire(per_factor=1)
    tally = Tally(q, k=3)
    for code, level, value in (
        ("A", Level.BOARD, 2),
        ("B", Level.BOARD, 2),
        ("C", Level.FRONT_LINE, -2),
    ):
        tally.add_participant(Participant(code, level))
        tally.record(code, "D1", value)
    report = tally.report()
    assert report.group(Level.BOARD).suppressed and report.group(Level.FRONT_LINE).suppressed
    # Every level suppressed: all = mean of board (200) and front line (-200).
    assert report.group("all").factors["declarations"] == 0.0
