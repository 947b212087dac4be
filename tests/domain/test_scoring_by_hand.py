"""A workshop small enough to check with a pencil, figure by figure (DESIGN.md Scoring v2).

Every expected value is worked out in the comments. Figures are read from
``report().to_json()``, i.e. rounded to 2 decimals as written; interval bounds are
compared to the formula's value within 0.01.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from scipy.stats import t as student_t  # type: ignore[import-untyped]

from coherence_tui.domain.model import Level, Participant
from coherence_tui.domain.scoring import Tally
from tests.domain.strategies import build_questionnaire, make_items

NINE = make_items({"declarations": 3, "resources": 3, "behaviours": 3}, reverse={"R3"})
"""D1 D2 D3, R1 R2 R3 (R3 reversed), B1 B2 B3."""
IDS = [it["id"] for it in NINE]


def t95(df: float) -> float:
    return float(student_t.ppf(0.95, df))


def answers_of(*values: int | None) -> dict[str, int | None]:
    """Values in item order D1 D2 D3 R1 R2 R3 B1 B2 B3; a shorter tuple stopped half-way."""
    return dict(zip(IDS, values, strict=False))


# Raw answers (R3 is reversed: its value is negated before scoring; dk = None).
#            D1  D2  D3    R1  R2  R3     B1  B2  B3
PENCIL: dict[str, tuple[Level, str | None, dict[str, int | None]]] = {
    "A": (Level.BOARD, "Sales", answers_of(2, 2, 1, 1, 0, -1, 1, 1, 0)),
    "B": (Level.BOARD, "Care", answers_of(2, 1, 2, 0, 1, None, 0, 1, 1)),
    "C": (Level.BOARD, "Sales", answers_of(1, 2, None, 1, -1, None, 1, 0, 1)),
    "F": (Level.FRONT_LINE, "Sales", answers_of(0, 1, 0, -2, -1, 2, 1, None, 0)),
    "G": (Level.FRONT_LINE, "Care", answers_of(-1, None, 1, -1, -1, 1, 0, 1, 1)),
    "H": (Level.FRONT_LINE, None, answers_of(0, 0, 0, -1, 0, 1, 1, 1, None)),
    "M": (Level.MANAGEMENT, "Care", answers_of(2, 2)),  # stopped after two answers
}


def pencil_workshop(k: int = 2) -> Tally:
    q = build_questionnaire(NINE)
    tally = Tally(q, k=k, departments=["Sales", "Care", "IT"], session="pencil")
    for code, (level, dept, given) in PENCIL.items():
        tally.add_participant(Participant(code, level, dept))
        for item, value in given.items():
            tally.record(code, item, value)
    return tally


def doc(k: int = 2) -> dict[str, Any]:
    return pencil_workshop(k).report().to_json()


def close_interval(got: list[float] | None, centre: float, half: float) -> bool:
    return (
        got is not None
        and abs(got[0] - (centre - half)) <= 0.01
        and abs(got[1] - (centre + half)) <= 0.01
    )


# -- items -----------------------------------------------------------------------------


def test_item_figures_need_k_real_answers() -> None:
    items = doc()["items"]
    # Board D3: A 1, B 2, C dk -> 2 real answers (k = 2): mean (1 + 2) / 2 x 100 = 150,
    # favourable 2/2 = 100 %, don't know 1/3 = 33.33 %.
    assert items["D3"]["levels"]["board"] == {
        "n": 3,
        "real": 2,
        "mean": 150.0,
        "favourable_pct": 100.0,
        "dont_know_pct": 33.33,
    }
    # Board R3: only A answered (-1, reversed +1): 1 real answer < k -> counts only.
    assert items["R3"]["levels"]["board"] == {"n": 3, "real": 1}
    # Management (1 person) is below k: no per-item entry at all.
    assert set(items["D1"]["levels"]) == {"board", "front_line"}


def test_reverse_item_is_negated_and_favourable_means_disagreeing() -> None:
    r3 = doc()["items"]["R3"]
    # Front R3: F 2, G 1, H 1 reversed -> -2, -1, -1: mean -400/3 = -133.33, favourable 0 %.
    assert r3["reverse"] is True
    assert r3["levels"]["front_line"]["mean"] == -133.33
    assert r3["levels"]["front_line"]["favourable_pct"] == 0.0
    # items[R3].all: only the front line publishes R3 -> -133.33.
    assert r3["all"] == {"mean": -133.33, "favourable_pct": 0.0}


def test_item_all_is_the_mean_of_the_levels_published_figures() -> None:
    d1 = doc()["items"]["D1"]
    # Board D1: 2, 2, 1 -> 500/3; front D1: 0, -1, 0 -> -100/3. all = (500/3 - 100/3) / 2
    # = 200/3 = 66.67. Favourable: board 3/3 = 100, front 0/3 = 0 -> 50.
    assert d1["levels"]["board"]["mean"] == 166.67
    assert d1["levels"]["front_line"]["mean"] == -33.33
    assert d1["all"] == {"mean": 66.67, "favourable_pct": 50.0}


# -- levels -----------------------------------------------------------------------------


def test_board_factor_needs_three_published_items() -> None:
    board = doc()["groups"]["board"]
    # D: D1 500/3, D2 (2+1+2)/3 = 500/3, D3 150 -> (500/3 + 500/3 + 450/3) / 3 = 1450/9.
    # R: R3 unpublished (1 real answer) -> 2 of 3 items -> null.
    # B: B1 (1+0+1)/3, B2 (1+1+0)/3, B3 (0+1+1)/3 -> 200/3 each -> 200/3.
    assert board["factors"] == {"declarations": 161.11, "resources": None, "behaviours": 66.67}
    # Favourable: D items 100 % each -> 100; B items 2/3 each -> 66.67; R null.
    assert board["favourable_pct"] == {
        "declarations": 100.0,
        "resources": None,
        "behaviours": 66.67,
    }
    # overall = (1450/9 + 600/9) / 2 = 2050/18 = 113.89; imbalance 850/9 = 94.44 -> tipping.
    assert board["overall"] == 113.89
    assert board["imbalance"] == 94.44
    assert board["stool"] == "tipping"
    assert board["n"] == 3 and board["suppressed"] is False


def test_front_line_factors_skip_dont_know_and_reverse_r3() -> None:
    front = doc()["groups"]["front_line"]
    # D: D1 -100/3, D2 (1+0)/2 = 50, D3 (0+1+0)/3 = 100/3 -> 50/3 = 16.67.
    # R: R1 -400/3, R2 -200/3, R3 -400/3 -> -1000/9 = -111.11.
    # B: B1 200/3, B2 (1+1)/2 = 100, B3 (0+1)/2 = 50 -> 650/9 = 72.22.
    assert front["factors"] == {"declarations": 16.67, "resources": -111.11, "behaviours": 72.22}
    # overall = (150/9 - 1000/9 + 650/9) / 3 = -200/27 = -7.41; imbalance 1650/9 = 183.33.
    assert front["overall"] == -7.41
    assert front["imbalance"] == 183.33


def test_ci90_of_a_level_factor() -> None:
    board = doc()["groups"]["board"]
    # p(x, D): A 500/3, B 500/3, C (1 + 2)/2 = 150. Mean 1450/9; deviations 50/9, 50/9,
    # -100/9 -> s^2 = (2500 + 2500 + 10000)/81 / 2 = 7500/81, s = 9.62.
    # ci90 = 161.11 +- t(0.95, 2) x 9.62 / sqrt(3) = 161.11 +- 2.92 x 5.556 = +- 16.22.
    half = t95(2) * math.sqrt(7500 / 81) / math.sqrt(3)
    assert close_interval(board["ci90"]["declarations"], 1450 / 9, half)
    assert board["ci90"]["resources"] is None  # the factor score is null
    # p(x, B) for the behaviours interval: A 200/3, B 200/3, C 200/3 -> s = 0: the point.
    assert board["ci90"]["behaviours"] == [66.67, 66.67]


def test_stool_confident_uses_the_paired_difference_of_the_widest_legs() -> None:
    groups = doc()["groups"]
    # Board: hi = D (161.11), lo = B (66.67). d = p(D) - p(B): A 500/3 - 200/3 = 100,
    # B 100, C 150 - 200/3 = 250/3. mean 850/9 = 94.44, s^2 = 7500/81 (as above),
    # interval 94.44 +- 16.22 = [78.2, 110.7]: wholly >= 60, the tipping band -> true.
    assert groups["board"]["stool_confident"] is True
    # Front: hi = B (72.22), lo = R (-111.11). d: F 50 + 500/3 = 650/3, G 200/3 + 100
    # = 500/3, H 100 + 200/3 = 500/3. mean 1650/9 = 183.33, s = 28.87, half = 2.92 x 28.87
    # / 1.732 = 48.67 -> [134.7, 232.0] >= 60 -> true.
    assert groups["front_line"]["stool_confident"] is True
    # all: never an interval, never a confidence.
    assert groups["all"]["stool_confident"] is None
    assert groups["all"]["ci90"] == {"declarations": None, "resources": None, "behaviours": None}


def test_a_level_below_k_is_suppressed_and_left_out_of_all() -> None:
    groups = doc(k=2)["groups"]
    assert groups["management"] == {"n": 1, "suppressed": True, "suppressed_reason": "fewer_than_k"}
    whole = groups["all"]
    # Board and front line weigh the same; a null factor is left out:
    # D (1450/9 + 150/9)/2 = 800/9 = 88.89; R only front -1000/9 = -111.11;
    # B (600/9 + 650/9)/2 = 625/9 = 69.44.
    assert whole["factors"] == {"declarations": 88.89, "resources": -111.11, "behaviours": 69.44}
    # Favourable D: board 100; front D1 0/3, D2 1/2, D3 1/3 -> (0 + 50 + 100/3)/3 = 250/9;
    # all = (100 + 250/9)/2 = 575/9 = 63.89.
    assert whole["favourable_pct"]["declarations"] == 63.89
    # overall (800 - 1000 + 625)/27 = 425/27 = 15.74; imbalance 800/9 + 1000/9 = 200.
    assert whole["overall"] == 15.74 and whole["imbalance"] == 200.0
    assert whole["stool"] == "tipping"
    # all.n counts every counting participant, management's M included.
    assert whole["n"] == 7


def test_rehearsal_k1_lets_a_single_manager_in_with_equal_weight() -> None:
    groups = doc(k=1)["groups"]
    # k = 1: items need 1 real answer. Management M: D1 200, D2 200, D3 unanswered ->
    # 2 of 3 declarations items -> null; M has no R or B answers -> no factor at all.
    assert groups["management"]["factors"] == {
        "declarations": None,
        "resources": None,
        "behaviours": None,
    }
    assert groups["management"]["overall"] is None and groups["management"]["stool"] is None
    # Board at k = 1 now publishes R3 (A: +1): R = (200/3 + 0 + 100)/3 = 500/9 = 55.56.
    assert groups["board"]["factors"]["resources"] == 55.56


# -- gaps -------------------------------------------------------------------------------


def test_gap_board_front_line_on_items_published_for_both() -> None:
    gap = doc()["gaps"]["board-front_line"]
    # D: D1 500/3 + 100/3 = 200, D2 500/3 - 50 = 350/3, D3 150 - 100/3 = 350/3
    # -> (600 + 700)/9 = 1300/9 = 144.44.
    # R: R3 not published for the board -> 2 items in both < 3 -> null.
    # B: 200/3 - 200/3 = 0, 200/3 - 100 = -100/3, 200/3 - 50 = 50/3 -> -50/9 = -5.56.
    assert gap["suppressed"] is False
    assert (gap["declarations"], gap["resources"], gap["behaviours"]) == (144.44, None, -5.56)
    # overall = mean of the non-null factor gaps = (1300/9 - 50/9)/2 = 625/9 = 69.44.
    assert gap["overall"] == 69.44
    assert gap["ci90"]["resources"] is None and gap["significant"]["resources"] is None


def test_gap_ci90_is_welch_on_participants_own_scores() -> None:
    gap = doc()["gaps"]["board-front_line"]
    # p(x, D): board 500/3, 500/3, 150 (s^2 = 7500/81); front F 100/3, G 0, H 0
    # (mean 100/9, deviations 200/9, -100/9, -100/9 -> s^2 = 60000/81 / 2 = 30000/81).
    qa, qb = 7500 / 81 / 3, 30000 / 81 / 3  # s^2 / n
    se = math.sqrt(qa + qb)  # sqrt(37500/243) = 12.42
    df = (qa + qb) ** 2 / (qa**2 / 2 + qb**2 / 2)  # 2.94
    assert close_interval(gap["ci90"]["declarations"], 1300 / 9, t95(df) * se)
    assert gap["significant"]["declarations"] is True  # about [115, 174]: excludes 0


def test_gap_with_a_suppressed_level_is_suppressed_only() -> None:
    gaps = doc(k=2)["gaps"]
    assert gaps["board-management"] == {"suppressed": True}
    assert gaps["management-front_line"] == {"suppressed": True}


def test_a_zero_spread_gap_is_the_point_itself() -> None:
    # k = 2, every factor one item. Board: two people answer +1 everywhere; front line:
    # two answer +1 on D, 0 on R and B. Gap D = 0 with se = 0 -> [0, 0], not significant;
    # gap R = 100 with se = 0 -> [100, 100], significant.
    q = build_questionnaire(make_items({"declarations": 1, "resources": 1, "behaviours": 1}))
    tally = Tally(q, k=2)
    for code, level, values in (
        ("A", Level.BOARD, (1, 1, 1)),
        ("B", Level.BOARD, (1, 1, 1)),
        ("F", Level.FRONT_LINE, (1, 0, 0)),
        ("G", Level.FRONT_LINE, (1, 0, 0)),
    ):
        tally.add_participant(Participant(code, level))
        for item, v in zip(("D1", "R1", "B1"), values, strict=True):
            tally.record(code, item, v)
    gap = tally.report().to_json()["gaps"]["board-front_line"]
    assert gap["ci90"]["declarations"] == [0.0, 0.0]
    assert gap["significant"]["declarations"] is False
    assert gap["ci90"]["resources"] == [100.0, 100.0]
    assert gap["significant"]["resources"] is True


# -- departments --------------------------------------------------------------------------


def test_departments_mix_levels_and_list_largest_first() -> None:
    groups = doc(k=2)["groups"]
    # Care: B (board), G (front line), M (management) -> n 3. Sales: A, C, F -> n 3.
    # IT: nobody -> n 0. Ties by name in code-point order: Care, Sales, then IT.
    assert list(groups) == [
        "all",
        "board",
        "management",
        "front_line",
        "department:Care",
        "department:Sales",
        "department:IT",
    ]
    assert groups["department:IT"] == {
        "n": 0,
        "suppressed": True,
        "suppressed_reason": "fewer_than_k",
    }
    # Cells (k = 2, sets of 1 person): no single person is a combination of board,
    # front_line, all, Care and Sales (checked by the attacker tests), so both publish.
    care = groups["department:Care"]
    # Care D1: B 2, G -1, M 2 -> 100; D2: B 1, G dk, M 2 -> 150; D3: B 2, G 1 -> 150.
    # D = (100 + 150 + 150)/3 = 133.33.
    assert care["n"] == 3 and care["factors"]["declarations"] == 133.33
    # Care R: R1 (0, -1) -> -50; R2 (1, -1) -> 0; R3 only G (1 reversed -> -1): 1 real
    # answer < k -> R null.
    assert care["factors"]["resources"] is None


def test_departments_at_k3_pass_the_audit_when_no_small_set_is_isolated() -> None:
    groups = doc(k=3)["groups"]
    # k = 3: board (3) and front line (3) publish; management (M alone) does not.
    # Cells: (board, Care) B, (board, Sales) A C, (front, Care) G, (front, Sales) F,
    # (front, -) H, (management, Care) M. Care = B + G + M, Sales = A + C + F, n 3 each.
    # A combination a.board + b.front + c.Care + d.Sales has entries
    # (board,Care) a+c, (board,Sales) a+d, (front,Care) b+c, (front,Sales) b+d,
    # (front,-) b, (management,Care) c. For a set of 1-2 people every entry must be 0 or 1
    # and the head count 1-2; trying b, c in {0, 1} and (board,*) in {0, 1} always gives 0
    # or at least 3 people. So Care (tried first: tie, "Care" < "Sales") and Sales publish.
    assert groups["department:Care"]["suppressed"] is False
    assert groups["department:Sales"]["suppressed"] is False
    assert groups["department:Care"]["n"] == groups["department:Sales"]["n"] == 3


# -- counting, nulls and the empty session ------------------------------------------------


def test_latest_answer_wins_and_counts_once() -> None:
    tally = pencil_workshop()
    tally.record("A", "D1", -2)
    board = tally.report().to_json()["groups"]["board"]
    # D1: -2, 2, 1 -> 100/3; D2 500/3; D3 150 -> (100/3 + 500/3 + 450/3)/3 = 1050/9 = 116.67.
    assert board["factors"]["declarations"] == 116.67
    assert tally.answers == sum(len(given) for _lv, _d, given in PENCIL.values())


def test_a_participant_counts_once_they_answered_anything_even_dont_know() -> None:
    q = build_questionnaire(NINE)
    tally = Tally(q, k=1)
    tally.add_participant(Participant("X", Level.BOARD))  # only don't know
    tally.add_participant(Participant("Y", Level.BOARD))  # registered, never answered
    tally.record("X", "D1", None)
    groups = tally.report().to_json()["groups"]
    assert groups["board"]["n"] == 1 and groups["all"]["n"] == 1
    # X's single answer is don't know: no real answers, so every figure is null, not 0.
    assert groups["board"]["factors"] == {
        "declarations": None,
        "resources": None,
        "behaviours": None,
    }
    assert groups["board"]["overall"] is None and groups["board"]["stool"] is None
    assert groups["board"]["stool_confident"] is None


def test_nobody_answered_keeps_every_group_suppressed() -> None:
    document = Tally(build_questionnaire(NINE), k=3).report().to_json()
    assert document["format"] == 2 and document["k"] == 3
    assert document["groups"]["all"] == {
        "n": 0,
        "suppressed": True,
        "suppressed_reason": "fewer_than_k",
    }
    assert all(gap == {"suppressed": True} for gap in document["gaps"].values())
    assert document["recommendations"] == []


def test_every_level_below_k_hides_all_even_when_the_room_reaches_k() -> None:
    # k = 3: board 2 + front line 1 = 3 people, but no level is publishable -> all is
    # suppressed (v1 averaged the hidden levels here; v2 shows counts only).
    q = build_questionnaire(NINE)
    tally = Tally(q, k=3)
    for code, level, value in (
        ("A", Level.BOARD, 2),
        ("B", Level.BOARD, 2),
        ("C", Level.FRONT_LINE, -2),
    ):
        tally.add_participant(Participant(code, level))
        for item in IDS:
            tally.record(code, item, value)
    document = tally.report().to_json()
    assert document["groups"]["all"] == {
        "n": 3,
        "suppressed": True,
        "suppressed_reason": "fewer_than_k",
    }
    for item in document["items"].values():
        assert item["levels"] == {}
        assert item["all"] == {"mean": None, "favourable_pct": None}
    assert document["recommendations"] == []


def test_a_two_item_factor_needs_both_items_published() -> None:
    # Factors of 2, 1 and 1 items, k = 2, one level of 2 people.
    q = build_questionnaire(make_items({"declarations": 2, "resources": 1, "behaviours": 1}))
    tally = Tally(q, k=2)
    for code, d2 in (("A", 1), ("B", None)):
        tally.add_participant(Participant(code, Level.MANAGEMENT))
        for item, v in (("D1", 2), ("D2", d2), ("R1", 0), ("B1", -1)):
            tally.record(code, item, v)
    management = tally.report().to_json()["groups"]["management"]
    # D2 has one real answer (< k): 1 of 2 declarations items -> null. R1 0, B1 -100.
    assert management["factors"] == {
        "declarations": None,
        "resources": 0.0,
        "behaviours": -100.0,
    }
    # overall (0 - 100)/2 = -50; imbalance 100.
    assert management["overall"] == -50.0 and management["imbalance"] == 100.0


# -- exactness at the edges -------------------------------------------------------------


def test_stool_confident_at_a_threshold_decides_mean_d_exactly() -> None:
    # Thresholds wobbly 30, tipping 100; k = 2; board A and B answer alike:
    #   D -1 -1 0 -> p(D) = -200/3; R -1 -1 -1 -> p(R) = -100; B -2 -2 -1 -> p(B) = -500/3.
    # Factors D -66.67 (hi), R -100, B -166.67 (lo): imbalance exactly 100 -> tipping.
    # d = p(D) - p(B) = 100 for both, s = 0: the interval is the point mean(d) = 100
    # exactly (DESIGN: mean(d) is exact), and 100 >= 100 is in the tipping band -> true.
    q = build_questionnaire(
        make_items({"declarations": 3, "resources": 3, "behaviours": 3}),
        {"stool_wobbly": 30, "stool_tipping": 100},
    )
    tally = Tally(q, k=2)
    for code in ("A", "B"):
        tally.add_participant(Participant(code, Level.BOARD))
        for item, v in zip(IDS, (-1, -1, 0, -1, -1, -1, -2, -2, -1), strict=True):
            tally.record(code, item, v)
    board = tally.report().to_json()["groups"]["board"]
    assert board["imbalance"] == 100.0 and board["stool"] == "tipping"
    assert board["stool_confident"] is True


@pytest.mark.parametrize(
    ("d_values", "expected"),
    [
        # D1: 2 and 1 -> D 150; R 100, B 100: imbalance 50 -> wobbly; hi D, lo R (tie
        # with B goes to R). d = p(D) - p(R): 100 and 0 -> mean 50, s = 70.71,
        # half = t(0.95, 1) x 70.71 / sqrt(2) = 6.31 x 50 = 315.7 -> [-266, 366]: not
        # inside [30, 60) -> false.
        ((2, 1), False),
        # Both answer 2: D 200, imbalance 100 -> tipping; d = 100, 100 -> the point 100,
        # inside [60, ...) -> true.
        ((2, 2), True),
    ],
)
def test_stool_confident_false_when_two_people_disagree(
    d_values: tuple[int, int], expected: bool
) -> None:
    q = build_questionnaire(make_items({"declarations": 1, "resources": 1, "behaviours": 1}))
    tally = Tally(q, k=2)
    for code, d in zip(("A", "B"), d_values, strict=True):
        tally.add_participant(Participant(code, Level.FRONT_LINE))
        for item, v in (("D1", d), ("R1", 1), ("B1", 1)):
            tally.record(code, item, v)
    front = tally.report().to_json()["groups"]["front_line"]
    assert front["stool_confident"] is expected


def one_item_per_factor(
    people: list[tuple[int | None, int | None, int | None]],
    thresholds: dict[str, float] | None = None,
) -> dict[str, Any]:
    """k = 2, one level (front line), factors of one item each: (D1, R1, B1) per person."""
    q = build_questionnaire(
        make_items({"declarations": 1, "resources": 1, "behaviours": 1}), thresholds
    )
    tally = Tally(q, k=2)
    for n, values in enumerate(people):
        tally.add_participant(Participant(f"P{n}", Level.FRONT_LINE))
        for item, v in zip(("D1", "R1", "B1"), values, strict=True):
            tally.record(f"P{n}", item, v)
    front: dict[str, Any] = tally.report().to_json()["groups"]["front_line"]
    return front


@pytest.mark.parametrize(
    ("b_answers", "thresholds", "stool"),
    [
        # D1 +1 for everyone -> 100, R1 +1 -> 100; imbalance = 100 - B1's mean.
        # B1 all +1 -> 100: imbalance 0 -> stable.
        ((1, 1), None, "stable"),
        # B1 four +1, one 0 -> 80: imbalance 20 -> stable.
        ((1, 1, 1, 1, 0), None, "stable"),
        # B1 seven +1, three 0 -> 70: imbalance exactly 30 -> wobbly ("30 to below 60").
        ((1,) * 7 + (0,) * 3, None, "wobbly"),
        # B1 +1, 0 -> 50: imbalance 50 -> wobbly.
        ((1, 0), None, "wobbly"),
        # B1 two +1, three 0 -> 40: imbalance exactly 60 -> tipping ("from 60").
        ((1, 1, 0, 0, 0), None, "tipping"),
        # Thresholds live with the questionnaire: wobbly 25, tipping 50.
        # B1 +1, 0, +1, +1 -> 75: imbalance exactly 25 -> wobbly; B1 +1, 0 -> exactly 50
        # -> tipping.
        ((1, 0, 1, 1), {"stool_wobbly": 25, "stool_tipping": 50}, "wobbly"),
        ((1, 0), {"stool_wobbly": 25, "stool_tipping": 50}, "tipping"),
    ],
)
def test_stool_bands_include_their_lower_threshold(
    b_answers: tuple[int, ...], thresholds: dict[str, float] | None, stool: str
) -> None:
    front = one_item_per_factor([(1, 1, b) for b in b_answers], thresholds)
    assert front["stool"] == stool


def test_stool_confident_breaks_a_tie_for_lowest_to_the_first_factor() -> None:
    # D1: +1, +1 -> 100; R1: +1, -1 -> 0; B1: 0, 0 -> 0. Imbalance 100 -> tipping.
    # hi = D; R and B tie for lowest -> lo = R (first of declarations, resources, behaviours).
    # d = p(D) - p(R) = 0, 200 -> mean 100, s = 141, wide interval -> false.
    # (With lo = B it would be d = 100, 100 -> the point 100 -> true.)
    front = one_item_per_factor([(1, 1, 0), (1, -1, 0)])
    assert front["stool"] == "tipping"
    assert front["stool_confident"] is False


def test_stool_confident_breaks_a_tie_for_highest_to_the_first_factor() -> None:
    # D1: +1, -1 -> 0; R1: 0, 0 -> 0; B1: -1, -1 -> -100. Imbalance 100 -> tipping.
    # D and R tie for highest -> hi = D; lo = B. d = p(D) - p(B) = 200, 0 -> wide -> false.
    # (With hi = R: d = 100, 100 -> true.)
    front = one_item_per_factor([(1, 0, -1), (-1, 0, -1)])
    assert front["stool"] == "tipping"
    assert front["stool_confident"] is False
