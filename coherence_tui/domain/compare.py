"""Compare a workshop with an earlier one of the same company: change per group and factor.

Two sessions *match* when their questionnaires score the same statements the same
way: the same set of item ids, and for every id the same factor and the same reverse
flag. Language, wording and order may differ (general-en and general-pl match); a
variant that adds, removes or replaces statements does not match its base, because
its factor scores average other statements. Anything else is refused with one line.

``change(G, f)`` = factor_score(G, f) now - factor_score(G, f) then, for each group
published in both reports (each level, and ``all``). For a level its 90 % interval is
Welch's over the participants' own factor scores p(x, f) of the two workshops (two
independent groups of people, as for the gaps between levels); ``all`` has no
interval, as its ci90 has none. ``significant`` = the interval excludes 0. Both sides
are published figures, so their difference discloses nothing new.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from coherence_tui.domain.model import FACTORS, LEVELS, Factor, Level, Questionnaire
from coherence_tui.domain.report import ALL, Report, r2, r2_interval
from coherence_tui.domain.stats import Interval, excludes_zero, welch_interval

COMPARED_GROUPS: tuple[str, ...] = (ALL, *(lv.value for lv in LEVELS))


def mismatch(now: Questionnaire, then: Questionnaire) -> str | None:
    """Why two questionnaires cannot be compared (one line), or ``None`` when they match."""
    a = {i.id: (i.factor, i.reverse) for i in now.items}
    b = {i.id: (i.factor, i.reverse) for i in then.items}
    only_now, only_then = sorted(set(a) - set(b)), sorted(set(b) - set(a))
    if only_now or only_then:
        parts = []
        if only_now:
            parts.append(
                f"{len(only_now)} only in {now.id} ({', '.join(only_now[:5])}"
                f"{', ...' if len(only_now) > 5 else ''})"
            )
        if only_then:
            parts.append(
                f"{len(only_then)} only in {then.id} ({', '.join(only_then[:5])}"
                f"{', ...' if len(only_then) > 5 else ''})"
            )
        return f"the questionnaires' item ids do not match: {'; '.join(parts)}"
    differ = sorted(i for i in a if a[i] != b[i])
    if differ:
        return (
            "the questionnaires score some statements differently (factor or reverse flag): "
            + ", ".join(differ[:5])
        )
    return None


@dataclass(frozen=True, slots=True)
class Change:
    """One group's change on one factor (``now`` minus ``then``)."""

    group: str
    factor: Factor
    now: float | None
    then: float | None
    change: float | None
    """``None`` unless both workshops publish the figure."""
    ci90: Interval | None
    significant: bool | None


@dataclass(frozen=True, slots=True)
class Comparison:
    """Every group's change per factor and overall."""

    session: str
    earlier: str
    changes: tuple[Change, ...]
    overall: Mapping[str, float | None]
    """Change of each group's overall score (both published), else ``None``."""

    def to_json(self) -> dict[str, object]:
        groups: dict[str, object] = {}
        for group in COMPARED_GROUPS:
            rows = [c for c in self.changes if c.group == group]
            groups[group] = {
                "factors": {
                    c.factor.value: {
                        "now": r2(c.now),
                        "then": r2(c.then),
                        "change": r2(c.change),
                        "ci90": r2_interval(c.ci90),
                        "significant": c.significant,
                    }
                    for c in rows
                },
                "overall": r2(self.overall.get(group)),
            }
        return {"session": self.session, "earlier": self.earlier, "groups": groups}


def compare(
    now: Report,
    then: Report,
    own_now: Mapping[Level, Mapping[Factor, list[float]]],
    own_then: Mapping[Level, Mapping[Factor, list[float]]],
) -> Comparison:
    """The change from ``then`` to ``now``; ``own_*`` are each level's p(x, f) values."""
    changes: list[Change] = []
    overall: dict[str, float | None] = {}
    for group in COMPARED_GROUPS:
        a, b = now.groups[group], then.groups[group]
        both = not a.suppressed and not b.suppressed
        for f in FACTORS:
            x = a.factors.get(f) if not a.suppressed else None
            y = b.factors.get(f) if not b.suppressed else None
            delta = x - y if both and x is not None and y is not None else None
            interval: Interval | None = None
            if delta is not None and group != ALL:
                level = Level(group)
                interval = welch_interval(
                    delta, own_now.get(level, {}).get(f, []), own_then.get(level, {}).get(f, [])
                )
            changes.append(Change(group, f, x, y, delta, interval, excludes_zero(interval)))
        overall[group] = (
            a.overall - b.overall
            if both and a.overall is not None and b.overall is not None
            else None
        )
    return Comparison(now.session, then.session, tuple(changes), overall)
