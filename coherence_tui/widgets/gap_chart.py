"""Bar charts of the gaps between levels (plotext via textual-plotext).

Each chart owns its ``PlotextPlot``, and so its own plotext figure: nothing
here touches plotext's global state. Both charts draw only what they are
given; a suppressed level or gap shows no bar and says "hidden".
"""

from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.color import Color
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static
from textual_plotext import PlotextPlot

from coherence_tui.domain.model import FACTORS, LEVELS, Level
from coherence_tui.domain.report import Gap, Report
from coherence_tui.i18n import t
from coherence_tui.widgets.stool import signed

Metric = Literal["score", "agree"]

LEVEL_COLOUR_VARIABLES: dict[Level, str] = {
    Level.BOARD: "primary",
    Level.MANAGEMENT: "secondary",
    Level.FRONT_LINE: "accent",
}
"""Theme variables that colour each level's bars (and legend swatches)."""

SCORE_TICKS = [-200, -100, 0, 100, 200]
AGREE_TICKS = [0, 25, 50, 75, 100]
FEW_SCORE_TICKS = [-200, 0, 200]
FEW_AGREE_TICKS = [0, 50, 100]
MIN_CELLS_PER_TICK = 9
"""Below this many cells between ticks plotext drops some, in an order that varies between
runs (it iterates a set): the charts then use three ticks instead, so frames are stable."""


def score_tick_labels(ticks: list[int]) -> list[str]:
    return [f"{v:+d}" if v else "0" for v in ticks]


def _rgb(widget: Widget, variable: str) -> tuple[int, int, int]:
    colour = Color.parse(widget.app.theme_variables.get(variable, "white"))
    return colour.rgb


def level_values(report: Report, metric: Metric) -> dict[Level, list[float] | None]:
    """Per level, one figure per factor in stool order; ``None`` for a suppressed level.

    A factor without answers counts as 0 (no bar).
    """
    out: dict[Level, list[float] | None] = {}
    for lv in LEVELS:
        group = report.group(lv)
        if group.suppressed:
            out[lv] = None
            continue
        source = group.factors if metric == "score" else group.agree_pct
        out[lv] = [float(source.get(f) or 0.0) for f in FACTORS]
    return out


class LevelChart(Widget):
    """Per factor, the three levels side by side (score or agree %)."""

    DEFAULT_CSS = """
    LevelChart {
        height: 1fr;
        min-height: 10;
        border: round $panel-lighten-2;
        border-title-color: $foreground;
        layout: vertical;
    }
    LevelChart > PlotextPlot { height: 1fr; }
    LevelChart > .legend { height: auto; padding: 0 1; }
    """

    report: reactive[Report | None] = reactive(None)
    metric: reactive[Metric] = reactive("score")
    lang: reactive[str] = reactive("en")
    k: reactive[int] = reactive(3)

    def compose(self) -> ComposeResult:
        yield PlotextPlot()
        yield Static(classes="legend")

    def on_mount(self) -> None:
        self._replot()

    def watch_report(self) -> None:
        self._replot()

    def on_resize(self) -> None:
        self._replot()

    def watch_metric(self) -> None:
        self._replot()

    def watch_lang(self) -> None:
        self._replot()

    def _replot(self) -> None:
        if not self.is_mounted:
            return
        plot = self.query_one(PlotextPlot)
        legend = self.query_one(".legend", Static)
        self.border_title = t(f"dash.chart.levels.{self.metric}", self.lang)
        plt = plot.plt
        plt.clear_figure()
        report = self.report
        if report is None:
            legend.update("")
            plot.refresh()
            return
        values = level_values(report, self.metric)
        names = [t(f"dash.factor.{f.value}", self.lang) for f in FACTORS]
        series = [v if v is not None else [0.0, 0.0, 0.0] for v in values.values()]
        colours = [_rgb(self, LEVEL_COLOUR_VARIABLES[lv]) for lv in LEVELS]
        plt.multiple_bar(names, series, color=colours)
        roomy = plot.size.height >= 2 * len(SCORE_TICKS) + 3
        if self.metric == "score":
            ticks = SCORE_TICKS if roomy else FEW_SCORE_TICKS
            plt.ylim(-200, 200)
            plt.yticks(ticks, score_tick_labels(ticks))
            plt.horizontal_line(0)
        else:
            ticks = AGREE_TICKS if roomy else FEW_AGREE_TICKS
            plt.ylim(0, 100)
            plt.yticks(ticks, [f"{v}%" for v in ticks])
        plot.refresh()
        text = Text()
        for lv, colour in zip(LEVELS, colours, strict=True):
            if text:
                text.append("   ")
            text.append("██ ", style=f"rgb({colour[0]},{colour[1]},{colour[2]})")
            text.append(t(f"dash.level.{lv.value}", self.lang))
            if values[lv] is None:
                text.append(" " + t("dash.hidden_bar", self.lang, k=self.k), style="italic")
        legend.update(text)


class GapChart(Widget):
    """The board minus front line gap per factor, as horizontal bars in score points."""

    DEFAULT_CSS = """
    GapChart {
        height: 1fr;
        min-height: 8;
        border: round $panel-lighten-2;
        border-title-color: $foreground;
        layout: vertical;
    }
    GapChart > PlotextPlot { height: 1fr; }
    GapChart > .notice {
        height: 1fr;
        content-align: center middle;
        color: $text-muted;
        text-style: italic;
        display: none;
    }
    GapChart.-hidden > PlotextPlot { display: none; }
    GapChart.-hidden > .notice { display: block; }
    """

    gap: reactive[Gap | None] = reactive(None)
    lang: reactive[str] = reactive("en")
    k: reactive[int] = reactive(3)

    def compose(self) -> ComposeResult:
        yield PlotextPlot()
        yield Static(classes="notice")

    def on_mount(self) -> None:
        self._replot()

    def watch_gap(self) -> None:
        self._replot()

    def on_resize(self) -> None:
        self._replot()

    def watch_lang(self) -> None:
        self._replot()

    def _replot(self) -> None:
        if not self.is_mounted:
            return
        self.border_title = t("dash.chart.gap", self.lang)
        plot = self.query_one(PlotextPlot)
        notice = self.query_one(".notice", Static)
        gap = self.gap
        plt = plot.plt
        plt.clear_figure()
        hidden = gap is None or gap.suppressed
        self.set_class(hidden, "-hidden")
        if gap is None:
            notice.update("")
            return
        if gap.suppressed:
            notice.update(t("dash.hidden_group", self.lang, k=self.k))
            return
        names = []
        values = []
        for f in FACTORS:
            value = gap.factors.get(f)
            figure = signed(value) if value is not None else "–"
            names.append(f"{t(f'dash.factor.{f.value}', self.lang)} {figure}")
            values.append(float(value or 0.0))
        # One colour for every bar: with a colour per bar, plotext paints the cell where two
        # bars meet in an order that varies between runs. (A lone RGB tuple would be read
        # as three colour codes, hence the list.)
        plt.bar(names, values, orientation="h", width=0.4, color=[_rgb(self, "primary")] * 3)
        label_width = max(len(name) for name in names) + 3
        plot_width = plot.size.width - label_width
        roomy = plot_width >= MIN_CELLS_PER_TICK * (len(SCORE_TICKS) - 1)
        ticks = SCORE_TICKS if roomy else FEW_SCORE_TICKS
        plt.xlim(-200, 200)
        plt.xticks(ticks, score_tick_labels(ticks))
        plt.vertical_line(0)
        plot.refresh()
