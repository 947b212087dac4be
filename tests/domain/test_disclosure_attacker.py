"""Play the attacker against ``report --json``: no set of 1..k-1 people may be recoverable.

The attacker sat in the room, so they know every participant's level and
department. From the report they take only which groups are published and their
``n``. Each published group is one linear equation over the participants'
(unknown) answers: a level or a department sums its members, ``all`` weighs each
publishable level by 1/n_L. If the indicator vector of some set of 1..k-1 people
lies in the span of those equations, adding and subtracting published figures
gives that set's answers exactly. The check here works per participant, with its
own exact Gaussian elimination, independently of the engine's per-cell audit.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coherence_tui.domain.disclosure import audit_departments, released
from coherence_tui.domain.model import Level
from tests.domain.reference import LEVELS, audit, released_reference
from tests.domain.strategies import Workshop, make_items

ITEMS = make_items({"declarations": 3, "resources": 3, "behaviours": 3}, reverse={"R3"})
IDS = [it["id"] for it in ITEMS]


# -- the attacker's linear algebra ----------------------------------------------------


def reduced_row_echelon(
    rows: list[list[Fraction]],
) -> tuple[list[list[Fraction]], list[int]]:
    """Gauss-Jordan: rows with a leading 1 in each pivot column and 0 above and below it."""
    m = [r[:] for r in rows]
    pivots: list[int] = []
    width = len(m[0]) if m else 0
    top = 0
    for col in range(width):
        found = next((i for i in range(top, len(m)) if m[i][col] != 0), None)
        if found is None:
            continue
        m[top], m[found] = m[found], m[top]
        lead = m[top][col]
        m[top] = [x / lead for x in m[top]]
        for i in range(len(m)):
            if i != top and m[i][col] != 0:
                factor = m[i][col]
                m[i] = [x - factor * y for x, y in zip(m[i], m[top], strict=True)]
        pivots.append(col)
        top += 1
    return m[:top], pivots


def recoverable_sets(vectors: list[list[Fraction]], width: int, k: int) -> list[tuple[int, ...]]:
    """Every set of 1..k-1 participant indices whose indicator lies in the vectors' span.

    With the reduced echelon form R (pivot columns P), a vector v is in the row space
    exactly when v equals the sum over pivot columns p of v[p] * R_p.
    """
    if not vectors:
        return []
    rref, pivots = reduced_row_echelon(vectors)
    row_of = {col: r for r, col in zip(rref, pivots, strict=True)}
    found = []
    for size in range(1, k):
        for subset in combinations(range(width), size):
            combo = [Fraction(0)] * width
            for col in subset:
                if col in row_of:
                    combo = [a + b for a, b in zip(combo, row_of[col], strict=True)]
            if all(combo[j] == (1 if j in subset else 0) for j in range(width)):
                found.append(subset)
    return found


def published_equations(
    document: dict[str, Any], people: list[tuple[str, str, str | None]]
) -> tuple[list[list[Fraction]], dict[str, list[Fraction]]]:
    """The published groups' vectors over ``people`` (counting participants), and the
    vectors of the departments the report hides (to check each hiding was needed)."""
    groups = document["groups"]
    shown = {key: g["n"] for key, g in groups.items() if not g["suppressed"]}
    vectors = []
    for lv in LEVELS:
        if lv in shown:
            vectors.append([Fraction(int(p[1] == lv)) for p in people])
    if "all" in shown:
        vectors.append([Fraction(1, shown[p[1]]) if p[1] in shown else Fraction(0) for p in people])
    hidden = {}
    for key, g in groups.items():
        if key.startswith("department:"):
            vector = [Fraction(int(p[2] == key.removeprefix("department:"))) for p in people]
            if g["suppressed"]:
                hidden[key] = vector
            else:
                vectors.append(vector)
    return vectors, hidden


# -- workshops built to leak ----------------------------------------------------------


@st.composite
def leaky_workshops(draw: st.DrawFn) -> Workshop:
    """Small department x level cells, k = 2..4, levels of 0..6 people."""
    k = draw(st.integers(2, 4), label="k")
    departments = ["Sales", "Care", "Ops", "IT"][: draw(st.integers(1, 4))]
    people: list[tuple[str, str, str | None]] = []
    answers: dict[tuple[str, str], int | None] = {}
    for lv in LEVELS:
        for j in range(draw(st.integers(0, 6), label=f"people in {lv}")):
            code = f"{lv[0].upper()}{j}"
            dept = draw(st.sampled_from([*departments, *departments, None]))
            people.append((code, lv, dept))
            answered = draw(st.integers(0, 3))  # 0: registered but never answered
            for i in IDS[:answered]:
                answers[(code, i)] = draw(st.one_of(st.none(), st.integers(-2, 2)))
    return Workshop(k, ITEMS, {}, departments, people, answers, session="leak")


def counting_people(w: Workshop) -> list[tuple[str, str, str | None]]:
    return [p for p in w.people if any((p[0], i) in w.answers for i in IDS)]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(leaky_workshops())
def test_no_small_set_of_people_is_recoverable_from_report_json(w: Workshop) -> None:
    document = w.tally().report().to_json()
    people = counting_people(w)
    # The published n are the attacker's knowledge of group sizes: they must be right.
    for key, group in document["groups"].items():
        if key == "all":
            assert group["n"] == len(people)
        elif key in LEVELS:
            assert group["n"] == sum(1 for p in people if p[1] == key)
        else:
            name = key.removeprefix("department:")
            assert group["n"] == sum(1 for p in people if p[2] == name)
    vectors, hidden = published_equations(document, people)
    leaks = recoverable_sets(vectors, len(people), w.k)
    assert not leaks, (
        f"k={w.k}: {[[people[i][0] for i in s] for s in leaks][:5]} recoverable from "
        f"{[key for key, g in document['groups'].items() if not g['suppressed']]}"
    )
    # And nothing is hidden for nothing: a department hidden by the audit would expose
    # somebody if it were published next to what is published.
    for key, vector in hidden.items():
        group = document["groups"][key]
        if group["suppressed_reason"] == "subtraction":
            assert group["n"] >= w.k
            assert recoverable_sets([*vectors, vector], len(people), w.k), key
        else:
            assert group["suppressed_reason"] == "fewer_than_k" and group["n"] < w.k


@settings(max_examples=150, deadline=None)
@given(leaky_workshops())
def test_audit_departments_agrees_with_a_brute_force_over_cells(w: Workshop) -> None:
    cells: dict[tuple[str, str | None], int] = {}
    for _code, lv, dept in counting_people(w):
        cells[(lv, dept)] = cells.get((lv, dept), 0) + 1
    expected = {d: r for d, r in audit(cells, w.k, w.departments).items() if r is not None}
    got = audit_departments({(Level(lv), d): n for (lv, d), n in cells.items()}, w.k)
    present = {d for (_lv, d) in cells if d is not None}
    assert {d: r.value for d, r in got.suppressed.items()} == {
        d: r for d, r in expected.items() if d in present
    }


# -- the examples, by hand ----------------------------------------------------


def workshop(
    k: int,
    groups: list[tuple[str, str | None, int]],
    values: dict[str, int | None] | None = None,
) -> Workshop:
    """``groups``: (level, department, how many people); everyone answers every item."""
    people = []
    answers: dict[tuple[str, str], int | None] = {}
    n = 0
    for lv, dept, count in groups:
        for _ in range(count):
            n += 1
            code = f"P{n:02d}"
            people.append((code, lv, dept))
            for i in IDS:
                answers[(code, i)] = (values or {}).get(i, (n % 5) - 2)
    departments = sorted({d for _lv, d, _n in groups if d is not None})
    return Workshop(k, ITEMS, {}, departments, people, answers, session="issue7")


def test_front_line_of_four_minus_three_in_sales_would_give_the_care_person() -> None:
    # k = 3. Front line: 3 in Sales + 1 in Care; Sales holds nobody else.
    # 4 x front_line - 3 x Sales = the Care person's answers, so Sales is hidden.
    w = workshop(
        3,
        [
            ("board", None, 3),
            ("management", None, 3),
            ("front_line", "Sales", 3),
            ("front_line", "Care", 1),
        ],
    )
    groups = w.tally().report().to_json()["groups"]
    assert groups["front_line"]["suppressed"] is False and groups["front_line"]["n"] == 4
    assert groups["department:Sales"] == {
        "n": 3,
        "suppressed": True,
        "suppressed_reason": "subtraction",
    }
    assert groups["department:Care"] == {
        "n": 1,
        "suppressed": True,
        "suppressed_reason": "fewer_than_k",
    }


def test_care_tried_first_as_the_larger_department_is_hidden_too() -> None:
    # Care = 3 managers (the whole management level) + 1 front-line person: n = 4, tried
    # first. Care - management = that one person -> subtraction. Then Sales (3): front_line
    # - Sales = the same person -> subtraction.
    w = workshop(
        3,
        [
            ("board", None, 3),
            ("management", "Care", 3),
            ("front_line", "Sales", 3),
            ("front_line", "Care", 1),
        ],
    )
    groups = w.tally().report().to_json()["groups"]
    assert groups["department:Care"]["suppressed_reason"] == "subtraction"
    assert groups["department:Sales"]["suppressed_reason"] == "subtraction"
    assert list(groups)[-2:] == ["department:Care", "department:Sales"]  # largest first


def test_a_two_person_board_hidden_inside_a_department() -> None:
    # k = 3. Ops = the 2 board members + the 3 managers (the whole management level).
    # Ops - management = the board's two people -> Ops is hidden by subtraction.
    w = workshop(
        3,
        [("board", "Ops", 2), ("management", "Ops", 3), ("front_line", None, 3)],
    )
    groups = w.tally().report().to_json()["groups"]
    assert groups["board"] == {"n": 2, "suppressed": True, "suppressed_reason": "fewer_than_k"}
    assert groups["department:Ops"] == {
        "n": 5,
        "suppressed": True,
        "suppressed_reason": "subtraction",
    }


def test_a_department_that_exposes_nobody_is_published() -> None:
    # k = 3. Ops = 2 board + 2 of 4 managers. Cells: (board, Ops) 2, (management, Ops) 2,
    # (management, -) 2, (front_line, -) 3. Published: management = e2 + e3,
    # front_line = e4, Ops = e1 + e2 (board is below k). e1 = Ops - e2 would need e2
    # alone, which only comes with e3: no small set is in the span.
    w = workshop(
        3,
        [
            ("board", "Ops", 2),
            ("management", "Ops", 2),
            ("management", None, 2),
            ("front_line", None, 3),
        ],
    )
    groups = w.tally().report().to_json()["groups"]
    assert groups["department:Ops"]["suppressed"] is False
    assert groups["department:Ops"]["n"] == 4


def test_ties_in_department_size_are_tried_in_code_point_order() -> None:
    # k = 3. Front line: 3 in "Zeta", 3 in "alpha", 1 in no department; no other level.
    # Either department alone next to front_line exposes nobody, but both together give
    # front_line - Zeta - alpha = the lone person. Sizes tie, so "Zeta" goes first
    # ("Z" < "a" in code points, upper case first) and "alpha" is the one hidden.
    w = workshop(
        3,
        [
            ("front_line", "Zeta", 3),
            ("front_line", "alpha", 3),
            ("front_line", None, 1),
        ],
    )
    groups = w.tally().report().to_json()["groups"]
    assert groups["department:Zeta"]["suppressed"] is False
    assert groups["department:alpha"]["suppressed_reason"] == "subtraction"
    assert list(groups)[-2:] == ["department:Zeta", "department:alpha"]


def test_an_item_with_two_dont_knows_in_a_level_of_three_is_not_published() -> None:
    # k = 3, front line of 3 (the only level). D1: -2 from one person, don't know from
    # the other two: its mean would be that person's answer, so only n and real show.
    values: dict[str, int | None] = {i: 1 for i in IDS}
    w = workshop(3, [("front_line", None, 3)], values)
    w.answers[("P02", "D1")] = None
    w.answers[("P03", "D1")] = None
    w.answers[("P01", "D1")] = -2
    document = w.tally().report().to_json()
    d1 = document["items"]["D1"]
    assert d1["levels"] == {"front_line": {"n": 3, "real": 1}}
    assert d1["all"] == {"mean": None, "favourable_pct": None}
    # D2, D3 are published (+100 each) but a 3-item factor needs 3 published items.
    assert document["items"]["D2"]["levels"]["front_line"]["mean"] == 100.0
    front = document["groups"]["front_line"]
    assert front["factors"]["declarations"] is None
    # R3 is reversed: +1 given -> -1 adjusted. Resources (100 + 100 - 100) / 3.
    assert front["factors"]["resources"] == 33.33
    assert front["factors"]["behaviours"] == 100.0
    # The only item below zero is R3; the lone -2 on D1 is read by no recommendation.
    lowest = {r["id"]: r for r in document["recommendations"]}["lowest_items"]
    assert [i["id"] for i in lowest["items"]] == ["R3"]
    for rec in document["recommendations"]:
        assert "D1" not in [i["id"] for i in rec.get("items", [])]


@pytest.mark.xfail(
    strict=True,
    reason="DESIGN gap: the audit's cells count participants, but don't-know answers shrink "
    "an item's real answers below k inside a cell; 4 x Sales - 3 x management is then one "
    "person's answer",
)
def test_dont_know_answers_cannot_open_a_subtraction_the_audit_does_not_see() -> None:
    # k = 3, factors of one item each. Management: 3 people, all in Sales, answer everything.
    # Front line: 3 people in Sales; one answers, two answer "don't know" to every item.
    # Board: 3 people, no department. Cells (management, Sales) 3, (front, Sales) 3,
    # (board, -) 3: no small cell, so the audit admits Sales (n 6). But every Sales item
    # has 4 real answers (3 managers + the one front-line person), the management item
    # means are published, and items[i].levels.front_line shows real = 1, so
    # 4 x Sales - 3 x management = that one person's answer, for every factor.
    people = []
    answers: dict[tuple[str, str], int | None] = {}
    one_item = make_items({"declarations": 1, "resources": 1, "behaviours": 1})
    for code, level, dept, values in (
        ("M1", "management", "Sales", (1, 1, 1)),
        ("M2", "management", "Sales", (0, 0, 0)),
        ("M3", "management", "Sales", (2, 2, 2)),
        ("B1", "board", None, (0, 0, 0)),
        ("B2", "board", None, (0, 0, 0)),
        ("B3", "board", None, (0, 0, 0)),
        ("F1", "front_line", "Sales", (-2, 1, 2)),
        ("F2", "front_line", "Sales", (None, None, None)),
        ("F3", "front_line", "Sales", (None, None, None)),
    ):
        people.append((code, level, dept))
        for item, v in zip(("D1", "R1", "B1"), values, strict=True):
            answers[(code, item)] = v
    w = Workshop(3, one_item, {}, ["Sales"], people, answers, session="dk-leak")
    document = w.tally().report().to_json()
    assert document["items"]["D1"]["levels"]["front_line"] == {"n": 3, "real": 1}
    sales = document["groups"]["department:Sales"]
    management = document["groups"]["management"]
    recovered = (
        None
        if sales["suppressed"] or sales["factors"]["declarations"] is None
        else (4 * sales["factors"]["declarations"] - 3 * management["factors"]["declarations"])
        / 100
    )
    assert recovered is None, f"F1's declarations answer recovered: {recovered}"


# -- room views: batches of 0 or at least k per level ------------------------------


MOMENT = st.lists(
    st.sampled_from([Level.BOARD, Level.MANAGEMENT, Level.FRONT_LINE]), min_size=1, max_size=4
)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 4), st.lists(st.one_of(MOMENT.map(lambda m: m[:1]), MOMENT), max_size=20))
def test_released_views_never_differ_by_1_to_k_minus_1_people_of_a_level(
    k: int, moment_levels: list[list[Level]]
) -> None:
    # Moments: people finishing one by one (mostly), or several at once (an import).
    moments: list[list[tuple[str, Level]]] = []
    n = 0
    for levels in moment_levels:
        moments.append([])
        for lv in levels:
            moments[-1].append((f"X{n:02d}", lv))
            n += 1
    level_of = {c: lv for moment in moments for c, lv in moment}
    expected = released_reference([[(c, lv.value) for c, lv in m] for m in moments], k)
    previous: frozenset[str] = frozenset()
    for step in range(1, len(moments) + 1):
        view = released(moments[:step], k)
        finished = {c for moment in moments[:step] for c, _lv in moment}
        assert previous <= view <= finished
        for name in LEVELS:
            moved = sum(1 for c in view - previous if level_of[c].value == name)
            assert moved == 0 or moved >= k, (k, step, name, moved)
        # Released together: a view that moves shows everyone who finished so far.
        if view != previous:
            assert view == finished
        assert view == expected[step - 1]
        previous = view


def one_by_one(*finished: tuple[str, Level]) -> list[list[tuple[str, Level]]]:
    return [[f] for f in finished]


def test_released_holds_a_lone_finisher_back_until_k_of_the_level() -> None:
    a, b, c, d = (
        ("A", Level.BOARD),
        ("B", Level.BOARD),
        ("C", Level.FRONT_LINE),
        (
            "D",
            Level.BOARD,
        ),
    )
    assert released(one_by_one(a), 3) == frozenset()
    assert released(one_by_one(a, b), 3) == frozenset()
    assert released(one_by_one(a, b, d), 3) == {"A", "B", "D"}
    # The front-line person holds everyone back: that level holds 1 new person, not 0 or 3.
    assert released(one_by_one(a, b, c, d), 3) == frozenset()
    assert released(one_by_one(a, b, c), 1) == {"A", "B", "C"}
    # An imported batch of three front-line people at one moment is shown at once.
    batch = [("E", Level.FRONT_LINE), ("F", Level.FRONT_LINE), ("G", Level.FRONT_LINE)]
    assert released([batch], 3) == {"E", "F", "G"}
