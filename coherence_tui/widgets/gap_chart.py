"""The board - front line gap as text bars (every size, even 80x24); the levels' chart is
in ``level_chart``.

The level chart owns its ``PlotextPlot``, and so its own plotext figure: nothing here
touches plotext's global state. Both charts draw only what they are given; a
suppressed level or gap shows no bar and says "hidden".

A chart's figure is built when its plot is drawn, for the size it is drawn at: the
first frame shows the bars at their real size (a figure built when the chart was
mounted had no size yet, and a second frame corrected it).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from rich.text import Text
from textual.reactive import reactive

from coherence_tui.domain.report import Report, gap_key
from coherence_tui.domain.vocabulary import FACTORS, Level
from coherence_tui.i18n import t
from coherence_tui.widgets.rows import TextRows
from coherence_tui.widgets.stool_picture import signed

Metric = Literal["score", "favourable"]


@dataclass(frozen=True, slots=True)
class GapFigures:
    """The board - front line gap as the dashboard shows it, in one metric.

    ``score``: the report's gap (items published for both levels). ``favourable``: each
    factor's favourable % of the board minus the front line's, in percentage points, and
    their mean; both are figures the two publishable levels already show, so the
    difference discloses nothing new. A suppressed gap carries no figure at all.
    """

    metric: Metric
    suppressed: bool
    factors: tuple[float | None, ...] = ()
    """One per factor, in stool order."""
    overall: float | None = None


def gap_figures(report: Report | None, metric: Metric) -> GapFigures | None:
    """The board - front line gap of ``report`` in ``metric`` (``None``: nothing to show)."""
    if report is None:
        return None
    gap = report.gaps.get(gap_key(Level.BOARD, Level.FRONT_LINE))
    if gap is None:
        return None
    if gap.suppressed:
        return GapFigures(metric, suppressed=True)
    if metric == "score":
        return GapFigures(metric, False, tuple(gap.factors.get(f) for f in FACTORS), gap.overall)
    board, front = report.group(Level.BOARD), report.group(Level.FRONT_LINE)
    if board.suppressed or front.suppressed:  # never with an unsuppressed gap; kept explicit
        return GapFigures(metric, suppressed=True)
    values: list[float | None] = []
    for f in FACTORS:
        a, b = board.favourable_pct.get(f), front.favourable_pct.get(f)
        values.append(None if a is None or b is None else a - b)
    shown = [v for v in values if v is not None]
    return GapFigures(metric, False, tuple(values), sum(shown) / len(shown) if shown else None)


def gap_figure(value: float | None, metric: Metric, lang: str) -> str:
    """A gap as written beside its bar: ``+104`` (score) or ``+31 pp`` (percentage points)."""
    if value is None:
        return "–"
    if metric == "score":
        return signed(value)
    return t("dash.pp", lang, value=signed(value))


def bar_cells(value: float, scale: float, half: int) -> int:
    """Cells of a bar for ``value`` on ``-scale..+scale`` with ``half`` cells a side.

    A gap that is not zero gets at least one cell, so its side is always visible.
    """
    cells = min(half, round(abs(value) / scale * half))
    return max(cells, 1) if value else 0


def gap_lines(
    figures: GapFigures, lang: str, width: int, height: int
) -> list[tuple[str, str, str, str]]:
    """The chart's rows as (label, bar, figure, kind), each label on its bar's row.

    One row per factor (a blank row between them when there is room), the overall gap
    when there is room for it too, then the scale. ``kind`` is ``"bar"``, ``"blank"`` or
    ``"axis"``; labels and figures are padded to their columns.
    """
    labels = [t(f"dash.factor.{f.value}", lang) for f in FACTORS]
    overall_label = t("dash.fig.overall", lang)
    if max(len(n) for n in [*labels, overall_label]) > 2 * width // 5:
        labels = [t(f"dash.factor_short.{f.value}", lang) for f in FACTORS]
    values = list(figures.factors)
    spaced = height >= 2 * len(FACTORS)
    with_overall = height >= 2 * len(FACTORS) + 2 and len(overall_label) <= width // 3
    if with_overall:
        labels.append(overall_label)
        values.append(figures.overall)
    name_w = max(len(n) for n in labels)
    scale = 200.0 if figures.metric == "score" else 100.0
    shown = [gap_figure(v, figures.metric, lang) for v in values]
    fig_w = max(len(x) for x in shown)
    half = max(1, (width - name_w - fig_w - 3) // 2)
    empty = " " * half + "│" + " " * half
    rows: list[tuple[str, str, str, str]] = []
    for label, value, figure in zip(labels, values, shown, strict=True):
        if rows and spaced:
            rows.append((" " * name_w, empty, " " * fig_w, "blank"))
        bar = empty
        if value is not None:
            cells = bar_cells(value, scale, half)
            if value < 0:
                bar = " " * (half - cells) + "█" * cells + "│" + " " * half
            else:
                bar = " " * half + "│" + "█" * cells + " " * (half - cells)
        rows.append((label.rjust(name_w), bar, figure.rjust(fig_w), "bar"))
    if height > len(rows):
        low = gap_figure(-scale, figures.metric, lang).split()[0]
        high = gap_figure(scale, figures.metric, lang).split()[0]
        axis = low + "0".center(2 * half + 1 - len(low) - len(high)) + high
        rows.append((" " * name_w, axis, " " * fig_w, "axis"))
    return rows


class GapChart(TextRows):
    """The board minus front line gap per factor: one text bar per factor, its name and
    figure on the same row, in the metric shown (score or favourable % points).

    Drawn as text rather than with plotext: each label sits on its bar's row at any
    size, from three rows at 80x24 to a roomy chart at 200x50. A suppressed gap says
    "hidden" and draws nothing else. As ``TextRows``, a bar that moves repaints its row.
    """

    DEFAULT_CSS = """
    GapChart {
        height: auto;
        border: round $panel-lighten-2;
        border-title-color: $foreground;
        padding: 0 1;
    }
    GapChart > .gap--label { color: $foreground 85%; }
    GapChart > .gap--bar { color: $primary; }
    GapChart > .gap--figure { color: $foreground; text-style: bold; }
    GapChart > .gap--axis { color: $text-muted; }
    GapChart > .gap--notice { color: $text-muted; text-style: italic; }
    """

    COMPONENT_CLASSES = {
        "gap--label",
        "gap--bar",
        "gap--figure",
        "gap--axis",
        "gap--notice",
    }

    report: reactive[Report | None] = reactive(None, repaint=False)
    """The report of what the room may see (``None`` while results are hidden)."""
    metric: reactive[Metric] = reactive("score", repaint=False)
    lang: reactive[str] = reactive("en", repaint=False)
    k: reactive[int] = reactive(3, repaint=False)

    def figures(self) -> GapFigures | None:
        return gap_figures(self.report, self.metric)

    def shown(self) -> object:
        figures = self.figures()
        if figures is not None and not figures.suppressed:
            # Whole numbers: a figure that does not move a shown digit does not repaint.
            figures = replace(
                figures,
                factors=tuple(None if v is None else round(v) for v in figures.factors),
                overall=None if figures.overall is None else round(figures.overall),
            )
        return (figures, self.lang, self.k)

    def _changed(self) -> None:
        title = t("dash.chart.gap", self.lang)
        if self.border_title != title:  # setting it, even unchanged, repaints the widget
            self.border_title = title
        self.update_rows()

    def on_mount(self) -> None:
        self._changed()

    def watch_report(self) -> None:
        self._changed()

    def watch_metric(self) -> None:
        self._changed()

    def watch_lang(self) -> None:
        self._changed()

    def watch_k(self) -> None:
        self._changed()

    def content_lines(self) -> list[Text]:
        figures = self.figures()
        if figures is None:
            return [Text("")]
        if figures.suppressed:
            notice = self.get_component_rich_style("gap--notice")
            return [Text(t("dash.hidden_group", self.lang, k=self.k), style=notice)]
        width = self.content_size.width or 40
        height = self.content_size.height or 3
        styles = {
            name: self.get_component_rich_style(f"gap--{name}")
            for name in ("label", "bar", "figure", "axis")
        }
        rows = gap_lines(figures, self.lang, width, height)
        lines = []
        for label, bar, figure, kind in rows:
            lines.append(
                Text.assemble(
                    (label, styles["label"]),
                    " ",
                    (bar, styles["bar" if kind == "bar" else "axis"]),
                    " ",
                    (figure, styles["figure"]),
                )
            )
        return lines[:height] if self.content_size.height else lines
