"""Where to intervene first: the report's recommendations, in the report's order."""

from __future__ import annotations

from rich.text import Text
from textual.app import RenderResult
from textual.reactive import reactive
from textual.widget import Widget

from coherence_tui.domain.report import Recommendation
from coherence_tui.i18n import t


class Recommendations(Widget):
    """A numbered list, most important first.

    Only whole recommendations are shown: when the box is too short for all of
    them, the later ones are left out (never one cut off mid-sentence).
    ``limit`` caps how many show at all.
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
        if not recs:
            style = self.get_component_rich_style("recommendations--notice")
            return Text(t("dash.no_recommendations", self.lang), style=style)
        if self.limit:
            recs = recs[: self.limit]
        number = self.get_component_rich_style("recommendations--number")
        cited = self.get_component_rich_style("recommendations--cited")
        # Each recommendation is its sentence, then one block per cited statement.
        entries: list[list[Text]] = []
        for i, rec in enumerate(recs, 1):
            blocks = [Text.assemble((f"{i}. ", number), rec.text)]
            for item_id, text in rec.items:
                blocks.append(Text.assemble((f"   › {text} ", cited), (f"({item_id})", number)))
            entries.append(blocks)
        width, height = self.content_size
        if width <= 0 or height <= 0 or self.styles.height is None or self.styles.height.is_auto:
            # Sized by its content (the widget tests): everything shows.
            return Text("\n").join(block for blocks in entries for block in blocks)
        # Whole blocks only, so a statement is never cut in the middle; the first
        # sentence always shows (the box is never empty).
        shown: list[Text] = []
        used = 0
        for blocks in entries:
            for block in blocks:
                rows = len(block.wrap(self.app.console, width))
                if shown and used + rows > height:
                    return Text("\n").join(shown)
                shown.append(block)
                used += rows
        return Text("\n").join(shown)
