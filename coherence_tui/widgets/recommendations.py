"""Where to intervene first: the report's recommendations, in the report's order."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text
from textual.reactive import reactive

from coherence_tui.domain.report import Recommendation
from coherence_tui.i18n import t
from coherence_tui.widgets.rows import TextRows


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


class Recommendations(TextRows):
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
    lang: reactive[str] = reactive("en", repaint=False)
    limit: reactive[int] = reactive(0, repaint=False)
    """Show at most this many (0: all)."""
    start: reactive[int] = reactive(0, repaint=False)
    """The first recommendation shown (0-based): pages through them in the full view."""
    pending: reactive[bool] = reactive(False, repaint=False)
    """The evidence behind them is still being weighed (a projector's first frame)."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.next_start = 0
        """After the rows are built: the first recommendation not shown (all: the count)."""
        self._wrapped: dict[object, list[list[Text]]] = {}
        """The rows of each recommendation shown last time (see ``content_lines``)."""

    def shown(self) -> object:
        sentences = tuple((r.text, r.items) for r in self.recommendations)
        return (sentences, self.lang, self.limit, self.start, self.pending)

    def on_mount(self) -> None:
        self.border_title = t("dash.recommendations", self.lang)

    def watch_lang(self, lang: str) -> None:
        self.border_title = t("dash.recommendations", lang)
        self.update_rows()

    def watch_recommendations(self) -> None:
        self.update_rows()

    def watch_limit(self) -> None:
        self.update_rows()

    def watch_start(self) -> None:
        self.update_rows()

    def watch_pending(self) -> None:
        self.update_rows()

    def content_lines(self) -> list[Text]:
        recs = self.recommendations
        self.next_start = len(recs)
        console = self.app.console
        width, height = self.content_size
        if not recs:
            style = self.get_component_rich_style("recommendations--notice")
            key = "dash.recs_pending" if self.pending else "dash.no_recommendations"
            return _rows(Text(t(key, self.lang), style=style), console, width)
        if self.limit:
            recs = recs[: self.limit]
        start = min(self.start, len(recs) - 1)
        number = self.get_component_rich_style("recommendations--number")
        cited = self.get_component_rich_style("recommendations--cited")
        notice = self.get_component_rich_style("recommendations--notice")
        # Each recommendation is its sentence, then one block of rows per cited statement.
        # Wrapping is most of the cost, and a new report usually changes one sentence:
        # the others' rows are kept (by number, text, width and styles).
        wrapped: dict[object, list[list[Text]]] = {}
        entries: list[list[list[Text]]] = []
        for i, rec in enumerate(recs[start:], start + 1):
            slot = (i, rec.text, rec.items, width, number, cited)
            blocks = self._wrapped.get(slot)
            if blocks is None:
                number_text = f"{i}. "
                sentence = Text.assemble((number_text, number), rec.text)
                blocks = [
                    _rows(hanging(sentence, console, width, len(number_text)), console, width)
                ]
                for item_id, text in rec.items:
                    statement = Text.assemble((f"   › {text} ", cited), (f"({item_id})", number))
                    blocks.append(_rows(hanging(statement, console, width, 5), console, width))
            wrapped[slot] = blocks
            entries.append(blocks)
        self._wrapped = wrapped
        if width <= 0 or height <= 0 or self._sized_by_rows():
            # Sized by its content (the widget tests): everything shows.
            return [row for blocks in entries for block in blocks for row in block]
        shown: list[Text] = []
        done = 0
        for index, blocks in enumerate(entries):
            more_after = index + 1 < len(entries)
            budget = height - (1 if more_after else 0)  # a row for the "more" marker
            if len(shown) + sum(len(block) for block in blocks) <= budget:
                shown.extend(row for block in blocks for row in block)
                done += 1
                continue
            if not shown:
                # The first sentence and as many of its statements as fit, whole.
                for block in blocks:
                    if len(shown) + len(block) > height - 1:
                        break
                    shown.extend(block)
                done = 1 if shown else 0
            break
        self.next_start = start + done
        left = len(recs) - self.next_start
        if not shown:
            return [Text(t("dash.recs_count", self.lang, n=len(recs) - start), style=notice)]
        if left:
            shown.append(Text(t("dash.recs_more", self.lang, n=left), style=notice))
        return shown


def _rows(text: Text, console: Console, width: int) -> list[Text]:
    """``text`` as the rows it takes at ``width`` (its own line breaks kept)."""
    if width <= 0:
        return [text]
    return list(text.wrap(console, width))
