"""Exact means and the few floating-point statistics DESIGN.md *Scoring* allows.

Means, variances and every figure a threshold is compared with are exact
``Fraction`` values. Only standard deviations, Student's t quantiles and the
bounds of intervals are floats.

The t quantile is computed here, in pure Python: Newton's method on the t
distribution's upper tail, written as a regularized incomplete beta function (a
continued fraction, evaluated without the cancellation of two log-gammas). It
agrees with ``scipy.stats.t.ppf``, the reference DESIGN.md names, to within 1e-13
relative for every df from 1 to 10^6, integer or fractional (a test checks 5,000
of them), so the figures, rounded to 2 decimals, are scipy's. It costs about 30 µs
a quantile; importing scipy cost about 0.28 s of CPU, which a projector paid before
its first frame.
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

_TAIL = 1.0 - CONFIDENCE
_Z = 1.6448536269514722
"""The standard normal's 0.95 quantile: where Newton starts for large df."""
_TINY = 1e-300


def _log_gamma_ratio(a: float, b: float) -> float:
    """``ln Γ(a + b) - ln Γ(a)`` for ``a > 0``, ``0 < b <= 1``.

    For large ``a`` the two log-gammas are large and nearly equal: their difference
    comes from Stirling's series instead (error below 1e-15 from a = 25 up).
    """
    if a < 25.0:
        return math.lgamma(a + b) - math.lgamma(a)

    def series(x: float) -> float:
        x2 = x * x
        return (1.0 / 12.0 - (1.0 / 360.0 - (1.0 / 1260.0 - 1.0 / (1680.0 * x2)) / x2) / x2) / x

    z = a + b
    return (a - 0.5) * math.log1p(b / a) + b * math.log(z) - b + series(z) - series(a)


def _beta_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the regularized incomplete beta (modified Lentz)."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) >= _TINY else _TINY)
    h = d
    for m in range(1, 2000):
        m2 = 2 * m
        for aa in (
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ):
            d = 1.0 + aa * d
            d = 1.0 / (d if abs(d) >= _TINY else _TINY)
            c = 1.0 + aa / c
            c = c if abs(c) >= _TINY else _TINY
            delta = d * c
            h *= delta
        if abs(delta - 1.0) < 3e-16:
            return h
    raise ArithmeticError(f"incomplete beta ({a}, {b}, {x}) did not converge")


def _upper_tail(t: float, df: float) -> float:
    """P(T > t) for t >= 0: half the regularized incomplete beta I_x(df/2, 1/2), x = df/(df+t²)."""
    a, b = df / 2.0, 0.5
    t2 = t * t
    x = df / (df + t2)
    y = t2 / (df + t2)
    log_front = -a * math.log1p(t2 / df) + b * math.log(y) + _log_gamma_ratio(a, b) - math.lgamma(b)
    front = math.exp(log_front)
    if x < (a + 1.0) / (a + b + 2.0):
        whole = front * _beta_fraction(a, b, x) / a
    else:
        whole = 1.0 - front * _beta_fraction(b, a, y) / b
    return whole / 2.0


def _density(t: float, df: float) -> float:
    return math.exp(
        _log_gamma_ratio(df / 2.0, 0.5)
        - 0.5 * math.log(df * math.pi)
        - (df + 1.0) / 2.0 * math.log1p(t * t / df)
    )


@cache
def t_quantile(df: float) -> float:
    """Student's t quantile ``t(0.95, df)`` (``scipy.stats.t.ppf``; df >= 1, may be fractional)."""
    if df < 1.0:
        raise ValueError(f"t quantile for df {df!r}: needs at least 1")
    if df < 3.0:  # near the answer for 1 and 2 (6.31, 2.92), where the series below is poor
        t = 6.313751514675043 if df < 1.5 else 2.919985580353726
    else:  # Cornish-Fisher: the normal quantile corrected for df
        t = _Z + (_Z**3 + _Z) / (4 * df) + (5 * _Z**5 + 16 * _Z**3 + 3 * _Z) / (96 * df * df)
    previous = math.inf
    for _ in range(60):
        step = (_upper_tail(t, df) - _TAIL) / _density(t, df)
        t += step
        size = abs(step)
        # Converged: the step is at rounding level, or stopped shrinking once it is tiny.
        if size <= 1e-15 * t or (size >= previous and size < 1e-12 * t):
            return t
        previous = size
    raise ArithmeticError(f"t quantile for df {df!r} did not converge")


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
    sd = sample_sd(values)
    if sd == 0:
        return (middle, middle)
    half = t_quantile(n - 1) * sd / math.sqrt(n)
    return (middle - half, middle + half)


def welch_interval(gap: float, a: Sequence[float], b: Sequence[float]) -> Interval | None:
    """``gap +- t(0.95, df) x se`` with Welch's standard error and Welch-Satterthwaite df.

    ``None`` when either side has fewer than two values; the point itself when se = 0.
    """
    na, nb = len(a), len(b)
    if na < 2 or nb < 2:
        return None
    va = sample_sd(a) ** 2 / na
    vb = sample_sd(b) ** 2 / nb
    se2 = va + vb
    if se2 == 0:
        return (gap, gap)
    df = se2**2 / (va**2 / (na - 1) + vb**2 / (nb - 1))
    half = t_quantile(df) * math.sqrt(se2)
    return (gap - half, gap + half)


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
