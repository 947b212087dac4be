"""Where to intervene first: the report's recommendations, in the report's order."""

from __future__ import annotations

from rich.text import Text
from textual.app import RenderResult
from textual.reactive import reactive
from textual.widget import Widget

from coherence_tui.domain.report import Recommendation
from coherence_tui.i18n import t


class Recommendations(Widget):
    """A numbered list; ``limit`` caps how many show (compact layouts)."""

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
    """

    COMPONENT_CLASSES = {"recommendations--number", "recommendations--notice"}

    recommendations: reactive[tuple[Recommendation, ...]] = reactive((), layout=True)
    lang: reactive[str] = reactive("en")
    limit: reactive[int] = reactive(0, layout=True)
    """Show at most this many (0: all)."""

    def on_mount(self) -> None:
        self.border_title = t("dash.recommendations", self.lang)

    def watch_lang(self, lang: str) -> None:
        self.border_title = t("dash.recommendations", lang)

    def render(self) -> RenderResult:
        recs = self.recommendations
        if not recs:
            style = self.get_component_rich_style("recommendations--notice")
            return Text(t("dash.no_recommendations", self.lang), style=style)
        if self.limit:
            recs = recs[: self.limit]
        number = self.get_component_rich_style("recommendations--number")
        lines = [Text.assemble((f"{i}. ", number), rec.text) for i, rec in enumerate(recs, 1)]
        return Text("\n").join(lines)
