"""The discussion queue: statements to talk about after the reveal, largest gap first.

A statement enters the queue when its figure is published for both the board and
the front line (DESIGN.md *Anonymity*: both levels publishable and at least k real
answers in each). It is ranked by the size of the board - front line gap of its
item means, largest first, ties by item id, decided on exact values. Its interval
is Welch's over the two levels' answers to the statement (docs/method.md), from the
answer distributions the report publishes for exactly these items.

Pure: reads a ``Report`` and the session's ``Questionnaire``; nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from coherence_tui.domain.model import ANSWER_VALUES, LEVELS, Item, Level, Questionnaire
from coherence_tui.domain.report import ItemFigures, Report
from coherence_tui.domain.stats import Interval, excludes_zero, welch_from_spread

PAIR: tuple[Level, Level] = (Level.BOARD, Level.FRONT_LINE)
"""The gap the queue is ranked by: board minus front line."""


class QueueEmpty(StrEnum):
    """Why the queue has no statement (shown instead of it)."""

    BOARD_HIDDEN = "board_hidden"
    FRONT_LINE_HIDDEN = "front_line_hidden"
    NO_SHARED_ITEM = "no_shared_item"


@dataclass(frozen=True, slots=True)
class QueueEntry:
    """One statement of the queue with everything the room sees about it."""

    rank: int
    """1 for the largest gap."""
    item: Item
    """The statement: text, factor, area, reverse flag and discussion prompts."""
    gap: float
    """Board item mean minus front-line item mean (-400..+400)."""
    ci90: Interval | None
    significant: bool | None
    levels: Mapping[Level, ItemFigures]
    """Every publishable level's figures for the statement (distribution when published)."""


def adjusted_moments(figures: ItemFigures, reverse: bool) -> tuple[Fraction, float] | None:
    """(exact item mean, sample variance) of a published distribution, x 100 like the mean.

    The distribution is by the value as answered; a reverse statement's values are
    negated first, as everywhere in scoring.
    """
    counts = figures.distribution
    if counts is None or not sum(counts):
        return None
    values = [-v if reverse else v for v in ANSWER_VALUES]
    n = sum(counts)
    total = sum(c * v for c, v in zip(counts, values, strict=True))
    squares = sum(c * v * v for c, v in zip(counts, values, strict=True))
    mean = Fraction(total * 100, n)
    if n < 2:
        return mean, 0.0
    variance = Fraction(squares * n - total * total, n * (n - 1)) * 10_000
    return mean, float(variance)


def discussion_queue(report: Report, questionnaire: Questionnaire) -> tuple[QueueEntry, ...]:
    """Statements published for both the board and the front line, largest |gap| first."""
    a, b = PAIR
    ranked: list[tuple[Fraction, str, QueueEntry]] = []
    for item in questionnaire.items:
        scores = report.items.get(item.id)
        if scores is None:
            continue
        fa, fb = scores.levels.get(a), scores.levels.get(b)
        if fa is None or fb is None or not fa.published or not fb.published:
            continue
        ma, mb = adjusted_moments(fa, item.reverse), adjusted_moments(fb, item.reverse)
        if ma is None or mb is None:
            continue
        gap = ma[0] - mb[0]
        interval = welch_from_spread(float(gap), ma[1], fa.real, mb[1], fb.real)
        entry = QueueEntry(
            rank=0,
            item=item,
            gap=float(gap),
            ci90=interval,
            significant=excludes_zero(interval),
            levels={lv: scores.levels[lv] for lv in LEVELS if lv in scores.levels},
        )
        ranked.append((abs(gap), item.id, entry))
    ranked.sort(key=lambda r: (-r[0], r[1]))
    return tuple(
        QueueEntry(n, e.item, e.gap, e.ci90, e.significant, e.levels)
        for n, (_size, _id, e) in enumerate(ranked, 1)
    )


def why_empty(report: Report) -> QueueEmpty:
    """The reason a queue is empty, for the screen to say."""
    if report.groups[Level.BOARD.value].suppressed:
        return QueueEmpty.BOARD_HIDDEN
    if report.groups[Level.FRONT_LINE.value].suppressed:
        return QueueEmpty.FRONT_LINE_HIDDEN
    return QueueEmpty.NO_SHARED_ITEM


def percentages(counts: Sequence[int], dont_know: int) -> tuple[float, ...]:
    """Each count of a distribution (five values, then don't know) as % of all answers."""
    total = sum(counts) + dont_know
    if not total:
        return tuple(0.0 for _ in range(len(counts) + 1))
    return tuple(100 * c / total for c in (*counts, dont_know))
