"""The scoring engine: DESIGN.md *Scoring* (version 2), exactly, one answer at a time.

A ``Tally`` keeps running integer sums per (group, item) and per (participant,
factor). Recording an answer is O(1); ``report()`` costs O(groups x items +
participants), independent of how many answers the session holds, and after one
change it rebuilds only the parts that change touched (``domain.memo``; what is
remembered and what invalidates it: ``Tally``). Every figure a threshold or a tie
looks at is an exact ``Fraction``; only standard deviations, t quantiles and
interval bounds are floats (``domain.stats``).
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from coherence_tui.domain.disclosure import (
    Audit,
    Cell,
    Suppression,
    audit_departments,
    audit_shape,
    publishable,
)
from coherence_tui.domain.memo import Memo, Versions
from coherence_tui.domain.recommend import Evidence, recommend
from coherence_tui.domain.report import (
    ALL,
    GAP_PAIRS,
    Gap,
    GroupScores,
    ItemFigures,
    ItemScores,
    Recommendation,
    Report,
    department_key,
    gap_key,
)
from coherence_tui.domain.stats import (
    Interval,
    Scaled,
    excludes_zero,
    interval_from_sd,
    mean,
    present_mean,
    sample_sd,
    welch_from_spread,
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
    ItemLike,
    Level,
    Participant,
    QuestionnaireLike,
    StoolState,
)

MIN_PUBLISHED_ITEMS = 3
"""A factor score (or gap) needs this many published items (or all, for a smaller factor)."""


def _f(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


Spread = tuple[int, float | None]
"""Of a group's p(x, f): how many of its participants have one, and their sample standard
deviation (``None`` under two): all its intervals need of them."""


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


@dataclass(frozen=True, slots=True)
class _LevelEvidence:
    """What the recommendation rules read of one publishable level besides ``_Exact``."""

    own: Mapping[str, Mapping[Factor, int | None]]
    """Each counting participant's p(x, f), as ``Scaled`` integers."""
    item_spread: Mapping[str, Fraction]
    """Population variance of the answers to each published item."""


class Tally:
    """Incremental scores of one session. Latest answer per (participant, item) wins.

    ``report()`` reuses the parts of the last report an answer did not touch. ``record``
    bumps the version (``domain.memo.Versions``) of each group the participant belongs to
    (their level and their department: its sums changed, and a first answer also makes
    them count in it), and of (group, item); a first answer also grows the participant's
    cell (``cells()``).
    ``add_participant`` changes no figure: a participant counts from their first answer,
    and a new department starts at version 0 with no counting member. Remembered, each
    with the stamp that invalidates it:

    - a group's exact figures (``_Exact``) and its ``GroupScores``: the group's version
      and its suppression reason (a department's comes from the audit); the scores also
      per ``intervals``; ``all``: the three levels' versions;
    - a gap: the versions of its two levels, per ``intervals``;
    - an item's ``ItemScores``: the versions of (level, item) of the publishable levels;
    - a level's evidence for the rules (own scores, item spreads): the level's version;
    - the recommendations: the three levels' versions (departments never reach them);
    - the audit: the shape of the cells (``disclosure.audit_shape``: sizes capped at k,
      the departments' order).

    A level's publishability is a function of its members, so of its version. Each
    participant's p(x, f) (``_pi``, and ``_pf`` as floats) is kept up to date by
    ``record``, replaced, never changed in place. ``k`` and ``language`` are plain
    attributes: if either is reassigned, every memo is dropped (``_check_context``); the
    questionnaire and its thresholds are fixed for the Tally's life (its items shape
    the sums).
    """

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
        self._ordinal: dict[str, int] = {}
        """Order of registration: members are listed in it, as ``counting()`` is."""
        self._members: dict[str, list[str]] = {g: [] for g in group_keys}
        """Counting participants of each group, in order of registration."""
        self._cell_sizes: dict[Cell, int] = {}
        """Counting participants per cell (``cells()``, in no particular order)."""
        self._values: dict[tuple[str, str], int | None] = {}
        self._answer_count: dict[str, int] = {}
        # Per participant and factor: [sum of adjusted real answers, real answers].
        self._own: dict[str, dict[Factor, list[int]]] = {}
        self._scaled = Scaled(max(len(ids) for ids in self._factor_items.values()))
        self._pi: dict[str, dict[Factor, int | None]] = {}
        """p(x, f) as exact ``Scaled`` integers, kept up to date by ``record``."""
        self._pf: dict[str, dict[Factor, float | None]] = {}
        """The same as floats, for intervals."""
        self._versions = Versions()
        self._context: tuple[int, str] = (k, self.language)
        self._exacts: Memo[_Exact] = Memo()
        self._scores: Memo[GroupScores] = Memo()
        self._gaps: Memo[tuple[Gap, dict[Factor, Fraction | None]]] = Memo()
        self._spreads: Memo[dict[Factor, Spread]] = Memo()
        self._item_scores: Memo[ItemScores] = Memo()
        self._evidence: Memo[_LevelEvidence] = Memo()
        self._recommendations: Memo[tuple[Recommendation, ...]] = Memo()
        self._audit: Memo[Audit] = Memo()

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
            self._members[key] = []
        self._ordinal[participant.code] = len(self._participants)
        self._participants[participant.code] = participant
        self._answer_count[participant.code] = 0
        self._own[participant.code] = {f: [0, 0] for f in FACTORS}
        self._pi[participant.code] = dict.fromkeys(FACTORS)
        self._pf[participant.code] = dict.fromkeys(FACTORS)

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
                self._starts_counting(participant, groups)
        new = self._adjusted(item, value)
        self._values[key] = value
        for g in groups:
            self._sums[g][item].add(new, +1)
            self._versions.bump(g)
            self._versions.bump((g, item))
        if new is not None:
            own[0] += new
            own[1] += 1
        scaled = self._scaled.of(*own)
        self._pi[participant] = {**self._pi[participant], question.factor: scaled}
        self._pf[participant] = {
            **self._pf[participant],
            question.factor: None if scaled is None else self._scaled.real(scaled),
        }

    def _starts_counting(self, participant: str, groups: list[str]) -> None:
        """The participant's first answer: from now on they count in their groups."""
        for g in groups:
            insort(self._members[g], participant, key=self._ordinal.__getitem__)
        who = self._participants[participant]
        cell = (who.level, who.department)
        self._cell_sizes[cell] = self._cell_sizes.get(cell, 0) + 1

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
        self._check_context()
        return self._audit.get(
            "audit",
            audit_shape(self._cell_sizes, self.k),
            lambda: audit_departments(self.cells(), self.k),
        )

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
            spread = self._spread_of(g)
            for f in FACTORS:
                score = g.factors[f]
                n, sd = spread[f]
                if score is not None and sd is not None:
                    ci90[f] = interval_from_sd(float(score), n, sd)
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
        """Every figure of DESIGN.md *Scoring*, disclosure applied, as a new frozen Report.

        Parts no change touched since an earlier report are that report's own (frozen)
        objects (see the class docstring).
        """
        intervals = True
        self._check_context()
        k = self.k
        levels: dict[Level, _Exact] = {}
        for lv in LEVELS:
            n = len(self._members[lv.value])
            levels[lv] = self._group(
                lv.value, None if publishable(n, k) else Suppression.FEWER_THAN_K
            )
        published = [lv for lv in LEVELS if not levels[lv].suppressed]
        counting = sum(levels[lv].n for lv in LEVELS)

        audit = self.audit()
        dept_n = {d: len(self._members[department_key(d)]) for d in self.departments}
        departments = [
            self._group(
                department_key(d),
                audit.suppressed.get(d) if dept_n[d] >= k else Suppression.FEWER_THAN_K,
            )
            for d in sorted(self.departments, key=lambda d: (-dept_n[d], d))
        ]

        level_versions = tuple(self._versions[lv.value] for lv in LEVELS)
        groups: dict[str, GroupScores] = {
            ALL: self._scores.get(
                (ALL, intervals), level_versions, lambda: self._all(levels, published, counting)
            )
        }
        for g in (*levels.values(), *departments):
            groups[g.key] = self._scores_of(g, intervals=intervals)

        gaps: dict[str, Gap] = {}
        exact_gaps: dict[str, Mapping[Factor, Fraction | None]] = {}
        for a, b in GAP_PAIRS:
            gaps[gap_key(a, b)], exact_gaps[gap_key(a, b)] = self._gap_of(
                levels[a], levels[b], a, b, intervals=intervals
            )

        items = {
            item.id: self._item_scores_of(item, levels, published)
            for item in self.questionnaire.items
        }
        recommendations = self._recommendations.get(
            intervals,
            level_versions,
            lambda: self._recommend(levels, published, gaps, exact_gaps),
        )
        return Report(
            session=self.session,
            questionnaire=self.questionnaire.id,
            k=k,
            groups=groups,
            gaps=gaps,
            items=items,
            recommendations=recommendations,
            participants=counting,
            answers=len(self._values),
        )

    # -- the parts of a report, remembered -----------------------------------------

    def _check_context(self) -> None:
        """Drop every memo when ``k`` or ``language`` was reassigned since it was filled."""
        context = (self.k, self.language)
        if context != self._context:
            self._context = context
            for memo in (
                self._exacts,
                self._scores,
                self._gaps,
                self._spreads,
                self._item_scores,
                self._evidence,
                self._recommendations,
                self._audit,
            ):
                memo.clear()

    def _group(self, key: str, reason: Suppression | None) -> _Exact:
        """A group's exact figures: its sums, its counting members and its reason."""
        return self._exacts.get(
            key,
            (self._versions[key], reason),
            lambda: self._exact(key, tuple(self._members[key]), reason),
        )

    def _scores_of(self, g: _Exact, *, intervals: bool) -> GroupScores:
        return self._scores.get(
            (g.key, intervals),
            (self._versions[g.key], g.reason),
            lambda: self._group_scores(g, intervals=intervals),
        )

    def _gap_of(
        self, a: _Exact, b: _Exact, la: Level, lb: Level, *, intervals: bool
    ) -> tuple[Gap, dict[Factor, Fraction | None]]:
        return self._gaps.get(
            (gap_key(la, lb), intervals),
            (self._versions[a.key], self._versions[b.key]),
            lambda: self._gap(a, b, la, lb),
        )

    def _item_scores_of(
        self, item: ItemLike, levels: Mapping[Level, _Exact], published: list[Level]
    ) -> ItemScores:
        stamp = tuple(
            self._versions[(lv.value, item.id)] if lv in published else None for lv in LEVELS
        )
        return self._item_scores.get(
            item.id, stamp, lambda: self._item_report(item, levels, published)
        )

    def _spread_of(self, g: _Exact) -> dict[Factor, Spread]:
        def compute() -> dict[Factor, Spread]:
            out: dict[Factor, Spread] = {}
            for f in FACTORS:
                own = [v for c in g.members if (v := self._pf[c][f]) is not None]
                out[f] = (len(own), sample_sd(own) if len(own) >= 2 else None)
            return out

        return self._spreads.get(g.key, self._versions[g.key], compute)

    def _evidence_of(self, g: _Exact) -> _LevelEvidence:
        def compute() -> _LevelEvidence:
            sums = self._sums[g.key]
            return _LevelEvidence(
                own={c: self._pi[c] for c in g.members},
                item_spread={i: sums[i].variance for i in g.item_means},  # type: ignore[misc]
            )

        return self._evidence.get(g.key, self._versions[g.key], compute)

    def _recommend(
        self,
        levels: Mapping[Level, _Exact],
        published: list[Level],
        gaps: Mapping[str, Gap],
        exact_gaps: Mapping[str, Mapping[Factor, Fraction | None]],
    ) -> tuple[Recommendation, ...]:
        board_sums = self._sums[Level.BOARD.value]
        board_front = gap_key(Level.BOARD, Level.FRONT_LINE)
        evidence = Evidence(
            published=tuple(published),
            scaled=self._scaled,
            own={lv: self._evidence_of(levels[lv]).own for lv in published},
            factors={lv: levels[lv].factors for lv in published},
            item_means={lv: levels[lv].item_means for lv in published},
            item_spread={lv: self._evidence_of(levels[lv]).item_spread for lv in published},
            all_factors={f: _exact_all(levels, published, f) for f in FACTORS},
            board_front=gaps[board_front],
            board_front_exact=exact_gaps[board_front],
            board_dont_know={
                f: (
                    sum(board_sums[i].answered - board_sums[i].real for i in ids),
                    sum(board_sums[i].answered for i in ids),
                )
                for f, ids in self._factor_items.items()
            },
        )
        return recommend(evidence, self.questionnaire, self.language)

    # -- the parts of a report, computed -------------------------------------------

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
            (na, sd_a), (nb, sd_b) = self._spread_of(a)[f], self._spread_of(b)[f]
            if sd_a is None or sd_b is None:
                ci90[f] = None
            else:
                ci90[f] = welch_from_spread(float(diff), sd_a**2, na, sd_b**2, nb)
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

    def _item_report(
        self, item: ItemLike, levels: Mapping[Level, _Exact], published: list[Level]
    ) -> ItemScores:
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
        return ItemScores(
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


def _exact_all(
    levels: Mapping[Level, _Exact], published: list[Level], f: Factor
) -> Fraction | None:
    """``all.factors[f]``: the unweighted mean of the publishable levels' non-null scores."""
    return present_mean([levels[lv].factors[f] for lv in published])
