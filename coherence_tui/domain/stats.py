"""Exact means and the few floating-point statistics DESIGN.md *Scoring* allows.

Means, variances and every figure a threshold is compared with are exact
``Fraction`` values. Only standard deviations, Student's t quantiles and the
bounds of intervals are floats. scipy gives the t quantile; it is imported on
first use so starting a kiosk or ``report`` without intervals never pays for it.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from fractions import Fraction
from functools import cache

Interval = tuple[float, float]
"""A 90 % interval: (lower bound, upper bound)."""

CONFIDENCE = 0.95
"""The quantile of a two-sided 90 % interval."""


@cache
def t_quantile(df: float) -> float:
    """Student's t quantile ``t(0.95, df)`` (scipy.stats.t.ppf; df may be fractional, Welch)."""
    from scipy.special import stdtrit  # type: ignore[import-untyped]  # what t.ppf calls

    return float(stdtrit(df, CONFIDENCE))


def quantiles_loaded() -> bool:
    """scipy's t quantile is imported: intervals cost no more than their arithmetic."""
    return "scipy.special" in sys.modules


def load_quantiles() -> None:
    """Import what ``t_quantile`` needs (about 0.25 s: scipy and numpy), e.g. in a thread."""
    import scipy.special  # type: ignore[import-untyped]  # noqa: F401


def mean(values: Sequence[Fraction]) -> Fraction | None:
    """The exact mean; ``None`` of nothing.

    Summed over a common denominator in integers, then made a Fraction once: the same
    exact value as adding Fractions one by one (which reduces after every addition), in
    a fraction of the time; a report takes thousands of these means.
    """
    if not values:
        return None
    common = math.lcm(*(v.denominator for v in values))
    total = sum(v.numerator * (common // v.denominator) for v in values)
    return Fraction(total, common * len(values))


def present_mean(values: Sequence[Fraction | None]) -> Fraction | None:
    """The exact mean of the values that are not ``None``."""
    return mean([v for v in values if v is not None])


def sample_sd(values: Sequence[float]) -> float:
    """Sample standard deviation (n - 1); needs at least two values. A float, as DESIGN allows."""
    mu = math.fsum(values) / len(values)
    return math.sqrt(math.fsum((v - mu) ** 2 for v in values) / (len(values) - 1))


def mean_interval(values: Sequence[float], centre: float | None = None) -> Interval | None:
    """``centre +- t(0.95, n-1) x s / sqrt(n)`` over ``values`` (centre: their mean by default).

    ``None`` under two values. A spread of zero gives the point itself.
    """
    n = len(values)
    if n < 2:
        return None
    middle = centre if centre is not None else math.fsum(values) / n
    return interval_from_sd(middle, n, sample_sd(values))


def interval_from_sd(centre: float, n: int, sd: float) -> Interval:
    """``mean_interval`` from the values' count (at least 2) and sample standard deviation."""
    if sd == 0:
        return (centre, centre)
    half = t_quantile(n - 1) * sd / math.sqrt(n)
    return (centre - half, centre + half)


def welch_interval(gap: float, a: Sequence[float], b: Sequence[float]) -> Interval | None:
    """``gap +- t(0.95, df) x se`` with Welch's standard error and Welch-Satterthwaite df.

    ``None`` when either side has fewer than two values; the point itself when se = 0.
    """
    na, nb = len(a), len(b)
    if na < 2 or nb < 2:
        return None
    return welch_from_spread(gap, sample_sd(a) ** 2, na, sample_sd(b) ** 2, nb)


class Scaled:
    """Participants' own factor scores p(x, f) as exact integers over one common denominator.

    p = 100 x sum / answers, and a factor has at most ``items`` answers per person, so
    ``p x lcm(1..items)`` is a whole number. Sums and squares of p then stay in fast integer
    arithmetic, and every threshold is still decided exactly (DESIGN: exact arithmetic).
    """

    def __init__(self, items: int) -> None:
        self.denominator = math.lcm(*range(1, max(1, items) + 1))

    def of(self, total: int, answers: int) -> int | None:
        """``p x denominator`` for a participant's adjusted total over ``answers`` real answers."""
        return total * 100 * (self.denominator // answers) if answers else None

    def real(self, value: int) -> float:
        return value / self.denominator

    def mean_at_least(self, values: Sequence[int], threshold: Fraction) -> bool:
        """Exactly: mean(values) / denominator >= threshold."""
        return threshold.denominator * sum(values) >= (
            threshold.numerator * len(values) * self.denominator
        )

    def mean_interval(self, values: Sequence[int]) -> tuple[Fraction, Interval | None]:
        """The exact mean of ``values / denominator`` and its 90 % t-interval.

        With no spread the interval is the exact mean itself, so a threshold it sits on
        is decided exactly; otherwise the bounds are floats around the exact mean.
        """
        mu = Fraction(sum(values), max(1, len(values)) * self.denominator)
        if len(values) < 2:
            return mu, None
        if all(v == values[0] for v in values):
            return mu, (mu, mu)  # type: ignore[return-value]  # exact bounds compare exactly
        return mu, mean_interval([v / self.denominator for v in values], centre=float(mu))

    def population_variance(self, values: Sequence[int]) -> Fraction:
        """Exactly: the population variance of values / denominator."""
        n = len(values)
        spread = n * sum(v * v for v in values) - sum(values) ** 2  # n^2 x variance x den^2
        return Fraction(spread, (n * self.denominator) ** 2)


def excludes_zero(interval: Interval | None) -> bool | None:
    """Whether the interval lies wholly above or below 0; ``None`` without an interval."""
    if interval is None:
        return None
    return interval[0] > 0 or interval[1] < 0


def exact(threshold: float) -> Fraction:
    """A questionnaire threshold as the decimal its author wrote (30.1 is 301/10, exactly)."""
    return Fraction(repr(float(threshold)))


def welch_from_spread(gap: float, var_a: float, na: int, var_b: float, nb: int) -> Interval | None:
    """``welch_interval`` from each side's sample variance and size instead of its values.

    For figures whose values are counts (an item's answer distribution): the same
    ``gap +- t(0.95, df) x se``, ``None`` when either side has fewer than two values.
    """
    if na < 2 or nb < 2:
        return None
    va, vb = var_a / na, var_b / nb
    se2 = va + vb
    if se2 == 0:
        return (gap, gap)
    df = se2**2 / (va**2 / (na - 1) + vb**2 / (nb - 1))
    half = t_quantile(df) * math.sqrt(se2)
    return (gap - half, gap + half)
