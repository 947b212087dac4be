"""The scoring engine: DESIGN.md *Scoring* (version 2), exactly, one answer at a time.

A ``Tally`` keeps running integer sums per (group, item) and per (participant,
factor). Recording an answer is O(1); ``report()`` costs O(groups x items +
participants), independent of how many answers the session holds, and after one
change it rebuilds only the parts that change touched (``domain.memo``; what is
remembered and what invalidates it: ``Tally``; how each part is computed:
``domain.figures``). Every figure a threshold or a tie looks at is an exact
``Fraction``; only standard deviations, t quantiles and interval bounds are floats
(``domain.stats``).
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
from coherence_tui.domain.figures import MIN_PUBLISHED_ITEMS as MIN_PUBLISHED_ITEMS
from coherence_tui.domain.figures import Figures, GroupExact, Spread, exact_all
from coherence_tui.domain.memo import Memo, Versions
from coherence_tui.domain.recommend import Evidence, LevelTests, level_tests, recommend
from coherence_tui.domain.report import (
    ALL,
    GAP_PAIRS,
    Gap,
    GroupScores,
    ItemScores,
    Recommendation,
    Report,
    department_key,
    gap_key,
)
from coherence_tui.domain.stats import Scaled
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
)


@dataclass(frozen=True, slots=True)
class _LevelEvidence:
    """What the recommendation rules read of one publishable level besides its figures."""

    tests: LevelTests
    """The paired tests and spreads of its counting participants' p(x, f)."""
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

    - a group's exact figures (``GroupExact``) and its ``GroupScores``: the group's version
      and its suppression reason (a department's comes from the audit); the scores also
      per ``intervals``; ``all``: the three levels' versions;
    - a group's ``Spread`` of p(x, f) (what its intervals need): the group's version;
    - a gap: the versions of its two levels, per ``intervals``;
    - an item's ``ItemScores``: the versions of (level, item) of the publishable levels;
    - a level's evidence for the rules (own scores, item spreads): the level's version;
    - the recommendations (full reports only): the three levels' versions (departments
      never reach them);
    - the audit: the shape of the cells (``disclosure.audit_shape``: sizes capped at k,
      the departments' order).

    A level's publishability is a function of its members, so of its version. Each
    participant's p(x, f) (``_pi``, and ``_pf`` as floats) is brought up to date at each
    report for whoever answered since (``_refresh_own``), replaced, never changed in
    place. ``k`` and ``language`` are plain
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
        self._figures = Figures(k, self._factor_items, questionnaire.thresholds, self._scaled)
        self._pi: dict[str, dict[Factor, int | None]] = {}
        """p(x, f) as exact ``Scaled`` integers, kept up to date by ``record``."""
        self._pf: dict[str, dict[Factor, float | None]] = {}
        """The same as floats, for intervals."""
        self._groups_of: dict[str, tuple[str, ...]] = {}
        """Each participant's groups: their level's key, and their department's if any."""
        self._stale: set[str] = set()
        """Participants whose p(x, f) changed since ``_pi``/``_pf`` were last brought up to
        date (at the next report: a bulk load does it once per participant, not per answer)."""
        self._versions = Versions()
        self._context: tuple[int, str] = (k, self.language)
        self._exacts: Memo[GroupExact] = Memo()
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
        department = participant.department
        self._groups_of[participant.code] = (
            (participant.level.value,)
            if department is None
            else (participant.level.value, department_key(department))
        )
        self._participants[participant.code] = participant
        self._answer_count[participant.code] = 0
        self._own[participant.code] = {f: [0, 0] for f in FACTORS}
        self._pi[participant.code] = dict.fromkeys(FACTORS)
        self._pf[participant.code] = dict.fromkeys(FACTORS)

    def record(self, participant: str, item: str, value: int | None) -> None:
        """Record one answer, replacing that participant's earlier answer to the item."""
        groups = self._groups_of.get(participant)
        if groups is None:
            raise KeyError(f"unknown participant {participant!r}")
        question = self._items.get(item)
        if question is None:
            raise KeyError(f"unknown item {item!r}")
        if value is not None and value not in ANSWER_VALUES:
            raise ValueError(f"value {value!r} outside -2..2")
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
        versions = self._versions
        for g in groups:
            self._sums[g][item].add(new, +1)
            versions.bump(g, (g, item))
        if new is not None:
            own[0] += new
            own[1] += 1
        self._stale.add(participant)

    def _refresh_own(self) -> None:
        """p(x, f) of everyone who answered since the last report, as new dicts (earlier
        reports keep theirs)."""
        scaled = self._scaled
        for code in self._stale:
            own = self._own[code]
            pi = {f: scaled.of(*own[f]) for f in FACTORS}
            self._pi[code] = pi
            self._pf[code] = {f: None if v is None else scaled.real(v) for f, v in pi.items()}
        self._stale.clear()

    def _starts_counting(self, participant: str, groups: tuple[str, ...]) -> None:
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

    def report(self, *, intervals: bool = True) -> Report:
        """Every figure of DESIGN.md *Scoring*, disclosure applied, as a new frozen Report.

        Parts no change touched since an earlier report are that report's own (frozen)
        objects (see the class docstring). ``intervals=False`` computes no t quantile
        (scipy is not imported): every ci90, stool confidence and significance is
        ``None``, there are no recommendations (they rest on t intervals) and the report
        says ``intervals_pending``; every other figure is the full report's. For a
        projector's first frame, never for an export.
        """
        self._check_context()
        self._refresh_own()
        k = self.k
        levels: dict[Level, GroupExact] = {}
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
                (ALL, intervals),
                level_versions,
                lambda: self._figures.all_scores(levels, published, counting),
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
        recommendations: tuple[Recommendation, ...] = ()
        if intervals:
            recommendations = self._recommendations.get(
                "recommendations",
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
            intervals_pending=not intervals,
        )

    # -- the parts of a report, remembered -----------------------------------------

    def _check_context(self) -> None:
        """Drop every memo when ``k`` or ``language`` was reassigned since it was filled."""
        context = (self.k, self.language)
        if context != self._context:
            self._context = context
            self._figures = Figures(
                self.k, self._factor_items, self.questionnaire.thresholds, self._scaled
            )
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

    def _group(self, key: str, reason: Suppression | None) -> GroupExact:
        """A group's exact figures: its sums, its counting members and its reason."""
        return self._exacts.get(
            key,
            (self._versions[key], reason),
            lambda: self._figures.group(key, self._sums[key], tuple(self._members[key]), reason),
        )

    def _scores_of(self, g: GroupExact, *, intervals: bool) -> GroupScores:
        return self._scores.get(
            (g.key, intervals),
            (self._versions[g.key], g.reason),
            lambda: self._figures.scores(g, (self._spread_of(g), self._pi) if intervals else None),
        )

    def _gap_of(
        self, a: GroupExact, b: GroupExact, la: Level, lb: Level, *, intervals: bool
    ) -> tuple[Gap, dict[Factor, Fraction | None]]:
        return self._gaps.get(
            (gap_key(la, lb), intervals),
            (self._versions[a.key], self._versions[b.key]),
            lambda: self._figures.gap(
                a, b, la, lb, (self._spread_of(a), self._spread_of(b)) if intervals else None
            ),
        )

    def _item_scores_of(
        self, item: ItemLike, levels: Mapping[Level, GroupExact], published: list[Level]
    ) -> ItemScores:
        stamp = tuple(
            self._versions[(lv.value, item.id)] if lv in published else None for lv in LEVELS
        )
        return self._item_scores.get(
            item.id,
            stamp,
            lambda: self._figures.item(
                item, {lv: self._sums[lv.value][item.id] for lv in published}, levels, published
            ),
        )

    def _spread_of(self, g: GroupExact) -> dict[Factor, Spread]:
        return self._spreads.get(
            g.key, self._versions[g.key], lambda: self._figures.spread(g.members, self._pf)
        )

    def _evidence_of(self, g: GroupExact) -> _LevelEvidence:
        def compute() -> _LevelEvidence:
            sums = self._sums[g.key]
            return _LevelEvidence(
                tests=level_tests(
                    [self._pi[c] for c in g.members], self._scaled, self.questionnaire.thresholds
                ),
                item_spread={i: sums[i].variance for i in g.item_means},  # type: ignore[misc]
            )

        return self._evidence.get(g.key, self._versions[g.key], compute)

    def _recommend(
        self,
        levels: Mapping[Level, GroupExact],
        published: list[Level],
        gaps: Mapping[str, Gap],
        exact_gaps: Mapping[str, Mapping[Factor, Fraction | None]],
    ) -> tuple[Recommendation, ...]:
        board_sums = self._sums[Level.BOARD.value]
        board_front = gap_key(Level.BOARD, Level.FRONT_LINE)
        evidence = Evidence(
            published=tuple(published),
            tests={lv: self._evidence_of(levels[lv]).tests for lv in published},
            factors={lv: levels[lv].factors for lv in published},
            item_means={lv: levels[lv].item_means for lv in published},
            item_spread={lv: self._evidence_of(levels[lv]).item_spread for lv in published},
            all_factors={f: exact_all(levels, published, f) for f in FACTORS},
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
