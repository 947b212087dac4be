"""The stool as a picture: which figures a group shows, and the drawing in rows of styled
text (``output.stool_drawing`` lays it out; this styles it for the screen)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text

from coherence_tui.domain.disclosure import Suppression
from coherence_tui.domain.report import ALL, GroupScores
from coherence_tui.domain.vocabulary import FACTORS, Factor, StoolState
from coherence_tui.i18n import t
from coherence_tui.output import stool_drawing
from coherence_tui.output.stool_drawing import Part
from coherence_tui.output.textreport import margin, state_text

MIN_LEG = 3
MAX_LEG = 30


def signed(value: float) -> str:
    """A figure as a signed whole number: ``+42``, ``-7``, ``+0``."""
    return f"{round(value):+d}"


def whole(value: float | None) -> int | None:
    """A figure as the whole number the screen shows (``None`` stays ``None``)."""
    return None if value is None else round(value)


def shown_group(group: GroupScores | None) -> tuple[object, ...] | None:
    """What the stool and its figures show of a group: whole numbers, state, suppression.

    With thousands of answers one more rarely moves a whole number, so widgets compare
    this, not the raw floats, and repaint only when the room would see a difference.
    """
    if group is None:
        return None
    if group.suppressed:
        return ("hidden", group.n > 0)
    return (
        group.n,
        tuple(whole(group.factors.get(f)) for f in FACTORS),
        tuple(whole(group.favourable_pct.get(f)) for f in FACTORS),
        tuple(margin(group.ci90.get(f)) for f in FACTORS),
        whole(group.overall),
        whole(group.imbalance),
        group.stool,
        group.stool_confident,
    )


def shown_stool(group: GroupScores | None) -> tuple[object, ...] | None:
    """What the stool drawing shows: factor scores, overall and state (no favourable %)."""
    if group is None:
        return None
    if group.suppressed:
        return ("hidden", group.n > 0, group.reason)
    return (
        tuple(whole(group.factors.get(f)) for f in FACTORS),
        tuple(whole(group.favourable_pct.get(f)) for f in FACTORS),
        tuple(margin(group.ci90.get(f)) for f in FACTORS),
        whole(group.overall),
        group.stool,
        group.stool_confident,
    )


def state_label(group: GroupScores, lang: str) -> str:
    """The stool state in words, with "?" when the data can't tell it from the next state."""
    if group.stool is None:
        return ""
    return state_text(group, {s: t(f"dash.state.{s.value}", lang) for s in StoolState})


def hidden_label(group: GroupScores, lang: str, k: int) -> str:
    """Why a group shows no figure: fewer than k, or it would let a small group be subtracted."""
    if group.reason is Suppression.SUBTRACTION:
        return t("dash.hidden_subtraction", lang, k=k)
    if group.key == ALL:
        return t("dash.hidden_all", lang, k=k)
    return t("dash.hidden_group", lang, k=k)


def leg_length(score: float | None, max_len: int) -> int:
    """Rows of a leg for a factor score on -200..+200 (0 when there is no score)."""
    return stool_drawing.leg_length(score, max_len)


def shortest_leg(factors: dict[Factor, float | None]) -> Factor | None:
    """The factor with the lowest score (first in stool order on a tie)."""
    keys = list(factors)
    index = stool_drawing.shortest([factors[f] for f in keys])
    return None if index is None else keys[index]


def leg_values(group: GroupScores, metric: str) -> dict[Factor, float | None]:
    """What the legs stand for: factor scores, or favourable % with ``metric="favourable"``."""
    source = group.factors if metric == "score" else group.favourable_pct
    return {f: source.get(f) for f in FACTORS}


def headline_figure(group: GroupScores, metric: str) -> str:
    """The seat's figure: the overall score, or the mean favourable % of the legs shown.

    The favourable mean is taken over the factor figures the group publishes (each of them
    passed the disclosure rules), so it reveals nothing they do not.
    """
    if metric == "score":
        return signed(group.overall if group.overall is not None else 0.0)
    shown = [v for v in leg_values(group, metric).values() if v is not None]
    return f"{round(sum(shown) / len(shown))}%" if shown else "–"


@dataclass(frozen=True, slots=True)
class StoolDrawing:
    """The stool as text lines plus the figures it shows, for the widget and for tests."""

    lines: tuple[Text, ...]
    legs: dict[Factor, int]
    shortest: Factor | None
    seat_rows: tuple[int, ...]
    """Row of the seat in each column it spans (lower row number = higher on screen)."""


@dataclass(frozen=True, slots=True)
class StoolStyles:
    seat: Style
    leg: Style
    missing: Style
    label: Style
    figure: Style
    state: Style
    floor: Style


_PLAIN = StoolStyles(*(Style() for _ in range(7)))


def draw_stool(
    group: GroupScores,
    lang: str,
    *,
    width: int,
    max_len: int,
    styles: StoolStyles = _PLAIN,
    metric: str = "score",
) -> StoolDrawing:
    """Lay the stool out in ``width`` columns with legs of at most ``max_len`` rows.

    ``group`` must have scores (not suppressed, ``overall`` not ``None``). With
    ``metric="favourable"`` every figure of the drawing is a favourable % (legs on
    0..100 %), the state and the leaning still those of the scores.
    """
    values = leg_values(group, metric)
    low, high = (-200.0, 200.0) if metric == "score" else (0.0, 100.0)
    legs = {f: stool_drawing.leg_length(v, max_len, low, high) for f, v in values.items()}
    short = shortest_leg({f: group.factors.get(f) for f in FACTORS})
    third = max(width, 24) // 3
    figures = []
    for f in FACTORS:
        value = values[f]
        if value is None:
            figures.append(t("dash.no_answers_short", lang))
        elif metric != "score":
            figures.append(f"{round(value)}%")
        else:
            figure = signed(value)
            leg_margin = margin(group.ci90.get(f))
            if leg_margin is not None and len(f"{figure} ±{leg_margin}") < third:
                figure = f"{figure} ±{leg_margin}"  # the room reads how sure each leg is
            figures.append(figure)
    if short is None:
        tilt = ""
    elif group.stool is StoolState.STABLE:
        tilt = t("dash.steady", lang)  # legs within the stable band: no leaning to name
    else:
        tilt = t("dash.leans", lang, factor=t(f"dash.factor.{short.value}", lang))
    picture = stool_drawing.draw(
        [legs[f] for f in FACTORS],
        width=width,
        max_len=max_len,
        names=[t(f"dash.factor.{f.value}", lang) for f in FACTORS],
        figures=figures,
        headline=(headline_figure(group, metric), state_label(group, lang).upper()),
        tilt=tilt,
    )
    part_styles = {
        Part.BLANK: Style(),
        Part.LEG: styles.leg,
        Part.MISSING: styles.missing,
        Part.SEAT: styles.seat,
        Part.FLOOR: styles.floor,
        Part.LABEL: styles.label,
        Part.FIGURE: styles.figure,
        Part.STATE: styles.state,
    }
    lines = tuple(
        Text.assemble(*((chars, part_styles[part]) for chars, part in line))
        for line in picture.lines
    )
    return StoolDrawing(lines, legs, short, picture.seat_rows)
