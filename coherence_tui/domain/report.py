"""The frozen result of scoring a session: what every screen and export shows.

A ``Report`` is immutable: the dashboard gets a *new* one after each change,
and ``report --json`` prints ``Report.to_json()``, so the room and the analyst
always see the same figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from coherence_tui.domain.model import FACTORS, LEVELS, Factor, Level, StoolState

ALL = "all"
"""The organisation group: every level weighted the same."""

GAP_PAIRS: tuple[tuple[Level, Level], ...] = (
    (Level.BOARD, Level.FRONT_LINE),
    (Level.BOARD, Level.MANAGEMENT),
    (Level.MANAGEMENT, Level.FRONT_LINE),
)


def department_key(name: str) -> str:
    """The group key of a department, as in ``report --json``."""
    return f"department:{name}"


def gap_key(a: Level, b: Level) -> str:
    return f"{a.value}-{b.value}"


def r2(value: float | None) -> float | None:
    """Round a figure to 2 decimals for output; ``None`` stays ``None``."""
    return None if value is None else round(value, 2)


@dataclass(frozen=True, slots=True)
class GroupScores:
    """Figures for one group (``all``, a level, or a department).

    When ``suppressed`` every figure is ``None``: only ``n`` may be shown.
    """

    key: str
    n: int
    """Participants of this group who gave any answer (don't know counts)."""
    suppressed: bool
    factors: Mapping[Factor, float | None]
    agree_pct: Mapping[Factor, float | None]
    """Mean of the items' agree % per factor (the dashboard's second metric)."""
    overall: float | None
    imbalance: float | None
    stool: StoolState | None

    @property
    def has_scores(self) -> bool:
        return not self.suppressed and self.overall is not None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"n": self.n, "suppressed": self.suppressed}
        if self.suppressed:
            return out
        out["factors"] = {f.value: r2(self.factors.get(f)) for f in FACTORS}
        out["overall"] = r2(self.overall)
        out["imbalance"] = r2(self.imbalance)
        out["stool"] = None if self.stool is None else self.stool.value
        out["agree_pct"] = {f.value: r2(self.agree_pct.get(f)) for f in FACTORS}
        return out


@dataclass(frozen=True, slots=True)
class Gap:
    """``a`` minus ``b`` per factor and overall; suppressed if either level is."""

    a: Level
    b: Level
    suppressed: bool
    factors: Mapping[Factor, float | None]
    overall: float | None

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
        return out


@dataclass(frozen=True, slots=True)
class ItemFigures:
    """One item's figures within one group."""

    n: int
    """Participants of the group who answered this item (don't know counts)."""
    suppressed: bool
    mean: float | None
    agree_pct: float | None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"n": self.n}
        if self.suppressed:
            out["suppressed"] = True
            return out
        out["mean"] = r2(self.mean)
        out["agree_pct"] = r2(self.agree_pct)
        return out


@dataclass(frozen=True, slots=True)
class ItemScores:
    item_id: str
    factor: Factor
    area: str
    text: str
    reverse: bool
    levels: Mapping[Level, ItemFigures]
    all: ItemFigures

    def to_json(self) -> dict[str, Any]:
        return {
            "factor": self.factor.value,
            "area": self.area,
            "levels": {lv.value: self.levels[lv].to_json() for lv in LEVELS},
            "all": self.all.to_json(),
        }


@dataclass(frozen=True, slots=True)
class Recommendation:
    """Where to intervene: a stable id, a sentence, and the figures behind it."""

    id: str
    text: str
    figures: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, **self.figures}


@dataclass(frozen=True, slots=True)
class Report:
    """Every figure of one session at one moment."""

    session: str
    questionnaire: str
    k: int
    groups: Mapping[str, GroupScores]
    """``all``, each level, each department, in that order."""
    gaps: Mapping[str, Gap]
    items: Mapping[str, ItemScores]
    recommendations: tuple[Recommendation, ...]
    participants: int
    """Participants who gave any answer."""
    answers: int
    """Answers recorded (don't know included)."""

    def group(self, key: str | Level) -> GroupScores:
        return self.groups[key.value if isinstance(key, Level) else key]

    def level_counts(self) -> dict[Level, int]:
        return {lv: self.groups[lv.value].n for lv in LEVELS}

    def to_json(self) -> dict[str, Any]:
        """The ``report --json`` document (DESIGN.md), figures rounded to 2 decimals."""
        return {
            "session": self.session,
            "questionnaire": self.questionnaire,
            "k": self.k,
            "groups": {key: g.to_json() for key, g in self.groups.items()},
            "gaps": {key: gap.to_json() for key, gap in self.gaps.items()},
            "items": {key: it.to_json() for key, it in self.items.items()},
            "recommendations": [r.to_json() for r in self.recommendations],
        }
