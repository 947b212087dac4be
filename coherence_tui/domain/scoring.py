"""The scoring engine: DESIGN.md *Scoring* (version 2), exactly, one answer at a time.

A ``Tally`` keeps running integer sums per (group, item) and per (participant,
factor). Recording an answer is O(1); ``report()`` costs O(groups x items +
participants), independent of how many answers the session holds. Every figure
a threshold or a tie looks at is an exact ``Fraction``; only standard
deviations, t quantiles and interval bounds are floats (``domain.stats``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from coherence_tui.domain.disclosure import (
    Audit,
    Cell,
    Suppression,
    audit_departments,
    publishable,
)
from coherence_tui.domain.recommend import Evidence, recommend
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
from coherence_tui.domain.stats import (
    Interval,
    Scaled,
    excludes_zero,
    mean,
    mean_interval,
    present_mean,
    welch_interval,
)
from coherence_tui.domain.sums import ItemSums
from coherence_tui.domain.sums import state_band_holds as state_band_holds
from coherence_tui.domain.sums import stool_state as stool_state
from coherence_tui.domain.vocabulary import (
    ANSWER_VALUES,
    FACTORS,
    LEVELS,
    Answer,
    Factor,
    Level,
    Participant,
    QuestionnaireLike,
    StoolState,
)

MIN_PUBLISHED_ITEMS = 3
"""A factor score (or gap) needs this many published items (or all, for a smaller factor)."""


def _f(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True, slots=True)
class _Exact:
    """One group's exact figures, before they are frozen into ``GroupScores``."""

    key: str
    n: int
    reason: Suppression | None
    item_means: Mapping[str, Fraction]
    """Published items only."""
    item_favourable: Mapping[str, Fraction]
    factors: Mapping[Factor, Fraction | None]
    favourable: Mapping[Factor, Fraction | None]
    members: tuple[str, ...]

    @property
    def suppressed(self) -> bool:
        return self.reason is not None


class Tally:
    """Incremental scores of one session. Latest answer per (participant, item) wins."""

    def __init__(
        self,
        questionnaire: QuestionnaireLike,
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
        self._sums: dict[str, dict[str, ItemSums]] = {
            g: {item_id: ItemSums() for item_id in self._items} for g in group_keys
        }
        self._participants: dict[str, Participant] = {}
        self._values: dict[tuple[str, str], int | None] = {}
        self._answer_count: dict[str, int] = {}
        # Per participant and factor: [sum of adjusted real answers, real answers].
        self._own: dict[str, dict[Factor, list[int]]] = {}
        self._audits: dict[frozenset[tuple[Cell, int]], Audit] = {}
        self._scaled = Scaled(max(len(ids) for ids in self._factor_items.values()))
        self._pi: dict[str, dict[Factor, int | None]] = {}
        """p(x, f) as exact ``Scaled`` integers, for the report being built."""
        self._pf: dict[str, dict[Factor, float | None]] = {}
        """The same as floats, for intervals."""

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
            self._sums[key] = {item_id: ItemSums() for item_id in self._items}
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
        questionnaire: QuestionnaireLike,
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

    def counting(self) -> list[Participant]:
        """Participants who gave at least one answer (don't know counts)."""
        return [p for code, p in self._participants.items() if self._answer_count[code]]

    def cells(self) -> dict[Cell, int]:
        """Counting participants per (level, department-or-None)."""
        out: dict[Cell, int] = {}
        for p in self.counting():
            out[(p.level, p.department)] = out.get((p.level, p.department), 0) + 1
        return out

    def audit(self) -> Audit:
        """The departments' subtraction audit for the participants counting now."""
        cells = self.cells()
        key = frozenset(cells.items())
        audit = self._audits.get(key)
        if audit is None:
            audit = audit_departments(cells, self.k)
            self._audits[key] = audit
        return audit

    def p(self, participant: str, factor: Factor) -> Fraction | None:
        """100 x the mean of the participant's real answers to the factor's items."""
        total, real = self._own[participant][factor]
        return Fraction(total * 100, real) if real else None

    def participant_scores(self, level: Level, factor: Factor) -> list[float]:
        """p(x, f) of the counting participants of ``level`` who have one (floats, for
        intervals: never shown one by one)."""
        out: list[float] = []
        for p in self.counting():
            if p.level is level:
                score = self.p(p.code, factor)
                if score is not None:
                    out.append(float(score))
        return out

    def area_scores(self) -> dict[str, dict[tuple[str, Factor], Fraction]]:
        """p(x, f, area) of every participant with answers: 100 x the mean of x's real
        answers to the items of factor f and area tag ``area`` (absent when x gave none).

        Computed on demand from the answers, O(answers): only the chain view and the
        exports ask for it, never the per-answer path.
        """
        sums: dict[str, dict[tuple[str, Factor], list[int]]] = {}
        for (code, item_id), value in self._values.items():
            adjusted = self._adjusted(item_id, value)
            if adjusted is None:
                continue
            item = self._items[item_id]
            cell = sums.setdefault(code, {}).setdefault((item.area, item.factor), [0, 0])
            cell[0] += adjusted
            cell[1] += 1
        return {
            code: {key: Fraction(total * 100, real) for key, (total, real) in cells.items()}
            for code, cells in sums.items()
        }

    def level_of(self, participant: str) -> Level:
        """The level of a registered participant."""
        return self._participants[participant].level

    def _needed(self, factor: Factor) -> int:
        return min(MIN_PUBLISHED_ITEMS, len(self._factor_items[factor]))

    def _exact(self, key: str, members: tuple[str, ...], reason: Suppression | None) -> _Exact:
        sums = self._sums[key]
        means: dict[str, Fraction] = {}
        favourable: dict[str, Fraction] = {}
        if reason is None:
            for item_id, s in sums.items():
                if s.real >= self.k:
                    means[item_id] = s.mean  # type: ignore[assignment]
                    favourable[item_id] = s.favourable_pct  # type: ignore[assignment]
        factors: dict[Factor, Fraction | None] = {}
        fav: dict[Factor, Fraction | None] = {}
        for f, ids in self._factor_items.items():
            used = [i for i in ids if i in means]
            if reason is None and len(used) >= self._needed(f):
                factors[f] = mean([means[i] for i in used])
                fav[f] = mean([favourable[i] for i in used])
            else:
                factors[f] = fav[f] = None
        return _Exact(key, len(members), reason, means, favourable, factors, fav, members)

    def _group_scores(self, g: _Exact, *, intervals: bool) -> GroupScores:
        if g.suppressed:
            return GroupScores(g.key, g.n, True, g.reason)
        thresholds = self.questionnaire.thresholds
        present = [v for v in g.factors.values() if v is not None]
        overall = mean(present)
        imbalance = max(present) - min(present) if len(present) >= 2 else None
        state = None if imbalance is None else stool_state(imbalance, thresholds)
        ci90: dict[Factor, Interval | None] = dict.fromkeys(FACTORS)
        confident: bool | None = None
        if intervals:
            for f in FACTORS:
                score = g.factors[f]
                if score is not None:
                    own = [v for c in g.members if (v := self._pf[c][f]) is not None]
                    ci90[f] = mean_interval(own, centre=float(score))
            if state is not None:
                confident = self._stool_confident(g, state)
        return GroupScores(
            key=g.key,
            n=g.n,
            suppressed=False,
            factors={f: _f(v) for f, v in g.factors.items()},
            ci90=ci90,
            favourable_pct={f: _f(v) for f, v in g.favourable.items()},
            overall=_f(overall),
            imbalance=_f(imbalance),
            stool=state,
            stool_confident=confident,
        )

    def _stool_confident(self, g: _Exact, state: StoolState) -> bool:
        """Paired interval of p(hi) - p(lo) inside the band of the state shown."""
        scored = [f for f in FACTORS if g.factors[f] is not None]
        hi = max(scored, key=lambda f: (g.factors[f], -FACTORS.index(f)))
        rest = [f for f in scored if f is not hi]
        lo = min(rest, key=lambda f: (g.factors[f], FACTORS.index(f)))
        diffs = [
            pa - pb
            for c in g.members
            if (pa := self._pi[c][hi]) is not None and (pb := self._pi[c][lo]) is not None
        ]
        _mean_d, interval = self._scaled.mean_interval(diffs)
        if interval is None:
            return False
        return state_band_holds(interval, state, self.questionnaire.thresholds)

    def report(self) -> Report:
        """Every figure of DESIGN.md *Scoring*, disclosure applied, as a new frozen Report."""
        k = self.k
        counting = self.counting()
        scaled = self._scaled
        own = {p.code: {f: scaled.of(*self._own[p.code][f]) for f in FACTORS} for p in counting}
        self._pi = own
        self._pf = {
            c: {f: None if v is None else scaled.real(v) for f, v in by_factor.items()}
            for c, by_factor in own.items()
        }
        level_members = {lv: tuple(p.code for p in counting if p.level is lv) for lv in LEVELS}
        levels = {
            lv: self._exact(
                lv.value,
                level_members[lv],
                None if publishable(len(level_members[lv]), k) else Suppression.FEWER_THAN_K,
            )
            for lv in LEVELS
        }
        published = [lv for lv in LEVELS if not levels[lv].suppressed]

        audit = self.audit()
        dept_members = {
            d: tuple(p.code for p in counting if p.department == d) for d in self.departments
        }
        dept_order = sorted(self.departments, key=lambda d: (-len(dept_members[d]), d))
        departments = {
            d: self._exact(
                department_key(d),
                dept_members[d],
                audit.suppressed.get(d) if len(dept_members[d]) >= k else Suppression.FEWER_THAN_K,
            )
            for d in dept_order
        }

        whole = self._all(levels, published, len(counting))
        groups: dict[str, GroupScores] = {ALL: whole}
        for lv in LEVELS:
            groups[lv.value] = self._group_scores(levels[lv], intervals=True)
        for d in dept_order:
            groups[department_key(d)] = self._group_scores(departments[d], intervals=True)

        gaps: dict[str, Gap] = {}
        exact_gaps: dict[str, dict[Factor, Fraction | None]] = {}
        for a, b in GAP_PAIRS:
            gap, factor_gaps = self._gap(levels[a], levels[b], a, b)
            gaps[gap_key(a, b)] = gap
            exact_gaps[gap_key(a, b)] = factor_gaps

        items = self._items_report(levels, published)
        board_sums = self._sums[Level.BOARD.value]
        evidence = Evidence(
            published=tuple(published),
            scaled=scaled,
            own={lv: {c: own[c] for c in levels[lv].members} for lv in published},
            factors={lv: dict(levels[lv].factors) for lv in published},
            item_means={lv: dict(levels[lv].item_means) for lv in published},
            item_spread={
                lv: {
                    i: self._sums[lv.value][i].variance  # type: ignore[misc]
                    for i in levels[lv].item_means
                }
                for lv in published
            },
            all_factors={f: _exact_all(levels, published, f) for f in FACTORS},
            board_front=gaps[gap_key(Level.BOARD, Level.FRONT_LINE)],
            board_front_exact=exact_gaps[gap_key(Level.BOARD, Level.FRONT_LINE)],
            board_dont_know={
                f: (
                    sum(board_sums[i].answered - board_sums[i].real for i in ids),
                    sum(board_sums[i].answered for i in ids),
                )
                for f, ids in self._factor_items.items()
            },
        )
        recommendations = recommend(evidence, self.questionnaire, self.language)
        return Report(
            session=self.session,
            questionnaire=self.questionnaire.id,
            k=k,
            groups=groups,
            gaps=gaps,
            items=items,
            recommendations=recommendations,
            participants=len(counting),
            answers=len(self._values),
        )

    def _all(self, levels: Mapping[Level, _Exact], published: list[Level], n: int) -> GroupScores:
        if not published:
            return GroupScores(ALL, n, True, Suppression.FEWER_THAN_K)
        factors = {f: _exact_all(levels, published, f) for f in FACTORS}
        favourable = {
            f: present_mean([levels[lv].favourable[f] for lv in published]) for f in FACTORS
        }
        g = _Exact(ALL, n, None, {}, {}, factors, favourable, ())
        scores = self._group_scores(g, intervals=False)
        return scores

    def _gap(
        self, a: _Exact, b: _Exact, la: Level, lb: Level
    ) -> tuple[Gap, dict[Factor, Fraction | None]]:
        if a.suppressed or b.suppressed:
            return Gap(la, lb, True), dict.fromkeys(FACTORS)
        diffs: dict[Factor, Fraction | None] = {}
        ci90: dict[Factor, Interval | None] = {}
        significant: dict[Factor, bool | None] = {}
        for f, ids in self._factor_items.items():
            both = [i for i in ids if i in a.item_means and i in b.item_means]
            if len(both) < self._needed(f):
                diffs[f], ci90[f], significant[f] = None, None, None
                continue
            diff = mean([a.item_means[i] - b.item_means[i] for i in both])
            assert diff is not None
            diffs[f] = diff
            own_a = [v for c in a.members if (v := self._pf[c][f]) is not None]
            own_b = [v for c in b.members if (v := self._pf[c][f]) is not None]
            ci90[f] = welch_interval(float(diff), own_a, own_b)
            significant[f] = excludes_zero(ci90[f])
        overall = present_mean(list(diffs.values()))
        gap = Gap(
            la,
            lb,
            False,
            factors={f: _f(v) for f, v in diffs.items()},
            overall=_f(overall),
            ci90=ci90,
            significant=significant,
        )
        return gap, diffs

    def _items_report(
        self, levels: Mapping[Level, _Exact], published: list[Level]
    ) -> dict[str, ItemScores]:
        out: dict[str, ItemScores] = {}
        for item in self.questionnaire.items:
            at_levels: dict[Level, ItemFigures] = {}
            for lv in published:
                s = self._sums[lv.value][item.id]
                shown = item.id in levels[lv].item_means
                at_levels[lv] = ItemFigures(
                    n=s.answered,
                    real=s.real,
                    published=shown,
                    mean=_f(s.mean) if shown else None,
                    favourable_pct=_f(s.favourable_pct) if shown else None,
                    dont_know_pct=_f(s.dont_know_pct) if shown else None,
                    distribution=s.distribution(item.reverse) if shown else None,
                )
            out[item.id] = ItemScores(
                item_id=item.id,
                factor=item.factor,
                area=item.area,
                text=item.text,
                reverse=item.reverse,
                levels=at_levels,
                all_mean=_f(present_mean([levels[lv].item_means.get(item.id) for lv in published])),
                all_favourable_pct=_f(
                    present_mean([levels[lv].item_favourable.get(item.id) for lv in published])
                ),
            )
        return out


def _exact_all(
    levels: Mapping[Level, _Exact], published: list[Level], f: Factor
) -> Fraction | None:
    """``all.factors[f]``: the unweighted mean of the publishable levels' non-null scores."""
    return present_mean([levels[lv].factors[f] for lv in published])
