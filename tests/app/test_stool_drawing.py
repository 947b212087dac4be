"""The one stool drawing (``coherence_tui.output.stool_drawing``), on screen and in ``report``."""

from __future__ import annotations

import itertools

import pytest

from coherence_tui.domain.report import GroupScores
from coherence_tui.domain.vocabulary import Factor, StoolState
from coherence_tui.output.stool_drawing import StoolPicture, draw
from coherence_tui.output.textreport import stool_lines
from coherence_tui.widgets.stool_picture import draw_stool

D, R, B = Factor.DECLARATIONS, Factor.RESOURCES, Factor.BEHAVIOURS


def picture(lengths: tuple[int, int, int], max_len: int = 8) -> StoolPicture:
    return draw(
        lengths,
        width=39,
        max_len=max_len,
        names=("Declarations", "Resources", "Behaviours"),
        figures=("+1", "+2", "+3"),
        headline=("+2", "TIPPING"),
        tilt="",
    )


def leg_top(pic: StoolPicture, leg: int) -> int:
    """The highest row of a leg's block at its centre column."""
    col = pic.centres[leg]
    rows = pic.text_lines()
    top = pic.floor
    for row in range(pic.floor - 1, -1, -1):
        line = rows[row]
        if col < len(line) and line[col] == "█":
            top = row
        else:
            break
    return top


def seat_row_at(pic: StoolPicture, col: int) -> int:
    first = pic.centres[0] - 3  # the seat starts two columns left of the 3-wide leg
    return pic.seat_rows[col - first]


def test_the_seat_is_one_straight_plank_on_the_legs() -> None:
    for lengths in itertools.product(range(1, 9), repeat=3):
        check_plank(lengths)


def check_plank(lengths: tuple[int, ...]) -> None:
    pic = picture((lengths[0], lengths[1], lengths[2]))
    rows = pic.seat_rows
    # Straight: it goes one way only (no sag, no peak).
    assert list(rows) == sorted(rows) or list(rows) == sorted(rows, reverse=True), rows
    assert min(rows) >= 1, "the seat stays below the headline"
    for leg, length in enumerate(lengths):
        seat = seat_row_at(pic, pic.centres[leg])
        assert seat < pic.floor - length, f"leg {leg} pokes through the seat"
    short = min(range(3), key=lambda i: (lengths[i], i))
    others = [lengths[i] for i in range(3) if i != short]
    if short != 1 and lengths[short] < min(others):
        # A short outer leg: the seat goes down towards it (or stays level at worst).
        near, far = (rows[0], rows[-1]) if short == 0 else (rows[-1], rows[0])
        assert near >= far, (lengths, rows)
    if short == 1 and lengths[1] < min(others):
        # A short middle leg: level, never pointing the room at an outer leg.
        assert len(set(rows)) == 1, (lengths, rows)


@pytest.mark.parametrize("lengths", [(6, 2, 6), (7, 1, 4), (3, 1, 8)])
def test_a_short_middle_leg_hangs_below_a_level_seat(lengths: tuple[int, int, int]) -> None:
    pic = picture(lengths)
    seat = seat_row_at(pic, pic.centres[1])
    # Level seat over the middle, and rows of air between it and the middle leg.
    assert len(set(pic.seat_rows)) == 1
    assert leg_top(pic, 1) - seat >= 3


def test_a_short_left_leg_tilts_the_seat_down_to_the_left() -> None:
    pic = picture((2, 7, 7))
    assert pic.seat_rows[0] > pic.seat_rows[-1]
    right = picture((7, 7, 2))
    assert right.seat_rows[-1] > right.seat_rows[0]


def scores(d: float, r: float, b: float) -> GroupScores:
    overall = (d + r + b) / 3
    return GroupScores(
        key="all",
        n=12,
        suppressed=False,
        factors={D: d, R: r, B: b},
        favourable_pct={D: 70.0, R: 30.0, B: 55.0},
        overall=overall,
        imbalance=max(d, r, b) - min(d, r, b),
        stool=StoolState.TIPPING,
    )


@pytest.mark.parametrize("figures", [(91, 11, 63), (-150, 80, 120), (100, 120, -180)])
def test_report_prints_the_stool_the_dashboard_draws(figures: tuple[int, int, int]) -> None:
    group = scores(*figures)
    printed = stool_lines(group, "en", rows=8)
    drawn = [line.plain.rstrip() for line in draw_stool(group, "en", width=39, max_len=8).lines]
    floor = next(i for i, line in enumerate(printed) if line.startswith("─"))
    # Headline, seat, legs, floor and names are the same characters in the same places.
    assert printed[: floor + 2] == drawn[: floor + 2]
