"""The one stool drawing: the picture ``report`` prints and the dashboard draws.

Pure (no Textual, no Rich): each cell is a character and a ``Part`` (leg, seat, label,
...); the dashboard maps parts to its theme's styles, ``report`` prints the characters.

Geometry (the room and the tests rely on it):

- Legs stand on a common floor and grow upwards, ``leg_length`` rows each. A factor
  without a figure has no leg: a dotted outline of half height.
- The seat is one straight plank, two half rows thick, resting on the legs. Its slope is
  the line of best fit through the three leg tops (for three evenly spaced legs: the
  line through the outer two), raised until no leg pokes through it. It therefore tilts
  down towards a short outer leg. When the middle leg alone is short the plank stays
  level on the taller outer leg and the middle leg hangs below it, the gap showing how
  short it is. When there are not ``HEADROOM`` rows above the tallest leg for the
  raised end, the slope is reduced (never reversed).
- Above the seat: the headline (overall figure and state); under the floor each leg's
  name and figure; a last line says which way the stool leans.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

HEADROOM = 2
"""Rows above the tallest possible leg that a tilted seat may rise into."""

ROWS_AROUND_LEGS = 7 + HEADROOM
"""Rows besides the legs: headline, gap, seat, headroom, floor, two label rows, tilt line."""


class Part(Enum):
    """What a cell shows, for the caller to style."""

    BLANK = "blank"
    LEG = "leg"
    MISSING = "missing"
    SEAT = "seat"
    FLOOR = "floor"
    LABEL = "label"
    FIGURE = "figure"
    STATE = "state"


Run = tuple[str, Part]
"""Consecutive characters of one part."""


@dataclass(frozen=True, slots=True)
class StoolPicture:
    """The stool as lines of runs, plus the geometry tests check."""

    lines: tuple[tuple[Run, ...], ...]
    legs: tuple[int, ...]
    """Rows of each leg (0: no figure, drawn as an outline)."""
    seat_rows: tuple[int, ...]
    """Top row of the seat in each column it spans (lower number = higher up)."""
    centres: tuple[int, ...]
    floor: int
    """Row of the floor line."""

    def text_lines(self) -> list[str]:
        """The characters only (trailing spaces removed)."""
        return ["".join(chars for chars, _ in line).rstrip() for line in self.lines]


def leg_length(value: float | None, max_len: int, low: float = -200.0, high: float = 200.0) -> int:
    """Rows of a leg for ``value`` on ``low..high`` (0 when there is no figure).

    ``low`` is a one-row stub, the middle half height, ``high`` is ``max_len``.
    """
    if value is None:
        return 0
    clamped = min(high, max(low, value))
    return max(1, round((clamped - low) / (high - low) * max_len))


def shortest(values: Sequence[float | None]) -> int | None:
    """Index of the lowest figure (the first on a tie), ``None`` when there is none."""
    scored = [(v, i) for i, v in enumerate(values) if v is not None]
    return min(scored)[1] if scored else None


def _seat_line(
    centres: Sequence[int], tops: Sequence[float], ceiling: float
) -> tuple[float, float]:
    """Slope and intercept (in half rows, y grows downwards) of the plank on the legs."""
    x0, x2 = centres[0], centres[-1]
    slope = (tops[-1] - tops[0]) / (x2 - x0) if x2 != x0 else 0.0
    if tops[1] > max(tops[0], tops[-1]):
        # The middle leg alone is short: a plank sloping to either end would point the
        # room at the wrong leg, so it stays level and the middle leg hangs below it.
        slope = 0.0

    def rest(s: float) -> float:
        # The intercept that puts the plank on the highest top relative to the line.
        return min(y - s * x for x, y in zip(centres, tops, strict=True))

    # Reduce the slope until both ends stay below the ceiling (the slope's sign is kept).
    for _ in range(16):
        c = rest(slope)
        if min(slope * x0 + c, slope * x2 + c) >= ceiling or abs(slope) < 1e-9:
            break
        slope /= 2
    return slope, rest(slope)


def draw(
    lengths: Sequence[int],
    *,
    width: int,
    max_len: int,
    names: Sequence[str],
    figures: Sequence[str],
    headline: tuple[str, str],
    tilt: str,
) -> StoolPicture:
    """The stool in ``width`` columns; ``lengths`` from ``leg_length(..., max_len)``.

    ``headline`` is (figure, state word); ``names`` and ``figures`` go under the legs, cut
    to a third of the width each.
    """
    width = max(width, 24)
    third = width // 3
    leg_w = 3 if third >= 11 else 1
    left_pad = (width - 3 * third) // 2
    centres = [left_pad + third * i + third // 2 for i in range(3)]
    floor = max_len + 3 + HEADROOM
    height = floor + 3
    grid = [[(" ", Part.BLANK)] * width for _ in range(height)]

    def put(row: int, col: int, char: str, part: Part) -> None:
        if 0 <= row < height and 0 <= col < width:
            grid[row][col] = (char, part)

    tops: list[float] = []
    for centre, length in zip(centres, lengths, strict=True):
        x0 = centre - leg_w // 2
        if length == 0:
            for row in range(floor - 1, floor - 1 - max_len // 2, -1):
                for x in range(x0, x0 + leg_w):
                    put(row, x, "┊", Part.MISSING)
            tops.append(2.0 * (floor - 1 - max_len // 2))
            continue
        for row in range(floor - length, floor):
            for x in range(x0, x0 + leg_w):
                put(row, x, "█", Part.LEG)
        tops.append(2.0 * (floor - length))

    # The plank in half rows ("▀", "▄"), so a slope reads as a line, not a staircase.
    # Its lower edge ends on the half row above the line; it is two half rows thick.
    slope, intercept = _seat_line(centres, tops, ceiling=6.0)
    seat_rows: list[int] = []
    for col in range(centres[0] - leg_w // 2 - 2, centres[2] + leg_w // 2 + 3):
        lower = round(slope * col + intercept) - 1
        upper = lower - 1
        if upper // 2 == lower // 2:
            put(upper // 2, col, "█", Part.SEAT)
        else:
            put(upper // 2, col, "▄", Part.SEAT)
            put(lower // 2, col, "▀", Part.SEAT)
        seat_rows.append(upper // 2)

    for col in range(width):
        put(floor, col, "─", Part.FLOOR)
    for centre, name, figure in zip(centres, names, figures, strict=True):
        for row, text, part in ((floor + 1, name, Part.LABEL), (floor + 2, figure, Part.FIGURE)):
            text = text[:third]
            start = centre - len(text) // 2
            for j, ch in enumerate(text):
                put(row, start + j, ch, part)

    figure, state = headline
    head_len = len(figure) + (2 + len(state) if state else 0)
    head_pad = " " * max(0, (width - head_len) // 2)
    head: tuple[Run, ...] = ((head_pad, Part.BLANK), (figure, Part.FIGURE))
    if state:
        head += (("  ", Part.BLANK), (state, Part.STATE))
    head_row = max(0, min(seat_rows) - 2)

    lines: list[tuple[Run, ...]] = []
    for row in range(height):
        if row == head_row:
            lines.append(head)
            continue
        cells = grid[row]
        while cells and cells[-1][0] == " ":
            cells = cells[:-1]
        runs: list[Run] = []
        for ch, part in cells:
            if runs and runs[-1][1] is part:
                runs[-1] = (runs[-1][0] + ch, part)
            else:
                runs.append((ch, part))
        lines.append(tuple(runs))
    lines.append(((" " * max(0, (width - len(tilt)) // 2), Part.BLANK), (tilt, Part.LABEL)))
    # The picture starts at its headline: the headroom a level seat did not use is dropped.
    return StoolPicture(
        lines=tuple(lines[head_row:]),
        legs=tuple(lengths),
        seat_rows=tuple(row - head_row for row in seat_rows),
        centres=tuple(centres),
        floor=floor - head_row,
    )
