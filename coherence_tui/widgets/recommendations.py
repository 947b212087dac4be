"""Where to intervene first: the report's recommendations, in the report's order."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text
from textual.app import RenderResult
from textual.reactive import reactive
from textual.widget import Widget

from coherence_tui.domain.report import Recommendation
from coherence_tui.i18n import t


def hanging(text: Text, console: Console, width: int, indent: int) -> Text:
    """``text`` wrapped to ``width`` with its continuation lines indented by ``indent``
    (under the sentence after "1. ", under the statement after "   › ")."""
    if width <= indent + 10:
        return text
    lines = text.wrap(console, width)
    if len(lines) <= 1:
        return text
    start = len(lines[0].plain)
    while start < len(text.plain) and text.plain[start] == " ":
        start += 1
    head = text.divide([start])[0]
    head.rstrip()
    rest = text.divide([start])[1].wrap(console, width - indent)
    return Text("\n").join([head, *(Text(" " * indent) + line for line in rest)])


class Recommendations(Widget):
    """A numbered list, most important first, from ``start`` on.

    Only whole recommendations are shown (never one cut off mid-sentence; the first may
    drop the statements it cites). When some do not fit, the last row says how many more
    there are and which key shows them ("+4 more — press r"); when not even the first
    sentence fits, the box says only how many there are. ``limit`` caps how many show.
    """

    DEFAULT_CSS = """
    Recommendations {
        height: auto;
        max-height: 100%;
        border: round $panel-lighten-2;
        border-title-color: $accent;
        padding: 0 1;
    }
    Recommendations > .recommendations--number { color: $accent; text-style: bold; }
    Recommendations > .recommendations--notice { color: $text-muted; text-style: italic; }
    Recommendations > .recommendations--cited { color: $foreground 85%; text-style: italic; }
    """

    COMPONENT_CLASSES = {
        "recommendations--number",
        "recommendations--notice",
        "recommendations--cited",
    }

    recommendations: reactive[tuple[Recommendation, ...]] = reactive((), repaint=False)
    """Repaints only when the sentences change (their figures are whole numbers)."""
    lang: reactive[str] = reactive("en")
    limit: reactive[int] = reactive(0, layout=True)
    """Show at most this many (0: all)."""
    start: reactive[int] = reactive(0)
    """The first recommendation shown (0-based): pages through them in the full view."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.next_start = 0
        """After a render: the first recommendation not shown (the list's length if all)."""

    def on_mount(self) -> None:
        self.border_title = t("dash.recommendations", self.lang)

    def watch_lang(self, lang: str) -> None:
        self.border_title = t("dash.recommendations", lang)

    def watch_recommendations(
        self, old: tuple[Recommendation, ...], new: tuple[Recommendation, ...]
    ) -> None:
        if [(r.text, r.items) for r in old] == [(r.text, r.items) for r in new]:
            return
        # Sized by its content, the box needs a new layout; sized by the screen, a repaint
        # is enough (a layout pass redraws the whole screen).
        height = self.styles.height
        self.refresh(layout=height is None or height.is_auto)

    def render(self) -> RenderResult:
        recs = self.recommendations
        self.next_start = len(recs)
        if not recs:
            style = self.get_component_rich_style("recommendations--notice")
            return Text(t("dash.no_recommendations", self.lang), style=style)
        if self.limit:
            recs = recs[: self.limit]
        start = min(self.start, len(recs) - 1)
        number = self.get_component_rich_style("recommendations--number")
        cited = self.get_component_rich_style("recommendations--cited")
        notice = self.get_component_rich_style("recommendations--notice")
        # Each recommendation is its sentence, then one block per cited statement.
        entries: list[list[Text]] = []
        width, height = self.content_size
        console = self.app.console
        for i, rec in enumerate(recs[start:], start + 1):
            number_text = f"{i}. "
            sentence = Text.assemble((number_text, number), rec.text)
            blocks = [hanging(sentence, console, width, len(number_text))]
            for item_id, text in rec.items:
                statement = Text.assemble((f"   › {text} ", cited), (f"({item_id})", number))
                blocks.append(hanging(statement, console, width, 5))
            entries.append(blocks)
        if width <= 0 or height <= 0 or self.styles.height is None or self.styles.height.is_auto:
            # Sized by its content (the widget tests): everything shows.
            return Text("\n").join(block for blocks in entries for block in blocks)
        shown: list[Text] = []
        used = 0
        done = 0
        for index, blocks in enumerate(entries):
            rows = [len(block.wrap(console, width)) for block in blocks]
            more_after = index + 1 < len(entries)
            budget = height - (1 if more_after else 0)  # a row for the "more" marker
            if used + sum(rows) <= budget:
                shown.extend(blocks)
                used += sum(rows)
                done += 1
                continue
            if not shown:
                # The first sentence and as many of its statements as fit, whole.
                for block, block_rows in zip(blocks, rows, strict=True):
                    if used + block_rows > height - 1:
                        break
                    shown.append(block)
                    used += block_rows
                done = 1 if shown else 0
            break
        self.next_start = start + done
        left = len(recs) - self.next_start
        if not shown:
            return Text(t("dash.recs_count", self.lang, n=len(recs) - start), style=notice)
        if left:
            shown.append(Text(t("dash.recs_more", self.lang, n=left), style=notice))
        return Text("\n").join(shown)
