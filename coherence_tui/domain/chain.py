"""The chain per area, and the heat maps: where, by topic, declarations stop turning
into resources and resources into behaviours.

For a group G and an area tag a, ``area_score(G, f, a)`` is the mean of G's published
item means of factor f's items tagged a (a level), or the unweighted mean of the
publishable levels' area scores (``all``, levels weighted alike as everywhere). Only
published item figures enter, so every figure here is a mean of figures the report
already publishes: nothing new can be subtracted out of it.

The chain of an area is declarations -> resources -> behaviours. A link *breaks* when
the next factor's area score is lower by at least the questionnaire's threshold
(``promise_gap`` for declarations -> resources, ``execution_gap`` for resources ->
behaviours), decided exactly; when both links break, the larger drop is named (a tie
names declarations -> resources). As with the recommendations, a break is *confirmed*
only on evidence: for a level, the paired test of DESIGN.md *Recommendations* on the
participants' own area scores p(x, f, a) (n >= 2, mean difference >= threshold, lower
bound of its 90 % t-interval > 0); for ``all``, when it is confirmed in at least one
publishable level. Screens show an unconfirmed break with a question mark.

Heat maps: level x area (a level's area score over all factors) and department x
factor (the report's own department factor scores; departments the subtraction audit
suppressed have no cell at all).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from coherence_tui.domain.discussion import adjusted_moments
from coherence_tui.domain.model import FACTORS, LEVELS, Factor, Level, Questionnaire
from coherence_tui.domain.report import ALL, DEPARTMENT_PREFIX, Report
from coherence_tui.domain.stats import exact, mean, mean_interval, present_mean


class Link(StrEnum):
    """A link of the chain."""

    PROMISE = "declarations-resources"
    EXECUTION = "resources-behaviours"


LINK_FACTORS: dict[Link, tuple[Factor, Factor]] = {
    Link.PROMISE: (Factor.DECLARATIONS, Factor.RESOURCES),
    Link.EXECUTION: (Factor.RESOURCES, Factor.BEHAVIOURS),
}


@dataclass(frozen=True, slots=True)
class AreaChain:
    """One area's chain for one group."""

    area: str
    scores: Mapping[Factor, float | None]
    """Area score per factor; ``None`` where no statement of that factor is published."""
    broken: Link | None
    """The link where the chain breaks (the larger drop at or over its threshold)."""
    drop: float | None
    """How far the score falls across ``broken``."""
    confirmed: bool | None
    """Whether the paired test bears the break out; ``None`` without a break."""


def _exact_means(report: Report, level: Level) -> dict[str, Fraction]:
    """The level's published item means, exactly (from the published distributions)."""
    out: dict[str, Fraction] = {}
    for item_id, scores in report.items.items():
        figures = scores.levels.get(level)
        if figures is not None and figures.published:
            moments = adjusted_moments(figures, scores.reverse)
            if moments is not None:
                out[item_id] = moments[0]
    return out


def _level_area_scores(
    report: Report, questionnaire: Questionnaire, level: Level
) -> dict[tuple[str, Factor], Fraction]:
    means = _exact_means(report, level)
    cells: dict[tuple[str, Factor], list[Fraction]] = {}
    for item in questionnaire.items:
        if item.id in means:
            cells.setdefault((item.area, item.factor), []).append(means[item.id])
    return {key: m for key, values in cells.items() if (m := mean(values)) is not None}


def publishable_levels(report: Report) -> list[Level]:
    return [lv for lv in LEVELS if not report.groups[lv.value].suppressed]


def _paired_holds(diffs: Sequence[Fraction], threshold: Fraction) -> bool:
    """DESIGN's paired test: n >= 2, mean >= threshold, lower 90 % bound > 0."""
    if len(diffs) < 2:
        return False
    average = mean(diffs)
    assert average is not None
    if average < threshold:
        return False
    if all(d == diffs[0] for d in diffs):
        return average > 0
    interval = mean_interval([float(d) for d in diffs], centre=float(average))
    return interval is not None and interval[0] > 0


def area_chains(
    report: Report,
    questionnaire: Questionnaire,
    group: str,
    own: Mapping[str, Mapping[tuple[str, Factor], Fraction]],
    levels_of: Mapping[str, Level],
) -> tuple[AreaChain, ...]:
    """The chain of every area tag for ``group`` (``all`` or a level key).

    ``own`` holds the participants' own area scores (``Tally.area_scores``) and
    ``levels_of`` their levels, for the paired tests; empty for a suppressed group.
    """
    published = publishable_levels(report)
    if group == ALL:
        if report.groups[ALL].suppressed:
            return ()
        per_level = {lv: _level_area_scores(report, questionnaire, lv) for lv in published}
        keys = {key for scores in per_level.values() for key in scores}
        scores = {
            key: m
            for key in keys
            if (m := present_mean([per_level[lv].get(key) for lv in published])) is not None
        }
        tested = published
    else:
        level = Level(group)
        if level not in published:
            return ()
        scores = _level_area_scores(report, questionnaire, level)
        tested = [level]
    thresholds = {
        Link.PROMISE: exact(questionnaire.thresholds.promise_gap),
        Link.EXECUTION: exact(questionnaire.thresholds.execution_gap),
    }
    chains: list[AreaChain] = []
    for area in questionnaire.area_tags:
        by_factor = {f: scores.get((area, f)) for f in FACTORS}
        broken: Link | None = None
        drop: Fraction | None = None
        for link, (upper, lower) in LINK_FACTORS.items():
            hi, lo = by_factor[upper], by_factor[lower]
            if hi is None or lo is None or hi - lo < thresholds[link]:
                continue
            if drop is None or hi - lo > drop:
                broken, drop = link, hi - lo
        confirmed: bool | None = None
        if broken is not None:
            upper, lower = LINK_FACTORS[broken]
            confirmed = False
            for level in tested:
                diffs = [
                    cells[(area, upper)] - cells[(area, lower)]
                    for code, cells in own.items()
                    if levels_of.get(code) is level
                    and (area, upper) in cells
                    and (area, lower) in cells
                ]
                if _paired_holds(diffs, thresholds[broken]):
                    confirmed = True
                    break
        chains.append(
            AreaChain(
                area=area,
                scores={f: None if v is None else float(v) for f, v in by_factor.items()},
                broken=broken,
                drop=None if drop is None else float(drop),
                confirmed=confirmed,
            )
        )
    return tuple(chains)


def level_area_heat(
    report: Report, questionnaire: Questionnaire
) -> dict[Level, dict[str, float | None]]:
    """Publishable level x area tag: the mean of the level's published item means there."""
    out: dict[Level, dict[str, float | None]] = {}
    for level in publishable_levels(report):
        means = _exact_means(report, level)
        row: dict[str, float | None] = {}
        for area in questionnaire.area_tags:
            m = mean([means[i.id] for i in questionnaire.items if i.area == area and i.id in means])
            row[area] = None if m is None else float(m)
        out[level] = row
    return out


def department_factor_heat(report: Report) -> dict[str, dict[Factor, float | None]]:
    """Department x factor, for departments the audit admitted only (largest first)."""
    return {
        key.removeprefix(DEPARTMENT_PREFIX): dict(group.factors)
        for key, group in report.groups.items()
        if key.startswith(DEPARTMENT_PREFIX) and not group.suppressed
    }
