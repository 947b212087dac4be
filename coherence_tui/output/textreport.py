"""Plain-text pictures of a report: the ASCII stool and signed gap bars.

Shared by ``report`` (through Rich), the Markdown export and anything else
that prints rather than draws. Pure functions of a ``Report``.
"""

from __future__ import annotations

from coherence_tui.domain.report import GroupScores
from coherence_tui.domain.vocabulary import FACTORS, Factor, StoolState

LEG_ROWS = 8
"""Rows of the longest leg (a score of +200)."""

FACTOR_LABELS = {
    "en": {
        Factor.DECLARATIONS: "Declarations",
        Factor.RESOURCES: "Resources",
        Factor.BEHAVIOURS: "Behaviours",
    },
    "pl": {
        Factor.DECLARATIONS: "Deklaracje",
        Factor.RESOURCES: "Zasoby",
        Factor.BEHAVIOURS: "Zachowania",
    },
}

FACTOR_SHORT_LABELS = {
    "en": {
        Factor.DECLARATIONS: "Decl.",
        Factor.RESOURCES: "Res.",
        Factor.BEHAVIOURS: "Behav.",
    },
    "pl": {
        Factor.DECLARATIONS: "Dekl.",
        Factor.RESOURCES: "Zas.",
        Factor.BEHAVIOURS: "Zach.",
    },
}
"""Column headings where the full names do not fit (the stool above spells them out)."""

STATE_LABELS = {
    "en": {StoolState.STABLE: "stable", StoolState.WOBBLY: "wobbly", StoolState.TIPPING: "tipping"},
    "pl": {
        StoolState.STABLE: "stabilny",
        StoolState.WOBBLY: "chwiejny",
        StoolState.TIPPING: "przewraca się",
    },
}


def signed(value: float | None) -> str:
    """A score as a signed whole number (``+42``, ``-7``, ``0``), or an en dash if missing."""
    if value is None:
        return "–"
    whole = round(value)
    return f"{whole:+d}" if whole else "0"


def margin(interval: tuple[float, float] | None) -> int | None:
    """Half the width of a 90 % interval as the whole number shown after ``±``."""
    return None if interval is None else round((interval[1] - interval[0]) / 2)


def margin_text(score: float | None, interval: tuple[float, float] | None) -> str:
    """A score with the margin of its 90 % interval: ``+37 ±21`` (just ``+37`` without one)."""
    if score is None:
        return "–"
    half = margin(interval)
    return signed(score) if half is None else f"{signed(score)} ±{half}"


def gap_text(gap: float | None, interval: tuple[float, float] | None) -> str:
    """A gap with its 90 % interval, ``+42 [+12, +72]``; the interval shows how sure it is."""
    if gap is None:
        return "–"
    if interval is None:
        return signed(gap)
    return f"{signed(gap)} [{signed(interval[0])}, {signed(interval[1])}]"


def percent(value: float | None) -> str:
    return "–" if value is None else f"{round(value)} %"


def state_text(group: GroupScores, states: dict[StoolState, str]) -> str:
    """The stool state in words, ``tipping?`` when the answers can't tell it from the next."""
    if group.stool is None:
        return "–"
    word = states[group.stool]
    return word + "?" if group.stool_confident is False else word


def leg_rows(score: float | None, rows: int = LEG_ROWS) -> int:
    """Leg length in rows, proportional to the score on -200..+200 (at least 1)."""
    if score is None:
        return 0
    return max(1, round((max(-200.0, min(200.0, score)) + 200) / 400 * rows))


def stool_lines(group: GroupScores, lang: str = "en", rows: int = LEG_ROWS) -> list[str]:
    """The stool as text, the dashboard's drawing (``stool_drawing``) in 39 columns."""
    from coherence_tui.output import stool_drawing

    labels = FACTOR_LABELS.get(lang, FACTOR_LABELS["en"])
    if not group.has_scores:
        return []
    state = state_text(group, STATE_LABELS.get(lang, STATE_LABELS["en"])) if group.stool else ""
    picture = stool_drawing.draw(
        [leg_rows(group.factors.get(f), rows) for f in FACTORS],
        width=39,
        max_len=rows,
        names=[labels[f] for f in FACTORS],
        figures=[signed(group.factors.get(f)) for f in FACTORS],
        headline=(signed(group.overall), state.upper()),
        tilt="",
    )
    return picture.text_lines()[:-1]


def gap_bar(value: float | None, half_width: int = 20, scale: float = 200.0) -> str:
    """A signed bar centred on ``|``: left for negative, right for positive."""
    if value is None:
        return " " * half_width + "|" + " " * half_width
    cells = min(half_width, round(abs(value) / scale * half_width))
    if value < 0:
        return " " * (half_width - cells) + "█" * cells + "|" + " " * half_width
    return " " * half_width + "|" + "█" * cells + " " * (half_width - cells)
