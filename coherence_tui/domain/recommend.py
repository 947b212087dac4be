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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from coherence_tui.domain.recommend_text import AND_WORD, SENTENCES
from coherence_tui.domain.recommend_text import FACTOR_NAMES as FACTOR_NAMES
from coherence_tui.domain.recommend_text import LEVEL_NAMES as LEVEL_NAMES
from coherence_tui.domain.report import Gap, Recommendation, r2, r2_interval
from coherence_tui.domain.stats import Scaled, exact, mean
from coherence_tui.domain.vocabulary import FACTORS, LEVELS, Factor, Level, QuestionnaireLike

BLIND_SPOT_SHARE = Fraction(30)
"""The board's don't-know share (%) over a factor's items from which ``blind_spot`` looks."""

CITED = 3
"""Statements a recommendation cites at most."""


@dataclass(frozen=True, slots=True)
class Evidence:
    """The published, exact figures the rules may read (built by the scoring engine)."""

    published: tuple[Level, ...]
    """Publishable levels."""
    scaled: Scaled
    own: Mapping[Level, Mapping[str, Mapping[Factor, int | None]]]
    """Per publishable level, each counting participant's p(x, f), as ``scaled`` integers."""
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
        self.all_items = {
            i: m
            for i in self.item_text
            if (
                m := mean(
                    [
                        self.e.item_means[lv][i]
                        for lv in self.e.published
                        if i in self.e.item_means[lv]
                    ]
                )
            )
            is not None
        }

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
        board, front = self.e.item_means[Level.BOARD], self.e.item_means[Level.FRONT_LINE]
        both = [i for i in board if i in front and self.item_factor[i] is worst]
        cited = sorted(both, key=lambda i: (-abs(board[i] - front[i]), i))
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

    def paired(
        self, rule: str, higher: Factor, lower: Factor, threshold: float, cite: Factor
    ) -> Recommendation | None:
        limit = exact(threshold)
        scaled = self.e.scaled
        findings = []
        for lv in self.e.published:
            diffs = [
                a - b
                for own in self.e.own[lv].values()
                if (a := own[higher]) is not None and (b := own[lower]) is not None
            ]
            if len(diffs) < 2 or not scaled.mean_at_least(diffs, limit):
                continue
            average, interval = scaled.mean_interval(diffs)
            if interval is not None and interval[0] > 0:
                findings.append((lv, len(diffs), average, interval))
        if not findings:
            return None
        levels = tuple(lv for lv, *_ in findings)
        biggest = max(findings, key=lambda entry: entry[2])
        means = {
            i: m
            for i in self.item_text
            if (
                m := mean([self.e.item_means[lv][i] for lv in levels if i in self.e.item_means[lv]])
            )
            is not None
        }
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
        scaled = self.e.scaled
        found = []
        for lv in self.e.published:
            for f in FACTORS:
                values = [v for own in self.e.own[lv].values() if (v := own[f]) is not None]
                if len(values) >= 2:
                    variance = scaled.population_variance(values)
                    if variance >= limit:
                        found.append((lv, f, variance))
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
        limit = exact(self.t.executive_disconnect)
        wide = [i for i in board if i in front and abs(board[i] - front[i]) >= limit]
        if not wide:
            return None
        wide.sort(key=lambda i: (-abs(board[i] - front[i]), i))
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
                        "gap": r2(board[i] - front[i]),
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
    t = questionnaire.thresholds
    D, R, B = FACTORS  # noqa: N806 - the three legs, as in DESIGN.md
    found = [
        rules.executive_disconnect(),
        rules.blind_spot(),
        rules.paired("promise_gap", D, R, t.promise_gap, cite=R),
        rules.paired("execution_gap", R, B, t.execution_gap, cite=B),
        rules.paired("compensating_effort", B, R, t.execution_gap, cite=R),
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
