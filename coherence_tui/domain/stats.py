"""Exact means and the few floating-point statistics DESIGN.md *Scoring* allows.

Means, variances and every figure a threshold is compared with are exact
``Fraction`` values. Only standard deviations, Student's t quantiles and the
bounds of intervals are floats. scipy gives the t quantile; it is imported on
first use so starting a kiosk or ``report`` without intervals never pays for it.
"""

from __future__ import annotations

import math
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
    from scipy.special import stdtrit  # the function scipy.stats.t.ppf calls, lighter import

    return float(stdtrit(df, CONFIDENCE))


def mean(values: Sequence[Fraction]) -> Fraction | None:
    """The exact mean; ``None`` of nothing."""
    return sum(values, Fraction(0)) / len(values) if values else None


def present_mean(values: Sequence[Fraction | None]) -> Fraction | None:
    """The exact mean of the values that are not ``None``."""
    return mean([v for v in values if v is not None])


def population_variance(values: Sequence[Fraction]) -> Fraction:
    """Exact population variance (divides by n); needs at least one value."""
    mu = sum(values, Fraction(0)) / len(values)
    return sum(((v - mu) ** 2 for v in values), Fraction(0)) / len(values)


def sample_variance(values: Sequence[Fraction]) -> Fraction:
    """Exact sample variance (divides by n - 1); needs at least two values."""
    mu = sum(values, Fraction(0)) / len(values)
    return sum(((v - mu) ** 2 for v in values), Fraction(0)) / (len(values) - 1)


def mean_interval(values: Sequence[Fraction], centre: Fraction | None = None) -> Interval | None:
    """``centre +- t(0.95, n-1) x s / sqrt(n)`` over ``values`` (centre: their mean by default).

    ``None`` under two values. A spread of zero gives the point itself.
    """
    n = len(values)
    if n < 2:
        return None
    middle = float(centre if centre is not None else sum(values, Fraction(0)) / n)
    variance = sample_variance(values)
    if variance == 0:
        return (middle, middle)
    half = t_quantile(n - 1) * math.sqrt(variance) / math.sqrt(n)
    return (middle - half, middle + half)


def welch_interval(
    gap: Fraction, a: Sequence[Fraction], b: Sequence[Fraction]
) -> Interval | None:
    """``gap +- t(0.95, df) x se`` with Welch's standard error and Welch-Satterthwaite df.

    ``None`` when either side has fewer than two values; the point itself when se = 0.
    """
    na, nb = len(a), len(b)
    if na < 2 or nb < 2:
        return None
    va = sample_variance(a) / na
    vb = sample_variance(b) / nb
    se2 = va + vb
    middle = float(gap)
    if se2 == 0:
        return (middle, middle)
    df = se2**2 / (va**2 / (na - 1) + vb**2 / (nb - 1))
    half = t_quantile(float(df)) * math.sqrt(se2)
    return (middle - half, middle + half)


def excludes_zero(interval: Interval | None) -> bool | None:
    """Whether the interval lies wholly above or below 0; ``None`` without an interval."""
    if interval is None:
        return None
    return interval[0] > 0 or interval[1] < 0


def exact(threshold: float) -> Fraction:
    """A questionnaire threshold as the decimal its author wrote (30.1 is 301/10, exactly)."""
    return Fraction(repr(float(threshold)))
