"""The running sums behind every figure, and the stool's state bands.

``ItemSums`` keeps one item's answers within one group as whole numbers (count, sum,
squares, favourable, the distribution), so adding or taking away one answer is O(1)
and every mean is an exact fraction. ``stool_state`` and ``state_band_holds`` compare an
imbalance, or its interval, with the questionnaire's thresholds exactly.
"""

from __future__ import annotations

from fractions import Fraction

from coherence_tui.domain.stats import (
    Interval,
    exact,
)
from coherence_tui.domain.vocabulary import (
    StoolState,
    ThresholdsLike,
)


def stool_state(imbalance: Fraction, thresholds: ThresholdsLike) -> StoolState:
    """``stable`` below the wobbly threshold, ``wobbly`` below tipping, else ``tipping``."""
    if imbalance < exact(thresholds.stool_wobbly):
        return StoolState.STABLE
    if imbalance < exact(thresholds.stool_tipping):
        return StoolState.WOBBLY
    return StoolState.TIPPING


def state_band_holds(interval: Interval, state: StoolState, thresholds: ThresholdsLike) -> bool:
    """Whether an interval of the stool's gap lies wholly inside the band of ``state``.

    Thresholds are exact, so a bound that is exactly on one is decided exactly.
    """
    lo, hi = interval
    wobbly, tipping = exact(thresholds.stool_wobbly), exact(thresholds.stool_tipping)
    if state is StoolState.STABLE:
        return hi < wobbly
    if state is StoolState.WOBBLY:
        return lo >= wobbly and hi < tipping
    return lo >= tipping


class ItemSums:
    """Running sums for one item within one group."""

    __slots__ = ("answered", "total", "squares", "real", "favourable", "counts")

    def __init__(self) -> None:
        self.answered = 0
        """Answers of any kind, don't know included."""
        self.total = 0
        """Sum of adjusted (reverse-negated) real answers."""
        self.squares = 0
        """Sum of their squares (for the spread of a divided level's statements)."""
        self.real = 0
        """Answers other than don't know."""
        self.favourable = 0
        """Real answers of +1 or +2 after reversing."""
        self.counts = [0, 0, 0, 0, 0]
        """Real answers by adjusted value -2..+2 (index value + 2): the distribution."""

    def add(self, adjusted: int | None, sign: int) -> None:
        self.answered += sign
        if adjusted is not None:
            self.total += sign * adjusted
            self.squares += sign * adjusted * adjusted
            self.real += sign
            self.counts[adjusted + 2] += sign
            if adjusted > 0:
                self.favourable += sign

    def distribution(self, reverse: bool) -> tuple[int, int, int, int, int]:
        """Real answers by the value as answered, -2..+2 (before reversing)."""
        c = self.counts
        if reverse:
            return (c[4], c[3], c[2], c[1], c[0])
        return (c[0], c[1], c[2], c[3], c[4])

    @property
    def mean(self) -> Fraction | None:
        return Fraction(self.total * 100, self.real) if self.real else None

    @property
    def variance(self) -> Fraction | None:
        """Population variance of the real answers (x 100 squared, like the mean)."""
        if not self.real:
            return None
        return Fraction((self.squares * self.real - self.total**2) * 10_000, self.real**2)

    @property
    def favourable_pct(self) -> Fraction | None:
        return Fraction(self.favourable * 100, self.real) if self.real else None

    @property
    def dont_know_pct(self) -> Fraction | None:
        dont_know = self.answered - self.real
        return Fraction(dont_know * 100, self.answered) if self.answered else None
