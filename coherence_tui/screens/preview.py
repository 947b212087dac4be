"""The facilitator's preview: the room's view of the results while they are still hidden.

Opened from the facilitator menu (behind the PIN) on the facilitator's own screen only;
a projector (``coherence-tui dashboard``) never shows it, it keeps saying "hidden" until
the reveal. What the preview shows is exactly what the room would see after a reveal
now: the same report (k, the subtraction audit, the batched releases), just earlier.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from coherence_tui.i18n import t
from coherence_tui.messages import LanguageChanged
from coherence_tui.screens.dashboard import DashboardScreen
from coherence_tui.services.live import LiveSession


class PreviewScreen(DashboardScreen):
    """The dashboard with results shown while hidden from the room, under a banner."""

    PREVIEW = True
    DEFAULT_CSS = """
    PreviewScreen #preview-banner {
        dock: top;
        height: 1;
        width: 100%;
        padding: 0 1;
        background: $warning;
        color: $text;
        text-style: bold;
    }
    """

    def __init__(self, live: LiveSession) -> None:
        super().__init__(live, readonly=False)

    def compose(self) -> ComposeResult:
        yield Static(t("preview.banner", self.lang), id="preview-banner", markup=False)
        yield from super().compose()

    def on_language_changed(self, message: LanguageChanged) -> None:
        super().on_language_changed(message)
        self.query_one("#preview-banner", Static).update(t("preview.banner", self.lang))
