"""Recommendations: where to look first, fired only on evidence (DESIGN.md, version 2).

Each rule has a stable id, thresholds that live with the questionnaire, the
figures that triggered it, the level(s) it is about, the statements it cites
with their text, and a sentence a facilitator can say in the room (English or
Polish). Rules read published figures only (k, the per-item k, the audit), and
every threshold is compared on exact values.

A paired rule (``promise_gap``, ``execution_gap``, ``compensating_effort``)
fires for a publishable level when at least two of its participants have both
factors, the mean of their differences reaches the threshold, and the lower
bound of its 90 % t-interval is above 0: a difference noise alone would rarely
produce at workshop sizes.

Order, most important first: ``executive_disconnect``, ``blind_spot``,
``promise_gap``, ``execution_gap``, ``compensating_effort``, ``weakest_leg``,
``divided_level``, ``largest_item_gaps``, ``lowest_items``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from coherence_tui.domain.recommend_text import AND_WORD, SENTENCES
from coherence_tui.domain.recommend_text import FACTOR_NAMES as FACTOR_NAMES
from coherence_tui.domain.recommend_text import LEVEL_NAMES as LEVEL_NAMES
from coherence_tui.domain.report import Gap, Recommendation, r2, r2_interval
from coherence_tui.domain.stats import Interval, Scaled, exact, mean
from coherence_tui.domain.vocabulary import (
    FACTORS,
    LEVELS,
    Factor,
    Level,
    QuestionnaireLike,
    ThresholdsLike,
)

BLIND_SPOT_SHARE = Fraction(30)
"""The board's don't-know share (%) over a factor's items from which ``blind_spot`` looks."""

CITED = 3
"""Statements a recommendation cites at most."""

_D, _R, _B = FACTORS
PAIRED_RULES: tuple[tuple[str, Factor, Factor, str, Factor], ...] = (
    ("promise_gap", _D, _R, "promise_gap", _R),
    ("execution_gap", _R, _B, "execution_gap", _B),
    ("compensating_effort", _B, _R, "execution_gap", _R),
)
"""The paired rules: id, the factor expected higher, the lower one, the threshold's name,
and the factor whose statements are cited."""


@dataclass(frozen=True, slots=True)
class LevelTests:
    """What the paired and spread rules find in one publishable level's p(x, f): a
    function of that level's participants alone, so a scoring engine can keep it until
    one of them answers."""

    paired: Mapping[str, tuple[int, Fraction, Interval] | None]
    """Per paired rule id: (n, mean of d, its 90 % interval) where it fires, else None."""
    variances: Mapping[Factor, Fraction]
    """Per factor with at least two p(x, f): their exact population variance."""


def level_tests(
    own: Sequence[Mapping[Factor, int | None]], scaled: Scaled, thresholds: ThresholdsLike
) -> LevelTests:
    """The paired tests and spreads of one level (``own``: each of its counting
    participants' p(x, f), as ``scaled`` integers)."""
    paired: dict[str, tuple[int, Fraction, Interval] | None] = {}
    for rule, higher, lower, threshold, _cite in PAIRED_RULES:
        paired[rule] = None
        diffs = [a - b for p in own if (a := p[higher]) is not None and (b := p[lower]) is not None]
        if len(diffs) < 2 or not scaled.mean_at_least(diffs, exact(getattr(thresholds, threshold))):
            continue
        average, interval = scaled.mean_interval(diffs)
        if interval is not None and interval[0] > 0:
            paired[rule] = (len(diffs), average, interval)
    variances: dict[Factor, Fraction] = {}
    for f in FACTORS:
        values = [v for p in own if (v := p[f]) is not None]
        if len(values) >= 2:
            variances[f] = scaled.population_variance(values)
    return LevelTests(paired, variances)


@dataclass(frozen=True, slots=True)
class Evidence:
    """The published, exact figures the rules may read (built by the scoring engine)."""

    published: tuple[Level, ...]
    """Publishable levels."""
    tests: Mapping[Level, LevelTests]
    """Per publishable level, ``level_tests`` of its counting participants' p(x, f)."""
    factors: Mapping[Level, Mapping[Factor, Fraction | None]]
    """Per publishable level, its factor scores (published items only)."""
    item_means: Mapping[Level, Mapping[str, Fraction]]
    """Per publishable level, its published item means."""
    item_spread: Mapping[Level, Mapping[str, Fraction]]
    """Per publishable level, the population variance of its published items' answers."""
    all_factors: Mapping[Factor, Fraction | None]
    board_front: Gap
    board_front_exact: Mapping[Factor, Fraction | None]
    board_dont_know: Mapping[Factor, tuple[int, int]]
    """Per factor: (don't-know answers, all answers) of board participants to its items."""


def _signed(value: Fraction | float) -> str:
    """A whole number with its sign (``+42``, ``-7``), ``0`` without one."""
    whole = round(value)
    return f"{whole:+d}" if whole else "0"


def _whole(value: Fraction | float) -> str:
    return str(round(value))


def _levels_phrase(levels: Iterable[Level], lang: str) -> str:
    names = [LEVEL_NAMES[lang][lv] for lv in levels]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + AND_WORD[lang] + names[-1]


class _Rules:
    def __init__(self, evidence: Evidence, questionnaire: QuestionnaireLike, language: str) -> None:
        self.e = evidence
        self.q = questionnaire
        self.t = questionnaire.thresholds
        self.lang = language if language in SENTENCES else "en"
        self.text = SENTENCES[self.lang]
        self.factor_names = FACTOR_NAMES[self.lang]
        self.item_text = {item.id: item.text for item in questionnaire.items}
        self.item_factor = {item.id: item.factor for item in questionnaire.items}
        self._means: dict[tuple[Level, ...], dict[str, Fraction]] = {}
        self._item_gaps: dict[str, Fraction] | None = None
        self.all_items = self.means_over(self.e.published)

    def means_over(self, levels: tuple[Level, ...]) -> dict[str, Fraction]:
        """Per item published at any of ``levels``, the mean of its means there (several
        rules ask for the same levels: computed once)."""
        means = self._means.get(levels)
        if means is None:
            item_means = self.e.item_means
            means = self._means[levels] = {
                i: m
                for i in self.item_text
                if (m := mean([item_means[lv][i] for lv in levels if i in item_means[lv]]))
                is not None
            }
        return means

    def item_gaps(self) -> dict[str, Fraction]:
        """Board minus front line, per item published for both (both publishable)."""
        if self._item_gaps is None:
            board, front = self.e.item_means[Level.BOARD], self.e.item_means[Level.FRONT_LINE]
            self._item_gaps = {i: board[i] - front[i] for i in board if i in front}
        return self._item_gaps

    def cite(self, ids: Iterable[str]) -> tuple[tuple[str, str], ...]:
        return tuple((i, self.item_text[i]) for i in list(ids)[:CITED])

    def lowest_of(self, means: Mapping[str, Fraction], factor: Factor | None) -> list[str]:
        chosen = [i for i in means if factor is None or self.item_factor[i] is factor]
        return sorted(chosen, key=lambda i: (means[i], i))

    # -- rules -------------------------------------------------------------------

    def executive_disconnect(self) -> Recommendation | None:
        gap = self.e.board_front
        if gap.suppressed:
            return None
        limit = exact(self.t.executive_disconnect)
        wide = {
            f: g
            for f in FACTORS
            if (g := self.e.board_front_exact[f]) is not None
            and abs(g) >= limit
            and gap.significant.get(f) is True
        }
        if not wide:
            return None
        worst = max(wide, key=lambda f: (abs(wide[f]), -FACTORS.index(f)))
        value = wide[worst]
        interval = gap.ci90[worst]
        assert interval is not None
        gaps = self.item_gaps()
        both = [i for i in gaps if self.item_factor[i] is worst]
        cited = sorted(both, key=lambda i: (-abs(gaps[i]), i))
        text = self.text["executive_disconnect"].format(
            factor=self.factor_names[worst],
            gap=_whole(abs(value)),
            direction=self.text[
                "executive_disconnect.higher" if value > 0 else "executive_disconnect.lower"
            ],
            lo=_signed(interval[0]),
            hi=_signed(interval[1]),
        )
        return Recommendation(
            "executive_disconnect",
            text,
            levels=(Level.BOARD, Level.FRONT_LINE),
            items=self.cite(cited),
            figures={
                "factor": worst.value,
                "gap": r2(value),
                "ci90": r2_interval(interval),
                "factors": [
                    {
                        "factor": f.value,
                        "gap": r2(self.e.board_front_exact[f]),
                        "ci90": r2_interval(gap.ci90[f]),
                    }
                    for f in wide
                ],
            },
        )

    def blind_spot(self) -> Recommendation | None:
        if Level.BOARD not in self.e.published or Level.FRONT_LINE not in self.e.published:
            return None
        found = []
        for f in FACTORS:
            dont_know, answered = self.e.board_dont_know[f]
            score = self.e.factors[Level.FRONT_LINE][f]
            if (
                answered
                and Fraction(dont_know * 100, answered) >= BLIND_SPOT_SHARE
                and score is not None
                and score <= 0
            ):
                found.append((f, Fraction(dont_know * 100, answered), score))
        if not found:
            return None
        f, share, score = found[0]
        items = [i for i, fac in self.item_factor.items() if fac is f]
        text = self.text["blind_spot"].format(
            factor=self.factor_names[f], share=_whole(share), score=_signed(score)
        )
        return Recommendation(
            "blind_spot",
            text,
            levels=(Level.BOARD, Level.FRONT_LINE),
            items=self.cite(self.lowest_of(self.e.item_means[Level.FRONT_LINE], f)),
            figures={
                "factor": f.value,
                "board_dont_know_pct": r2(share),
                "front_line_score": r2(score),
                "factors": [
                    {"factor": fac.value, "board_dont_know_pct": r2(s), "front_line_score": r2(v)}
                    for fac, s, v in found
                ],
                "statements": len(items),
            },
        )

    def paired(self, rule: str, cite: Factor) -> Recommendation | None:
        """A paired rule (``PAIRED_RULES``), from each level's ``level_tests``."""
        findings = [
            (lv, *found)
            for lv in self.e.published
            if (found := self.e.tests[lv].paired[rule]) is not None
        ]
        if not findings:
            return None
        levels = tuple(lv for lv, *_ in findings)
        biggest = max(findings, key=lambda entry: entry[2])
        means = self.means_over(levels)
        text = self.text[rule].format(
            levels=_levels_phrase(levels, self.lang), gap=_whole(biggest[2])
        )
        return Recommendation(
            rule,
            text,
            levels=levels,
            items=self.cite(self.lowest_of(means, cite)),
            figures={
                "findings": [
                    {
                        "level": lv.value,
                        "n": n,
                        "difference": r2(average),
                        "ci90": r2_interval(interval),
                    }
                    for lv, n, average, interval in findings
                ]
            },
        )

    def weakest_leg(self) -> Recommendation | None:
        scores = self.e.all_factors
        if any(scores[f] is None for f in FACTORS):
            return None
        weakest = min(FACTORS, key=lambda f: (scores[f], FACTORS.index(f)))
        score = scores[weakest]
        assert score is not None
        text = self.text["weakest_leg"].format(
            factor=self.factor_names[weakest], score=_signed(score)
        )
        return Recommendation(
            "weakest_leg",
            text,
            levels=self.e.published,
            items=self.cite(self.lowest_of(self.all_items, weakest)),
            figures={"factor": weakest.value, "score": r2(score)},
        )

    def divided_level(self) -> Recommendation | None:
        limit = exact(self.t.divided_level_sd) ** 2
        found = [
            (lv, f, variance)
            for lv in self.e.published
            for f in FACTORS
            if (variance := self.e.tests[lv].variances.get(f)) is not None and variance >= limit
        ]
        if not found:
            return None
        lv, f, variance = max(
            found, key=lambda e: (e[2], -LEVELS.index(e[0]), -FACTORS.index(e[1]))
        )
        sd = math.sqrt(variance)
        spread = self.e.item_spread[lv]
        cited = sorted(
            (i for i in spread if self.item_factor[i] is f), key=lambda i: (-spread[i], i)
        )
        level_name = LEVEL_NAMES[self.lang][lv]
        text = self.text["divided_level"].format(
            level=level_name[:1].upper() + level_name[1:],
            factor=self.factor_names[f],
            sd=_whole(sd),
        )
        return Recommendation(
            "divided_level",
            text,
            levels=tuple(dict.fromkeys(entry[0] for entry in found)),
            items=self.cite(cited),
            figures={
                "level": lv.value,
                "factor": f.value,
                "sd": r2(sd),
                "findings": [
                    {"level": level.value, "factor": fac.value, "sd": r2(math.sqrt(var))}
                    for level, fac, var in found
                ],
            },
        )

    def largest_item_gaps(self) -> Recommendation | None:
        if Level.BOARD not in self.e.published or Level.FRONT_LINE not in self.e.published:
            return None
        board, front = self.e.item_means[Level.BOARD], self.e.item_means[Level.FRONT_LINE]
        gaps = self.item_gaps()
        limit = exact(self.t.executive_disconnect)
        wide = [i for i, gap in gaps.items() if abs(gap) >= limit]
        if not wide:
            return None
        wide.sort(key=lambda i: (-abs(gaps[i]), i))
        top = wide[:CITED]
        return Recommendation(
            "largest_item_gaps",
            self.text["largest_item_gaps"],
            levels=(Level.BOARD, Level.FRONT_LINE),
            items=self.cite(top),
            figures={
                "item_gaps": [
                    {
                        "id": i,
                        "board": r2(board[i]),
                        "front_line": r2(front[i]),
                        "gap": r2(gaps[i]),
                    }
                    for i in top
                ]
            },
        )

    def lowest_items(self) -> Recommendation | None:
        below = [i for i, m in self.all_items.items() if m < 0]
        if not below:
            return None
        below.sort(key=lambda i: (self.all_items[i], i))
        top = below[:CITED]
        return Recommendation(
            "lowest_items",
            self.text["lowest_items"],
            levels=self.e.published,
            items=self.cite(top),
            figures={"item_means": [{"id": i, "mean": r2(self.all_items[i])} for i in top]},
        )


def recommend(
    evidence: Evidence, questionnaire: QuestionnaireLike, language: str
) -> tuple[Recommendation, ...]:
    """The recommendations the published figures support, most important first."""
    rules = _Rules(evidence, questionnaire, language)
    found = [
        rules.executive_disconnect(),
        rules.blind_spot(),
        *(rules.paired(rule, cite) for rule, _hi, _lo, _threshold, cite in PAIRED_RULES),
        rules.weakest_leg(),
        rules.divided_level(),
        rules.largest_item_gaps(),
        rules.lowest_items(),
    ]
    return tuple(r for r in found if r is not None)


def rule_ids() -> tuple[str, ...]:
    """Every recommendation id, in priority order."""
    return (
        "executive_disconnect",
        "blind_spot",
        "promise_gap",
        "execution_gap",
        "compensating_effort",
        "weakest_leg",
        "divided_level",
        "largest_item_gaps",
        "lowest_items",
    )
