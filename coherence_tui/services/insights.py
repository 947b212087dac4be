"""After the reveal, for the command line, the exports and the screens alike.

The figures of issue 10 built from a session: the discussion queue, the prediction
round's results, the chain per area and the heat maps, and the comparison with an
earlier workshop. Each takes a ``Tally`` (the room's, or everyone's) and its
``Report``, so the dashboard shows what the room may see and ``report`` and the
exports what everyone answered, by the same code. Pure Python: no Textual.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from coherence_tui.domain.chain import (
    AreaChain,
    area_chains,
    department_factor_heat,
    level_area_heat,
)
from coherence_tui.domain.compare import Comparison, compare, mismatch
from coherence_tui.domain.discussion import QueueEntry, discussion_queue
from coherence_tui.domain.model import FACTORS, LEVELS, Factor, Level, Questionnaire
from coherence_tui.domain.predictions import Prediction, PredictionResult, prediction_results
from coherence_tui.domain.report import ALL, Report
from coherence_tui.domain.scoring import Tally
from coherence_tui.storage.store import SessionError, SessionSnapshot


class CompareRefused(SessionError):
    """Two sessions whose questionnaires do not score the same statements the same way."""


def snapshot_tally(snapshot: SessionSnapshot, *, lang: str | None = None) -> Tally:
    """A tally of every answer in a snapshot (what ``report`` and the exports count)."""
    return Tally.from_answers(
        snapshot.questionnaire,
        snapshot.participants,
        snapshot.answers,
        k=snapshot.settings.k,
        departments=snapshot.settings.departments,
        session=snapshot.name,
        language=lang or snapshot.settings.language or snapshot.questionnaire.language,
    )


def snapshot_report(snapshot: SessionSnapshot, *, lang: str | None = None) -> Report:
    """The report of every answer in a snapshot (what ``report`` prints)."""
    return snapshot_tally(snapshot, lang=lang).report()


def counted_levels(tally: Tally) -> dict[str, Level]:
    """The level of every participant the tally counts (gave at least one answer)."""
    return {p.code: p.level for p in tally.counting()}


@dataclass(frozen=True, slots=True)
class AfterReveal:
    """Everything the after-the-reveal screens and exports show, from one report."""

    report: Report
    queue: tuple[QueueEntry, ...]
    predictions: tuple[PredictionResult, ...]
    chains: Mapping[str, tuple[AreaChain, ...]]
    """Per group key (``all`` and each publishable level)."""
    level_heat: Mapping[Level, Mapping[str, float | None]]
    department_heat: Mapping[str, Mapping[Factor, float | None]]


def after_reveal(
    tally: Tally,
    report: Report,
    predictions: Iterable[Prediction] = (),
    *,
    chains: bool = True,
    questionnaire: Questionnaire | None = None,
) -> AfterReveal:
    """Build every figure of the after-the-reveal views from ``tally`` and its ``report``.

    ``questionnaire`` is the tally's as a model; a tally scored from a live session's
    plain view (``head.QuestionnaireView``) needs it given.
    """
    if questionnaire is None:
        if not isinstance(tally.questionnaire, Questionnaire):
            raise TypeError("after_reveal needs the questionnaire model for this tally")
        questionnaire = tally.questionnaire
    levels = counted_levels(tally)
    chain_map: dict[str, tuple[AreaChain, ...]] = {}
    if chains:
        own: Mapping[str, Mapping[tuple[str, Factor], Fraction]] = tally.area_scores()
        for group in (ALL, *(lv.value for lv in LEVELS)):
            found = area_chains(report, questionnaire, group, own, levels)
            if found:
                chain_map[group] = found
    return AfterReveal(
        report=report,
        queue=discussion_queue(report, questionnaire),
        predictions=prediction_results(report, questionnaire, predictions, levels),
        chains=chain_map,
        level_heat=level_area_heat(report, questionnaire),
        department_heat=department_factor_heat(report),
    )


def own_scores(tally: Tally) -> dict[Level, dict[Factor, list[float]]]:
    """Each level's p(x, f) values, for the comparison's intervals."""
    return {lv: {f: tally.participant_scores(lv, f) for f in FACTORS} for lv in LEVELS}


def compare_snapshots(
    now: SessionSnapshot, then: SessionSnapshot, *, lang: str | None = None
) -> Comparison:
    """The change from an earlier workshop; ``CompareRefused`` when the item ids differ."""
    reason = mismatch(now.questionnaire, then.questionnaire)
    if reason is not None:
        raise CompareRefused(f"cannot compare {now.path} with {then.path}: {reason}")
    tally_now, tally_then = snapshot_tally(now, lang=lang), snapshot_tally(then, lang=lang)
    return compare(
        tally_now.report(), tally_then.report(), own_scores(tally_now), own_scores(tally_then)
    )


def questionnaires_match(a: Questionnaire, b: Questionnaire) -> bool:
    return mismatch(a, b) is None
