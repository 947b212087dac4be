"""The frozen result of scoring a session: what every screen and export shows.

A ``Report`` is immutable: the dashboard gets a *new* one after each change,
and ``report --json`` prints ``Report.to_json()`` (DESIGN.md format 2), so the
room and the analyst always see the same figures. Every decision (k, the
audit, thresholds, ties) was taken on exact values before the report was
built; the floats here are for showing and writing only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from coherence_tui.domain.disclosure import Suppression
from coherence_tui.domain.stats import Interval
from coherence_tui.domain.vocabulary import FACTORS, LEVELS, Factor, Level, StoolState

REPORT_FORMAT = 2
"""The ``format`` of ``report --json``."""

ALL = "all"
"""The organisation group: every level weighted the same."""

GAP_PAIRS: tuple[tuple[Level, Level], ...] = (
    (Level.BOARD, Level.FRONT_LINE),
    (Level.BOARD, Level.MANAGEMENT),
    (Level.MANAGEMENT, Level.FRONT_LINE),
)

DEPARTMENT_PREFIX = "department:"


def department_key(name: str) -> str:
    """The group key of a department, as in ``report --json``."""
    return f"{DEPARTMENT_PREFIX}{name}"


def gap_key(a: Level, b: Level) -> str:
    return f"{a.value}-{b.value}"


def r2(value: float | Fraction | None) -> float | None:
    """Round a figure to 2 decimals for output; ``None`` stays ``None``."""
    return None if value is None else round(float(value), 2)


def r2_interval(interval: Interval | None) -> list[float] | None:
    if interval is None:
        return None
    return [round(float(interval[0]), 2), round(float(interval[1]), 2)]


@dataclass(frozen=True, slots=True)
class GroupScores:
    """Figures for one group (``all``, a level, or a department).

    When ``suppressed`` every figure is empty: only ``n`` and the reason may be shown.
    """

    key: str
    n: int
    """Participants of this group who gave any answer (don't know counts)."""
    suppressed: bool
    reason: Suppression | None = None
    factors: Mapping[Factor, float | None] = field(default_factory=dict)
    ci90: Mapping[Factor, Interval | None] = field(default_factory=dict)
    favourable_pct: Mapping[Factor, float | None] = field(default_factory=dict)
    """Mean favourable % of the items each factor score uses."""
    overall: float | None = None
    imbalance: float | None = None
    stool: StoolState | None = None
    stool_confident: bool | None = None
    """Whether the 90 % interval of the stool's widest gap lies inside the state's band."""

    @property
    def has_scores(self) -> bool:
        return not self.suppressed and self.overall is not None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"n": self.n, "suppressed": self.suppressed}
        if self.suppressed:
            if self.reason is not None:
                out["suppressed_reason"] = self.reason.value
            return out
        out["factors"] = {f.value: r2(self.factors.get(f)) for f in FACTORS}
        out["ci90"] = {f.value: r2_interval(self.ci90.get(f)) for f in FACTORS}
        out["favourable_pct"] = {f.value: r2(self.favourable_pct.get(f)) for f in FACTORS}
        out["overall"] = r2(self.overall)
        out["imbalance"] = r2(self.imbalance)
        out["stool"] = None if self.stool is None else self.stool.value
        out["stool_confident"] = self.stool_confident
        return out


@dataclass(frozen=True, slots=True)
class Gap:
    """``a`` minus ``b`` per factor and overall; suppressed unless both are publishable."""

    a: Level
    b: Level
    suppressed: bool
    factors: Mapping[Factor, float | None] = field(default_factory=dict)
    overall: float | None = None
    ci90: Mapping[Factor, Interval | None] = field(default_factory=dict)
    significant: Mapping[Factor, bool | None] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return gap_key(self.a, self.b)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"suppressed": self.suppressed}
        if self.suppressed:
            return out
        for f in FACTORS:
            out[f.value] = r2(self.factors.get(f))
        out["overall"] = r2(self.overall)
        out["ci90"] = {f.value: r2_interval(self.ci90.get(f)) for f in FACTORS}
        out["significant"] = {f.value: self.significant.get(f) for f in FACTORS}
        return out


@dataclass(frozen=True, slots=True)
class ItemFigures:
    """One item's figures within one publishable level.

    ``published`` is False when fewer than k real answers stand behind the item:
    then only the counts are shown.
    """

    n: int
    """Answers to the item, don't know included."""
    real: int
    """Answers other than don't know."""
    published: bool
    mean: float | None = None
    favourable_pct: float | None = None
    dont_know_pct: float | None = None
    distribution: tuple[int, int, int, int, int] | None = None
    """Real answers by the value as answered (before reversing), strongly disagree (-2)
    first; only when ``published`` (then at least k real answers stand behind it). Not in
    ``to_json`` (format 2 is normative); the discussion queue and the exports show it."""

    @property
    def dont_know(self) -> int:
        """Don't-know answers (``n - real``); a count, shown wherever ``n`` is."""
        return self.n - self.real

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"n": self.n, "real": self.real}
        if not self.published:
            return out
        out["mean"] = r2(self.mean)
        out["favourable_pct"] = r2(self.favourable_pct)
        out["dont_know_pct"] = r2(self.dont_know_pct)
        return out


@dataclass(frozen=True, slots=True)
class ItemScores:
    item_id: str
    factor: Factor
    area: str
    text: str
    reverse: bool
    levels: Mapping[Level, ItemFigures]
    """Publishable levels only: a level below k shows nothing per item."""
    all_mean: float | None
    all_favourable_pct: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "factor": self.factor.value,
            "area": self.area,
            "reverse": self.reverse,
            "text": self.text,
            "levels": {lv.value: self.levels[lv].to_json() for lv in LEVELS if lv in self.levels},
            "all": {"mean": r2(self.all_mean), "favourable_pct": r2(self.all_favourable_pct)},
        }


@dataclass(frozen=True, slots=True)
class Recommendation:
    """Where to intervene: a stable id, a sentence, the statements and figures behind it."""

    id: str
    text: str
    levels: tuple[Level, ...] = ()
    items: tuple[tuple[str, str], ...] = ()
    """(item id, statement text) of the statements it cites."""
    figures: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "text": self.text}
        if self.levels:
            out["levels"] = [lv.value for lv in self.levels]
        if self.items:
            out["items"] = [{"id": item_id, "text": text} for item_id, text in self.items]
        out.update(self.figures)
        return out


@dataclass(frozen=True, slots=True)
class Report:
    """Every figure of one session at one moment."""

    session: str
    questionnaire: str
    k: int
    groups: Mapping[str, GroupScores]
    """``all``, each level, each department (largest first), in that order."""
    gaps: Mapping[str, Gap]
    items: Mapping[str, ItemScores]
    recommendations: tuple[Recommendation, ...]
    participants: int
    """Participants who gave any answer."""
    answers: int
    """Answers recorded (don't know included)."""
    intervals_pending: bool = False
    """True for a report built without t quantiles (``Tally.report(intervals=False)``):
    its figures are exact and final, but intervals, stool confidence, significance and
    recommendations are not yet computed (every ``ci90``, ``stool_confident`` and
    ``significant`` is ``None``, ``recommendations`` is empty). Such a report is for a
    projector's first frame only and is never exported; ``to_json`` leaves this out."""

    def group(self, key: str | Level) -> GroupScores:
        return self.groups[key.value if isinstance(key, Level) else key]

    def level_counts(self) -> dict[Level, int]:
        return {lv: self.groups[lv.value].n for lv in LEVELS}

    def to_json(self) -> dict[str, Any]:
        """The ``report --json`` document (DESIGN.md, format 2), figures rounded to 2 decimals."""
        return {
            "format": REPORT_FORMAT,
            "session": self.session,
            "questionnaire": self.questionnaire,
            "k": self.k,
            "groups": {key: g.to_json() for key, g in self.groups.items()},
            "gaps": {key: gap.to_json() for key, gap in self.gaps.items()},
            "items": {key: it.to_json() for key, it in self.items.items()},
            "recommendations": [r.to_json() for r in self.recommendations],
        }
