"""The three-legged stool: one group's factor scores drawn in ASCII.

The drawing itself is ``coherence_tui.output.stool_drawing`` (shared with ``report``): legs
on a common floor with lengths proportional to the figures, a straight seat resting on
them that tilts towards the short leg. Here it gets the theme's styles: the seat and
the card border take the state's colour (``$success`` stable, ``$warning`` wobbly,
``$error`` tipping), and the state is always written in words too.

With the metric ``favourable`` every figure of the drawing (legs, the figures under
them, the seat's figure) is a favourable %; the state and the leaning stay the scores'.

The widget draws only what it is given (a ``GroupScores``); a suppressed
group shows "hidden: fewer than k participants" and no figure at all.
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content
from textual.reactive import reactive

from coherence_tui.domain.report import GroupScores
from coherence_tui.domain.vocabulary import FACTORS, StoolState
from coherence_tui.i18n import t
from coherence_tui.output.stool_drawing import ROWS_AROUND_LEGS
from coherence_tui.output.textreport import margin_text
from coherence_tui.widgets.rows import TextRows
from coherence_tui.widgets.stool_picture import (
    MAX_LEG,
    MIN_LEG,
    StoolDrawing,
    StoolStyles,
    draw_stool,
    headline_figure,
    hidden_label,
    shown_group,
    shown_stool,
    signed,
    state_label,
    whole,
)


class Stool(TextRows):
    """The stool of one group; set ``group`` (and ``k``, ``lang``) to redraw.

    Drawn as ``TextRows``: when new figures arrive, only the rows whose text changed are
    repainted, usually the figure line and the leg labels.
    """

    DEFAULT_CSS = """
    Stool {
        height: 1fr;
        min-height: 10;
        border: round $panel-lighten-2;
        border-title-align: left;
        padding: 0 1;
    }
    Stool.-stable { border: round $success; }
    Stool.-wobbly { border: round $warning; }
    Stool.-tipping { border: round $error; }
    Stool.-hidden, Stool.-empty { border: round $panel-lighten-2; }
    Stool > .stool--stable { color: $success; text-style: bold; }
    Stool > .stool--wobbly { color: $warning; text-style: bold; }
    Stool > .stool--tipping { color: $error; text-style: bold; }
    Stool > .stool--leg { color: $foreground 70%; }
    Stool > .stool--missing { color: $foreground 40%; }
    Stool > .stool--label { color: $foreground 80%; }
    Stool > .stool--figure { color: $foreground; text-style: bold; }
    Stool > .stool--floor { color: $foreground 30%; }
    Stool > .stool--notice { color: $text-muted; text-style: italic; }
    """

    COMPONENT_CLASSES = {
        "stool--stable",
        "stool--wobbly",
        "stool--tipping",
        "stool--leg",
        "stool--missing",
        "stool--label",
        "stool--figure",
        "stool--floor",
        "stool--notice",
    }

    group: reactive[GroupScores | None] = reactive(None, repaint=False)
    """Repaints only the rows that change (see ``shown_stool``)."""
    k: reactive[int] = reactive(3, repaint=False)
    lang: reactive[str] = reactive("en", repaint=False)
    metric: reactive[str] = reactive("score", repaint=False)
    """``"score"`` or ``"favourable"``: what the legs and every figure of the drawing show."""
    title: reactive[str] = reactive("")

    FILL_HEIGHT = True

    def shown(self) -> object:
        return (shown_stool(self.group), self.k, self.lang, self.metric)

    def watch_group(self, group: GroupScores | None) -> None:
        state = group.stool if group is not None and group.has_scores else None
        for s in StoolState:
            self.set_class(state is s, f"-{s.value}")
        self.set_class(group is not None and group.suppressed, "-hidden")
        self.set_class(
            group is not None and not group.suppressed and not group.has_scores, "-empty"
        )
        self.update_rows()

    def watch_k(self) -> None:
        self.update_rows()

    def watch_lang(self) -> None:
        self.update_rows()

    def watch_metric(self) -> None:
        self.update_rows()

    def watch_title(self, title: str) -> None:
        self.border_title = Content(title)  # a department name is data, never markup

    def max_leg(self) -> int:
        """Leg length for the current height, between ``MIN_LEG`` and ``MAX_LEG`` rows."""
        return max(MIN_LEG, min(MAX_LEG, self.content_size.height - ROWS_AROUND_LEGS))

    def drawing(self) -> StoolDrawing | None:
        group = self.group
        if group is None or not group.has_scores:
            return None
        state = group.stool or StoolState.STABLE
        seat = self.get_component_rich_style(f"stool--{state.value}")
        styles = StoolStyles(
            seat=seat,
            leg=self.get_component_rich_style("stool--leg"),
            missing=self.get_component_rich_style("stool--missing"),
            label=self.get_component_rich_style("stool--label"),
            figure=self.get_component_rich_style("stool--figure"),
            state=seat,
            floor=self.get_component_rich_style("stool--floor"),
        )
        width = self.content_size.width or 40
        return draw_stool(
            group,
            self.lang,
            width=width,
            max_len=self.max_leg(),
            styles=styles,
            metric=self.metric,
        )

    def content_lines(self) -> list[Text]:
        """What the stool shows, one Text per line (not yet centred in the widget)."""
        group = self.group
        if group is None:
            return []
        width = max(1, self.content_size.width)
        if group.suppressed or not group.has_scores:
            notice = self.get_component_rich_style("stool--notice")
            message = (
                hidden_label(group, self.lang, self.k)
                if group.suppressed and group.n > 0
                else t("dash.no_answers", self.lang)
            )
            text = Text(message, style=notice, justify="center")
            return list(text.wrap(self.app.console, width))
        drawing = self.drawing()
        return list(drawing.lines) if drawing is not None else []


class StoolFigures(TextRows):
    """The stool's group in figures: each leg's score ±90 % margin and favourable %,
    overall, imbalance with the state, participants.

    ``metric`` ("score" or "favourable") picks the column in bold; ``gap_overall`` is the
    board minus front line overall gap (``None`` when suppressed or unknown).
    """

    DEFAULT_CSS = """
    StoolFigures {
        height: auto;
        border: round $panel-lighten-2;
        border-title-color: $foreground;
        padding: 0 1;
    }
    StoolFigures > .figures--label { color: $foreground 80%; }
    StoolFigures > .figures--strong { color: $foreground; text-style: bold; }
    StoolFigures > .figures--weak { color: $text-muted; }
    StoolFigures > .figures--notice { color: $text-muted; text-style: italic; }
    StoolFigures > .stool--stable { color: $success; text-style: bold; }
    StoolFigures > .stool--wobbly { color: $warning; text-style: bold; }
    StoolFigures > .stool--tipping { color: $error; text-style: bold; }
    """

    COMPONENT_CLASSES = {
        "figures--label",
        "figures--strong",
        "figures--weak",
        "figures--notice",
        "stool--stable",
        "stool--wobbly",
        "stool--tipping",
    }

    group: reactive[GroupScores | None] = reactive(None, repaint=False)
    """Repaints only the rows whose figures change (see ``shown_group``)."""
    gap_overall: reactive[float | None] = reactive(None, repaint=False)
    gap_suppressed: reactive[bool] = reactive(False, repaint=False)
    metric: reactive[str] = reactive("score", repaint=False)
    k: reactive[int] = reactive(3, repaint=False)
    lang: reactive[str] = reactive("en", repaint=False)

    def shown(self) -> object:
        return (
            shown_group(self.group),
            whole(self.gap_overall),
            self.gap_suppressed,
            self.metric,
            self.k,
            self.lang,
        )

    def watch_group(self) -> None:
        self.update_rows()

    def watch_gap_overall(self) -> None:
        self.update_rows()

    def watch_gap_suppressed(self) -> None:
        self.update_rows()

    def watch_metric(self) -> None:
        self.update_rows()

    def watch_k(self) -> None:
        self.update_rows()

    def on_mount(self) -> None:
        self.border_title = t("dash.figures", self.lang)

    def watch_lang(self, lang: str) -> None:
        self.border_title = t("dash.figures", lang)
        self.update_rows()

    def content_lines(self) -> list[Text]:
        group = self.group
        notice = self.get_component_rich_style("figures--notice")
        if group is None:
            return [Text("")]
        if group.suppressed and group.n > 0:
            return self._wrapped(Text(hidden_label(group, self.lang, self.k), style=notice))
        if not group.has_scores:
            return self._wrapped(Text(t("dash.no_answers", self.lang), style=notice))
        label = self.get_component_rich_style("figures--label")
        strong = self.get_component_rich_style("figures--strong")
        weak = self.get_component_rich_style("figures--weak")
        score_style, agree_style = (strong, weak) if self.metric == "score" else (weak, strong)
        names = {f: t(f"dash.factor.{f.value}", self.lang) for f in FACTORS}
        width = max(len(n) for n in names.values())
        width = max(
            width, len(t("dash.fig.imbalance", self.lang)), len(t("dash.fig.overall", self.lang))
        )
        lines: list[Text] = []
        scores = {f: margin_text(group.factors.get(f), group.ci90.get(f)) for f in FACTORS}
        column = max(7, *(len(v) + 1 for v in scores.values()))
        head = Text(" " * width)
        head.append(f"{t('dash.metric.score', self.lang):>{column}}", score_style)
        favourable_label = t("dash.metric.favourable", self.lang)
        fav_column = len(favourable_label) + 1
        head.append(f"{favourable_label:>{fav_column}}", agree_style)
        lines.append(head)
        for f in FACTORS:
            favourable = group.favourable_pct.get(f)
            line = Text(names[f].ljust(width), label)
            line.append(f"{scores[f]:>{column}}", score_style)
            shown = f"{round(favourable)}%" if favourable is not None else "–"
            line.append(f"{shown:>{fav_column}}", agree_style)
            lines.append(line)
        # The overall figure and the board - front line gap follow the metric; the
        # imbalance is the scores' (it decides the state), so with favourable % only
        # the state is written.
        overall_line = Text(t("dash.fig.overall", self.lang).ljust(width), label)
        overall = headline_figure(group, self.metric)
        if self.metric == "score":
            overall_line.append(f"{overall:>{column}}", strong)
        else:
            overall_line.append(" " * column + f"{overall:>{fav_column}}", strong)
        lines.append(overall_line)
        if group.imbalance is not None and group.stool is not None:
            state_style = self.get_component_rich_style(f"stool--{group.stool.value}")
            line = Text(t("dash.fig.imbalance", self.lang).ljust(width), label)
            state = state_label(group, self.lang)
            if self.metric == "score":
                line.append(f"{round(group.imbalance):>{column}}", strong)
                # The state is also the stool's headline: when the words do not fit
                # beside the figure ("przewraca się?" at 80 columns) they are left out
                # here rather than cut.
                if line.cell_len + 2 + len(state) <= (self.content_size.width or 10_000):
                    line.append("  " + state, state_style)
            else:
                line.append(" " + state, state_style)
            lines.append(line)
        line = Text(t("dash.fig.n", self.lang).ljust(width), label)
        line.append(f"{group.n:>{column}}", strong)
        lines.append(line)
        gap_label = t("dash.fig.gap_bf", self.lang)
        if self.gap_suppressed:
            lines.append(
                Text(gap_label + "  ", label)
                + Text(t("dash.hidden_bar", self.lang, k=self.k), notice)
            )
        elif self.gap_overall is not None:
            gap = signed(self.gap_overall)
            if self.metric != "score":
                gap = t("dash.pp", self.lang, value=gap)
            lines.append(Text(gap_label + "  ", label) + Text(gap, strong))
        return lines

    def _wrapped(self, text: Text) -> list[Text]:
        """A notice on as many rows as it needs at the current width."""
        width = self.content_size.width
        return list(text.wrap(self.app.console, width)) if width > 0 else [text]
