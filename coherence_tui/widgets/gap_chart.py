"""Bar charts of the gaps between levels (plotext via textual-plotext).

Each chart owns its ``PlotextPlot``, and so its own plotext figure: nothing
here touches plotext's global state. Both charts draw only what they are
given; a suppressed level or gap shows no bar and says "hidden".

A chart's figure is built when its plot is drawn, for the size it is drawn at: the
first frame shows the bars at their real size (a figure built when the chart was
mounted had no size yet, and a second frame corrected it).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Literal

from rich.text import Text
from textual.app import ComposeResult, RenderResult
from textual.color import Color
from textual.geometry import Size
from textual.reactive import reactive
from textual.strip import Strip
from textual.visual import Visual, visualize
from textual.widget import Widget
from textual.widgets import Static
from textual_plotext import PlotextPlot

from coherence_tui.domain.report import Gap, Report
from coherence_tui.domain.vocabulary import FACTORS, LEVELS, Level
from coherence_tui.i18n import t
from coherence_tui.widgets.stool import signed

Metric = Literal["score", "favourable"]

LEVEL_COLOURS: dict[Level, tuple[int, int, int]] = {
    Level.BOARD: (86, 180, 233),
    Level.MANAGEMENT: (204, 121, 167),
    Level.FRONT_LINE: (230, 159, 0),
}
"""Sky blue, reddish purple and orange from the Okabe-Ito palette: the three levels stay
distinguishable for colour-blind viewers and on a washed-out projector, in any theme."""

SCORE_TICKS: list[float] = [-200, -100, 0, 100, 200]
AGREE_TICKS: list[float] = [0, 25, 50, 75, 100]
FEW_SCORE_TICKS: list[float] = [-200, 0, 200]
FEW_AGREE_TICKS: list[float] = [0, 50, 100]
MIN_CELLS_PER_TICK = 9
"""Below this many cells between ticks plotext drops some, in an order that varies between
runs (it iterates a set): the charts then use three ticks instead, so frames are stable."""


def score_tick_labels(ticks: list[float]) -> list[str]:
    return [f"{round(v):+d}" if v else "0" for v in ticks]


def _rgb(widget: Widget, variable: str) -> tuple[int, int, int]:
    colour = Color.parse(widget.app.theme_variables.get(variable, "white"))
    return colour.rgb


def snap(value: float, low: float, high: float, cells: int) -> float:
    """``value`` moved to the nearest of ``cells`` steps between ``low`` and ``high``.

    A bar can only show its value to within one cell, so a chart draws snapped values
    and is redrawn only when a snapped value changes: with thousands of answers, one
    more rarely moves a bar by a cell, and redrawing a plotext chart costs milliseconds.
    """
    step = (high - low) / max(1, cells)
    return round(value / step) * step


Figure = tuple[object, Callable[[], None]]
"""What a chart shows at one size: a key (equal exactly when the drawing is) and a
function that draws it into the plot's plotext figure."""


class Plot(PlotextPlot):
    """A ``PlotextPlot`` that asks its chart for the figure when it is drawn, and keeps
    its last frames, keyed by what they show.

    Building a plotext chart and turning its ANSI output into strips takes several
    milliseconds. A live figure often moves back and forth across a cell boundary, so
    a frame already drawn for the same key, size and theme is reused. The chart calls
    ``changed()`` whenever what it shows may have changed.
    """

    CACHE_SIZE = 32

    def __init__(self, figure: Callable[[Size], Figure | None]) -> None:
        super().__init__()
        self._figure = figure
        self._frames: OrderedDict[object, list[Strip]] = OrderedDict()
        self._frame: list[Strip] = []
        self._frame_key: object = None
        self._version = 0
        self._stamp: object = None

    def changed(self) -> None:
        """What the chart shows may have changed: draw again (if it shows differently)."""
        self._version += 1
        self.refresh()

    def render_line(self, y: int) -> Strip:
        stamp = (self._version, self.size, self.app.theme)
        if stamp != self._stamp:
            self._stamp = stamp
            self._draw()
        if y < len(self._frame):
            return self._frame[y]
        return Strip.blank(self.size.width, self.visual_style.rich_style)

    def _draw(self) -> None:
        width, height = self.size
        figure = self._figure(self.size)
        figure_key = figure[0] if figure is not None else None
        key = (figure_key, self.size, self.app.theme)
        if key == self._frame_key:
            return
        frame = self._frames.get(key) if figure is not None else None
        if frame is None:
            self.plt.clear_figure()
            if figure is not None:
                figure[1]()
            visual = visualize(self, self.render())
            frame = Visual.to_strips(self, visual, width, height, self.visual_style)
            if figure is not None:
                self._frames[key] = frame
                while len(self._frames) > self.CACHE_SIZE:
                    self._frames.popitem(last=False)
        else:
            self._frames.move_to_end(key)
        self._frame, self._frame_key = frame, key


class Line(Widget):
    """One line of text that repaints without a layout pass (unlike ``Static.update``).

    ``texts`` are alternatives, longest first: it shows the first that fits its width.
    """

    DEFAULT_CSS = """
    Line { height: 1; padding: 0 1; }
    """

    texts: reactive[tuple[Text, ...]] = reactive(tuple)

    def render(self) -> RenderResult:
        width = self.content_size.width
        for text in self.texts:
            if text.cell_len <= width:
                return text
        return self.texts[-1] if self.texts else Text()


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
        source = group.factors if metric == "score" else group.favourable_pct
        out[lv] = [float(source.get(f) or 0.0) for f in FACTORS]
    return out


class _Chart(Widget):
    """What both charts share: draw again on mount and language change."""

    lang: reactive[str] = reactive("en")
    k: reactive[int] = reactive(3)

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._drawn: object = None

    def on_mount(self) -> None:
        self._replot()

    def watch_lang(self) -> None:
        self._replot()

    def _replot(self) -> None:
        raise NotImplementedError

    def _set_title(self, title: str) -> None:
        # Setting a border title repaints the whole widget, even to the same text.
        if self.border_title != title:
            self.border_title = title


class LevelChart(_Chart):
    """Per factor, the three levels side by side (score or favourable %)."""

    DEFAULT_CSS = """
    LevelChart {
        height: 1fr;
        min-height: 10;
        border: round $panel-lighten-2;
        border-title-color: $foreground;
        layout: vertical;
    }
    LevelChart > PlotextPlot { height: 1fr; }
    """

    report: reactive[Report | None] = reactive(None, repaint=False)
    """The chart redraws itself when the bars it shows change."""
    metric: reactive[Metric] = reactive("score")

    def compose(self) -> ComposeResult:
        yield Plot(self._figure)
        yield Line(classes="legend")

    def watch_report(self) -> None:
        self._replot()

    def watch_metric(self) -> None:
        self._replot()

    def _values(self) -> dict[Level, list[float] | None] | None:
        report = self.report
        return level_values(report, self.metric) if report is not None else None

    def _figure(self, size: Size) -> Figure | None:
        """The bars at ``size``: each value snapped to the rows the plot area has there."""
        values = self._values()
        if values is None:
            return None
        low, high = (-200.0, 200.0) if self.metric == "score" else (0.0, 100.0)
        rows = max(1, size.height - 3)  # the plot area: less the frame and x labels
        snapped = {
            lv: None if v is None else [snap(x, low, high, rows) for x in v]
            for lv, v in values.items()
        }
        metric, lang = self.metric, self.lang
        key = repr((snapped, metric, lang, self.k))

        def draw() -> None:
            self._draw(snapped, metric, lang, size)

        return key, draw

    def _draw(
        self,
        values: dict[Level, list[float] | None],
        metric: Metric,
        lang: str,
        size: Size,
    ) -> None:
        plt = self.query_one(Plot).plt
        low, high = (-200.0, 200.0) if metric == "score" else (0.0, 100.0)
        names = [t(f"dash.factor.{f.value}", lang) for f in FACTORS]
        series = [v if v is not None else [0.0, 0.0, 0.0] for v in values.values()]
        colours = [LEVEL_COLOURS[lv] for lv in LEVELS]
        # plotext takes a colour per series; its type stubs only know a single colour.
        plt.multiple_bar(names, series, color=colours)  # type: ignore[arg-type]
        roomy = size.height >= 2 * len(SCORE_TICKS) + 3
        if metric == "score":
            ticks = SCORE_TICKS if roomy else FEW_SCORE_TICKS
            plt.ylim(low, high)
            plt.yticks(ticks, score_tick_labels(ticks))
            plt.horizontal_line(0)
        else:
            ticks = AGREE_TICKS if roomy else FEW_AGREE_TICKS
            plt.ylim(low, high)
            plt.yticks(ticks, [f"{round(v)}%" for v in ticks])

    def _replot(self) -> None:
        if not self.is_mounted:
            return
        self._set_title(t(f"dash.chart.levels.{self.metric}", self.lang))
        plot = self.query_one(Plot)
        figure = self._figure(plot.size)
        drawn = (figure[0] if figure is not None else None, plot.size)
        if drawn != self._drawn:
            self._drawn = drawn
            plot.changed()
        legend = self.query_one(".legend", Line)
        values = self._values()
        if values is None:
            legend.texts = ()
            return
        colours = [LEVEL_COLOURS[lv] for lv in LEVELS]
        # Alternatives, longest first: each hidden level says why, or (when that is too
        # wide) says "hidden" with the reason once at the end.
        full, short = Text(), Text()
        hidden_word = t("dash.hidden_word", self.lang)
        for lv, colour in zip(LEVELS, colours, strict=True):
            for text in (full, short):
                if text:
                    text.append("   " if text is full else "  ")
                text.append("██ ", style=f"rgb({colour[0]},{colour[1]},{colour[2]})")
                text.append(t(f"dash.level.{lv.value}", self.lang))
            if values[lv] is None:
                full.append(" " + t("dash.hidden_bar", self.lang, k=self.k), style="italic")
                short.append(f" {hidden_word}", style="italic")
        shortest = short.copy()
        if any(v is None for v in values.values()):
            short.append(f" ({t('dash.fewer_than', self.lang, k=self.k)})", style="italic")
            shortest.append(f" (<{self.k})", style="italic")
        legend.texts = (full, short, shortest)


class GapChart(_Chart):
    """The board minus front line gap per factor: horizontal bars, figures underneath."""

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
    GapChart.-hidden > .figures { display: none; }
    GapChart.-hidden > .notice { display: block; }
    """

    gap: reactive[Gap | None] = reactive(None, repaint=False)
    """The chart redraws itself when the bars it shows change."""

    def compose(self) -> ComposeResult:
        yield Plot(self._figure)
        yield Line(classes="figures")
        yield Static(classes="notice")

    def watch_gap(self) -> None:
        self._replot()

    def _names(self, lang: str) -> list[str]:
        return [t(f"dash.factor.{f.value}", lang) for f in FACTORS]

    def _figure(self, size: Size) -> Figure | None:
        """The bars at ``size``: each gap snapped to the columns the plot area has there."""
        gap = self.gap
        if gap is None or gap.suppressed:
            return None
        lang = self.lang
        names = self._names(lang)
        label_width = max(len(name) for name in names) + 1
        columns = max(1, size.width - label_width - 2)  # less the labels and the frame
        values = [snap(gap.factors.get(f) or 0.0, -200.0, 200.0, columns) for f in FACTORS]
        key = repr((values, lang))

        def draw() -> None:
            self._draw(names, values, columns)

        return key, draw

    def _draw(self, names: list[str], values: list[float], columns: int) -> None:
        plt = self.query_one(Plot).plt
        # One colour for every bar: with a colour per bar, plotext paints the cell where two
        # bars meet in an order that varies between runs. (A lone RGB tuple would be read
        # as three colour codes, hence the list, which plotext's type stubs do not know.)
        colours = [_rgb(self, "primary")] * 3
        # plotext stacks horizontal bars from the bottom: reversed, declarations is on top,
        # in stool order reading down.
        plt.bar(
            names[::-1],
            values[::-1],
            orientation="horizontal",
            width=0.4,
            color=colours,  # type: ignore[arg-type]
        )
        roomy = columns >= MIN_CELLS_PER_TICK * (len(SCORE_TICKS) - 1)
        ticks = SCORE_TICKS if roomy else FEW_SCORE_TICKS
        plt.xlim(-200, 200)
        plt.xticks(ticks, score_tick_labels(ticks))
        plt.vertical_line(0)

    def _replot(self) -> None:
        if not self.is_mounted:
            return
        self._set_title(t("dash.chart.gap", self.lang))
        gap = self.gap
        hidden = gap is None or gap.suppressed
        self.set_class(hidden, "-hidden")
        notice = self.query_one(".notice", Static)
        notice_text = "" if gap is None else t("dash.hidden_group", self.lang, k=self.k)
        if hidden:
            if str(notice.render()) != notice_text:
                notice.update(notice_text)
            self._drawn = None
            return
        assert gap is not None
        figures = [gap.factors.get(f) for f in FACTORS]
        lines = []
        for names_key in ("dash.factor", "dash.factor_short"):
            line = Text()
            for f, value in zip(FACTORS, figures, strict=True):
                if line:
                    line.append(" · ")
                line.append(t(f"{names_key}.{f.value}", self.lang) + " ")
                line.append(signed(value) if value is not None else "–", style="bold")
            lines.append(line)
        self.query_one(".figures", Line).texts = tuple(lines)
        plot = self.query_one(Plot)
        figure = self._figure(plot.size)
        drawn = (figure[0] if figure is not None else None, plot.size)
        if drawn != self._drawn:
            self._drawn = drawn
            plot.changed()
