"""The levels' figures as a bar chart (plotext via textual-plotext).

The level chart owns its ``PlotextPlot``, and so its own plotext figure: nothing here
touches plotext's global state. It draws only what it is given; a suppressed level
shows no bar and says "hidden". Its figure is built when its plot is drawn, for the size
it is drawn at: the first frame shows the bars at their real size.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult, RenderResult
from textual.geometry import Size
from textual.reactive import reactive
from textual.strip import Strip
from textual.visual import Visual, visualize
from textual.widget import Widget
from textual_plotext import PlotextPlot

from coherence_tui.domain.report import Report
from coherence_tui.domain.vocabulary import FACTORS, LEVELS, Level
from coherence_tui.i18n import t
from coherence_tui.widgets.gap_chart import Metric

LEVEL_COLOURS: dict[Level, tuple[int, int, int]] = {
    Level.BOARD: (86, 180, 233),
    Level.MANAGEMENT: (204, 121, 167),
    Level.FRONT_LINE: (230, 159, 0),
}
"""Sky blue, reddish purple and orange from the Okabe-Ito palette: the three levels stay
distinguishable for colour-blind viewers and on a washed-out projector, in any theme."""

DARK_LEVEL_COLOURS: dict[Level, tuple[int, int, int]] = {
    Level.BOARD: (0, 114, 178),
    Level.MANAGEMENT: (136, 34, 85),
    Level.FRONT_LINE: (213, 94, 0),
}
"""Blue, wine and vermillion: the same hues, dark enough to read on the white projector theme."""

LEVEL_PATTERNS: dict[Level, str] = {
    Level.BOARD: "█",
    Level.MANAGEMENT: "▒",
    Level.FRONT_LINE: "░",
}
"""With the projector theme the levels' bars also differ in pattern (solid, medium, light),
so they read apart in black and white and without colour vision."""

SCORE_TICKS: list[float] = [-200, -100, 0, 100, 200]
AGREE_TICKS: list[float] = [0, 25, 50, 75, 100]
FEW_SCORE_TICKS: list[float] = [-200, 0, 200]
FEW_AGREE_TICKS: list[float] = [0, 50, 100]


def score_tick_labels(ticks: list[float]) -> list[str]:
    return [f"{round(v):+d}" if v else "0" for v in ticks]


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
    patterns: reactive[bool] = reactive(False)
    """Tell the levels apart by pattern as well as colour (the projector theme)."""

    def compose(self) -> ComposeResult:
        yield Plot(self._figure)
        yield Line(classes="legend")

    def watch_patterns(self, patterns: bool) -> None:
        # textual-plotext registers a plotext theme per app theme once per process, from
        # the theme variables of that moment; plotext's "clear" theme draws on the
        # widget's own background instead, the same whichever app ran first.
        self.query_one(Plot).theme = "clear" if patterns else "auto"
        self._replot()

    def _styles(self) -> tuple[dict[Level, tuple[int, int, int]], dict[Level, str]]:
        """Each level's colour and bar character."""
        if self.patterns:
            return DARK_LEVEL_COLOURS, LEVEL_PATTERNS
        return LEVEL_COLOURS, dict.fromkeys(LEVELS, "█")

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
        metric, lang, patterns = self.metric, self.lang, self.patterns
        key = repr((snapped, metric, lang, self.k, patterns))

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
        level_colours, level_markers = self._styles()
        colours = [level_colours[lv] for lv in LEVELS]
        markers = [level_markers[lv] for lv in LEVELS]
        # plotext takes a colour and a marker per series; its type stubs only know one.
        plt.multiple_bar(names, series, color=colours, marker=markers)  # type: ignore[arg-type]
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
        level_colours, level_markers = self._styles()
        # Alternatives, longest first: each hidden level says why, or (when that is too
        # wide) says "hidden" with the reason once at the end.
        full, short = Text(), Text()
        hidden_word = t("dash.hidden_word", self.lang)
        for lv in LEVELS:
            colour = level_colours[lv]
            for text in (full, short):
                if text:
                    text.append("   " if text is full else "  ")
                swatch = level_markers[lv] * 2 + " "
                text.append(swatch, style=f"rgb({colour[0]},{colour[1]},{colour[2]})")
                text.append(t(f"dash.level.{lv.value}", self.lang))
            if values[lv] is None:
                full.append(" " + t("dash.hidden_bar", self.lang, k=self.k), style="italic")
                short.append(f" {hidden_word}", style="italic")
        shortest = short.copy()
        if any(v is None for v in values.values()):
            short.append(f" ({t('dash.fewer_than', self.lang, k=self.k)})", style="italic")
            shortest.append(f" (<{self.k})", style="italic")
        legend.texts = (full, short, shortest)
