"""The scoring engine: DESIGN.md *Scoring*, exactly, one answer at a time.

A ``Tally`` keeps running sums per (group, item) and per (participant,
factor). Recording an answer is O(1); ``report()`` costs O(groups x items +
participants), independent of how many answers the session holds, so the live
dashboard can ask for a fresh ``Report`` after every answer of a
10,000-answer session.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from coherence_tui.domain.model import (
    ANSWER_VALUES,
    FACTORS,
    LEVELS,
    Answer,
    Factor,
    Level,
    Participant,
    Questionnaire,
    StoolState,
    Thresholds,
)
from coherence_tui.domain.recommend import Spread, recommend
from coherence_tui.domain.report import (
    ALL,
    GAP_PAIRS,
    Gap,
    GroupScores,
    ItemFigures,
    ItemScores,
    Report,
    department_key,
    gap_key,
)


def stool_state(imbalance: float, thresholds: Thresholds) -> StoolState:
    """``stable`` below the wobbly threshold, ``wobbly`` below tipping, else ``tipping``."""
    if imbalance < thresholds.stool_wobbly:
        return StoolState.STABLE
    if imbalance < thresholds.stool_tipping:
        return StoolState.WOBBLY
    return StoolState.TIPPING


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


class _ItemSums:
    """Running sums for one item within one group."""

    __slots__ = ("answered", "total", "counted", "agreed")

    def __init__(self) -> None:
        self.answered = 0
        """Answers of any kind, don't know included."""
        self.total = 0
        """Sum of adjusted (reverse-negated) non-null values."""
        self.counted = 0
        """Non-null answers."""
        self.agreed = 0
        """Non-null answers of +1 or +2 after reversing."""

    def add(self, adjusted: int | None, sign: int) -> None:
        self.answered += sign
        if adjusted is not None:
            self.total += sign * adjusted
            self.counted += sign
            if adjusted > 0:
                self.agreed += sign

    @property
    def mean(self) -> float | None:
        return self.total * 100 / self.counted if self.counted else None

    @property
    def agree_pct(self) -> float | None:
        return self.agreed * 100 / self.counted if self.counted else None


@dataclass(frozen=True, slots=True)
class _RawGroup:
    """A group's figures before suppression is applied."""

    n: int
    item_means: Mapping[str, float | None]
    item_agree: Mapping[str, float | None]
    item_answered: Mapping[str, int]
    factors: Mapping[Factor, float | None]
    factor_agree: Mapping[Factor, float | None]


class Tally:
    """Incremental scores of one session. Latest answer per (participant, item) wins."""

    def __init__(
        self,
        questionnaire: Questionnaire,
        *,
        k: int,
        departments: Iterable[str] = (),
        session: str = "",
        language: str | None = None,
    ) -> None:
        if k < 1:
            raise ValueError("k must be at least 1")
        self.questionnaire = questionnaire
        self.k = k
        self.session = session
        self.language = language or questionnaire.language
        self.departments: tuple[str, ...] = tuple(departments)
        self._items = {item.id: item for item in questionnaire.items}
        self._factor_items: dict[Factor, tuple[str, ...]] = {
            f: tuple(i.id for i in questionnaire.items if i.factor is f) for f in FACTORS
        }
        group_keys = [lv.value for lv in LEVELS] + [department_key(d) for d in self.departments]
        self._sums: dict[str, dict[str, _ItemSums]] = {
            g: {item_id: _ItemSums() for item_id in self._items} for g in group_keys
        }
        self._group_n: dict[str, int] = dict.fromkeys(group_keys, 0)
        self._participants: dict[str, Participant] = {}
        self._values: dict[tuple[str, str], int | None] = {}
        self._answer_count: dict[str, int] = {}
        # Per participant and factor: [sum of adjusted values, non-null count].
        self._own: dict[str, dict[Factor, list[int]]] = {}

    # -- feeding -----------------------------------------------------------------

    def add_participant(self, participant: Participant) -> None:
        """Register a participant (idempotent for the same code, level and department)."""
        known = self._participants.get(participant.code)
        if known is not None:
            if (known.level, known.department) != (participant.level, participant.department):
                raise ValueError(f"participant {participant.code} changed level or department")
            return
        if participant.department is not None and participant.department not in self.departments:
            self.departments = (*self.departments, participant.department)
            key = department_key(participant.department)
            self._sums[key] = {item_id: _ItemSums() for item_id in self._items}
            self._group_n[key] = 0
        self._participants[participant.code] = participant
        self._answer_count[participant.code] = 0
        self._own[participant.code] = {f: [0, 0] for f in FACTORS}

    def record(self, participant: str, item: str, value: int | None) -> None:
        """Record one answer, replacing that participant's earlier answer to the item."""
        who = self._participants.get(participant)
        if who is None:
            raise KeyError(f"unknown participant {participant!r}")
        question = self._items.get(item)
        if question is None:
            raise KeyError(f"unknown item {item!r}")
        if value is not None and value not in ANSWER_VALUES:
            raise ValueError(f"value {value!r} outside -2..2")
        groups = [who.level.value]
        if who.department is not None:
            groups.append(department_key(who.department))
        key = (participant, item)
        own = self._own[participant][question.factor]
        if key in self._values:
            old = self._adjusted(item, self._values[key])
            for g in groups:
                self._sums[g][item].add(old, -1)
            if old is not None:
                own[0] -= old
                own[1] -= 1
        else:
            self._answer_count[participant] += 1
            if self._answer_count[participant] == 1:
                for g in groups:
                    self._group_n[g] += 1
        new = self._adjusted(item, value)
        self._values[key] = value
        for g in groups:
            self._sums[g][item].add(new, +1)
        if new is not None:
            own[0] += new
            own[1] += 1

    def record_all(self, participants: Iterable[Participant], answers: Iterable[Answer]) -> None:
        for participant in participants:
            self.add_participant(participant)
        for answer in answers:
            self.record(answer.participant, answer.item, answer.value)

    @classmethod
    def from_answers(
        cls,
        questionnaire: Questionnaire,
        participants: Iterable[Participant],
        answers: Iterable[Answer],
        *,
        k: int,
        departments: Iterable[str] = (),
        session: str = "",
        language: str | None = None,
    ) -> Tally:
        tally = cls(questionnaire, k=k, departments=departments, session=session, language=language)
        tally.record_all(participants, answers)
        return tally

    def _adjusted(self, item: str, value: int | None) -> int | None:
        if value is None:
            return None
        return -value if self._items[item].reverse else value

    @property
    def answers(self) -> int:
        return len(self._values)

    # -- figures -----------------------------------------------------------------

    def _raw(self, group: str) -> _RawGroup:
        sums = self._sums[group]
        means = {i: s.mean for i, s in sums.items()}
        agree = {i: s.agree_pct for i, s in sums.items()}
        return _RawGroup(
            n=self._group_n[group],
            item_means=means,
            item_agree=agree,
            item_answered={i: s.answered for i, s in sums.items()},
            factors={f: _mean(means[i] for i in ids) for f, ids in self._factor_items.items()},
            factor_agree={f: _mean(agree[i] for i in ids) for f, ids in self._factor_items.items()},
        )

    def _scores(
        self,
        key: str,
        n: int,
        suppressed: bool,
        factors: Mapping[Factor, float | None],
        agree: Mapping[Factor, float | None],
    ) -> GroupScores:
        if suppressed:
            return GroupScores(key, n, True, {}, {}, None, None, None)
        present = [v for v in factors.values() if v is not None]
        overall = sum(present) / len(present) if present else None
        imbalance = max(present) - min(present) if present else None
        state = None if imbalance is None else stool_state(imbalance, self.questionnaire.thresholds)
        return GroupScores(key, n, False, dict(factors), dict(agree), overall, imbalance, state)

    def _spread(self, level: Level) -> dict[Factor, float | None]:
        """Population SD per factor of the level's participants' own factor scores."""
        spread: dict[Factor, float | None] = {}
        members = [c for c, p in self._participants.items() if p.level is level]
        for f in FACTORS:
            scores = [own[0] * 100 / own[1] for c in members if (own := self._own[c][f])[1] > 0]
            if not scores:
                spread[f] = None
                continue
            mu = sum(scores) / len(scores)
            spread[f] = math.sqrt(sum((s - mu) ** 2 for s in scores) / len(scores))
        return spread

    def report(self) -> Report:
        """Every figure of DESIGN.md *Scoring*, suppression applied, as a new frozen Report."""
        k = self.k
        raw = {lv: self._raw(lv.value) for lv in LEVELS}
        hidden = {lv: raw[lv].n < k for lv in LEVELS}
        answered = [lv for lv in LEVELS if raw[lv].n > 0]
        weighted = [lv for lv in answered if not hidden[lv]] or answered
        total = sum(raw[lv].n for lv in LEVELS)
        all_hidden = total < k

        groups: dict[str, GroupScores] = {}
        all_factors = {f: _mean(raw[lv].factors[f] for lv in weighted) for f in FACTORS}
        all_agree = {f: _mean(raw[lv].factor_agree[f] for lv in weighted) for f in FACTORS}
        groups[ALL] = self._scores(ALL, total, all_hidden, all_factors, all_agree)
        for lv in LEVELS:
            r = raw[lv]
            groups[lv.value] = self._scores(lv.value, r.n, hidden[lv], r.factors, r.factor_agree)
        for dept in self.departments:
            key = department_key(dept)
            r = self._raw(key)
            groups[key] = self._scores(key, r.n, r.n < k, r.factors, r.factor_agree)

        gaps: dict[str, Gap] = {}
        for a, b in GAP_PAIRS:
            ga, gb = groups[a.value], groups[b.value]
            if ga.suppressed or gb.suppressed:
                gaps[gap_key(a, b)] = Gap(a, b, True, {}, None)
                continue
            diff = {f: _minus(ga.factors.get(f), gb.factors.get(f)) for f in FACTORS}
            gaps[gap_key(a, b)] = Gap(a, b, False, diff, _minus(ga.overall, gb.overall))

        items: dict[str, ItemScores] = {}
        for item in self.questionnaire.items:
            levels = {
                lv: ItemFigures(
                    n=raw[lv].item_answered[item.id],
                    suppressed=hidden[lv],
                    mean=None if hidden[lv] else raw[lv].item_means[item.id],
                    agree_pct=None if hidden[lv] else raw[lv].item_agree[item.id],
                )
                for lv in LEVELS
            }
            whole = ItemFigures(
                n=sum(raw[lv].item_answered[item.id] for lv in LEVELS),
                suppressed=all_hidden,
                mean=None if all_hidden else _mean(raw[lv].item_means[item.id] for lv in weighted),
                agree_pct=None
                if all_hidden
                else _mean(raw[lv].item_agree[item.id] for lv in weighted),
            )
            items[item.id] = ItemScores(
                item.id, item.factor, item.area, item.text, item.reverse, levels, whole
            )

        spreads: Spread = {lv: self._spread(lv) for lv in LEVELS if not hidden[lv] and raw[lv].n}
        recommendations = recommend(
            groups=groups,
            items=items,
            spreads=spreads,
            thresholds=self.questionnaire.thresholds,
            language=self.language,
        )
        return Report(
            session=self.session,
            questionnaire=self.questionnaire.id,
            k=k,
            groups=groups,
            gaps=gaps,
            items=items,
            recommendations=recommendations,
            participants=total,
            answers=len(self._values),
        )


def _minus(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b
