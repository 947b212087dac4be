"""The prediction round: what board and management expect the front line to say.

After their own statements, board and management participants estimate, for each of
the questionnaire's ``predict`` statements, the % of the front line who will answer
favourably. After the reveal the room sees, per statement, each level's mean estimate
next to the front line's actual favourable %: the executive disconnect made visible.

Disclosure (DESIGN.md *Anonymity*, applied to estimates as to answers):
- a level's estimate of a statement is shown only when the level is publishable in the
  report and at least k of its participants gave an estimate (a skipped one is no
  estimate); below that only the count is shown, and for a level that is not
  publishable nothing at all;
- the actual is the front line's published favourable % of the statement, shown only
  when the report publishes it (front line publishable, k real answers);
- estimates count for exactly the participants the report counts (the room's batches
  on the dashboard, everyone in ``report`` and the exports).
Means are exact fractions, rounded only when written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from coherence_tui.domain.model import Level, Questionnaire
from coherence_tui.domain.report import Report
from coherence_tui.domain.vocabulary import PREDICTING_LEVELS as PREDICTING_LEVELS
from coherence_tui.domain.vocabulary import PREDICTION_MAX as PREDICTION_MAX
from coherence_tui.domain.vocabulary import PREDICTION_MIN as PREDICTION_MIN
from coherence_tui.domain.vocabulary import Prediction as Prediction
from coherence_tui.domain.vocabulary import check_prediction as check_prediction


@dataclass(frozen=True, slots=True)
class LevelEstimate:
    """One level's estimates of one statement."""

    level: Level
    count: int
    """Estimates given (skips not counted)."""
    published: bool
    mean: float | None = None
    """Mean estimate, when ``published``."""
    gap: float | None = None
    """Mean estimate minus the front line's actual favourable %, when both are shown."""


@dataclass(frozen=True, slots=True)
class PredictionResult:
    """One ``predict`` statement: the estimates of each publishable level and the actual."""

    item_id: str
    text: str
    reverse: bool
    estimates: Mapping[Level, LevelEstimate]
    """Publishable predicting levels only: a level below k shows nothing, not even counts."""
    actual: float | None
    """The front line's favourable % of the statement, when the report publishes it."""


def prediction_results(
    report: Report,
    questionnaire: Questionnaire,
    predictions: Iterable[Prediction],
    levels: Mapping[str, Level],
) -> tuple[PredictionResult, ...]:
    """Estimates against actuals for every ``predict`` statement, disclosure applied.

    ``levels`` maps the codes of the participants the report counts to their levels;
    predictions of anyone else are ignored.
    """
    k = report.k
    given: dict[tuple[str, Level], list[int]] = {}
    for p in predictions:
        level = levels.get(p.participant)
        if level not in PREDICTING_LEVELS or p.value is None:
            continue
        assert level is not None
        given.setdefault((p.item, level), []).append(p.value)
    out: list[PredictionResult] = []
    front = Level.FRONT_LINE
    for item in questionnaire.predict_items:
        scores = report.items.get(item.id)
        actual_fig = scores.levels.get(front) if scores is not None else None
        actual = (
            actual_fig.favourable_pct if actual_fig is not None and actual_fig.published else None
        )
        estimates: dict[Level, LevelEstimate] = {}
        for level in PREDICTING_LEVELS:
            if report.groups[level.value].suppressed:
                continue
            values = given.get((item.id, level), [])
            if len(values) >= k and values:
                mean = Fraction(sum(values), len(values))
                gap = None if actual is None else float(mean) - actual
                estimates[level] = LevelEstimate(level, len(values), True, float(mean), gap)
            else:
                estimates[level] = LevelEstimate(level, len(values), False)
        out.append(PredictionResult(item.id, item.text, item.reverse, estimates, actual))
    return tuple(out)
