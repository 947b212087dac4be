"""The pure-Python Student t quantile against scipy.stats.t.ppf, DESIGN.md's reference."""

from __future__ import annotations

import random

import pytest
from scipy.stats import t as student_t  # type: ignore[import-untyped]

from coherence_tui.domain.stats import t_quantile


def reference(df: float) -> float:
    return float(student_t.ppf(0.95, df))


def degrees_of_freedom() -> list[float]:
    """Every whole df a workshop can have, and fractional ones (Welch) over six decades."""
    rng = random.Random(2026)
    whole = [float(df) for df in range(1, 1001)]
    fractional = [
        rng.uniform(low, high)
        for low, high in ((1.0, 3.0), (1.0, 30.0), (30.0, 300.0), (300.0, 1e4), (1e4, 1e6))
        for _ in range(800)
    ]
    return [*whole, 1.0 + 1e-9, 2.999999, 3.0, 24.99, 25.0, *fractional]


def test_the_t_quantile_is_scipys_to_thirteen_digits() -> None:
    worst = max(
        (abs(t_quantile(df) - reference(df)) / reference(df), df) for df in degrees_of_freedom()
    )
    assert worst[0] < 1e-13, f"relative difference {worst[0]:.2e} at df {worst[1]}"


@pytest.mark.parametrize(
    ("df", "known"),
    [(1, 6.313751514675043), (2, 2.919985580353726), (10, 1.8124611228107335)],
)
def test_the_t_quantile_of_textbook_cases(df: int, known: float) -> None:
    assert t_quantile(df) == pytest.approx(known, rel=1e-14)


def test_fewer_than_one_degree_of_freedom_has_no_quantile() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        t_quantile(0.5)
