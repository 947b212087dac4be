"""The join code on the projector: a QR code of the participant URL, the URL, the count.

Shown while ``coherence-tui serve`` serves the session (the screen gives it the
sidecar's URL and counts); the QR code is drawn light on dark with half blocks,
so it scans from a projector at 80x24 and up. The URL is text, never markup.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from coherence_tui.i18n import t

QR_STYLE = Style(color="#ffffff", bgcolor="#000000")
"""Fixed colours, whatever the theme: a scanner needs dark modules on a light ground."""


class JoinCode(Widget):
    """The room's join code; draws what it is given."""

    DEFAULT_CSS = """
    JoinCode {
        dock: right;
        width: 37;
        height: 100%;
        padding: 0 1;
        background: $surface;
        color: $foreground;
    }
    JoinCode > .join-code--title { color: $accent; text-style: bold; }
    JoinCode > .join-code--muted { color: $text-muted; }
    """

    COMPONENT_CLASSES = {"join-code--title", "join-code--muted"}

    url: reactive[str] = reactive("")
    kiosks: reactive[int] = reactive(0)
    max_kiosks: reactive[int] = reactive(0)
    lang: reactive[str] = reactive("en")

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._qr_for = ""
        self._qr: list[str] = []

    def lines(self) -> list[str]:
        """The QR code's rows for the current URL (computed once per URL)."""
        if self.url != self._qr_for:
            from coherence_tui.serve.qr import qr_lines  # segno: only once a server runs

            self._qr_for = self.url
            self._qr = qr_lines(self.url) if self.url else []
        return self._qr

    def render(self) -> RenderableType:
        if not self.url:
            return Text("")
        title = self.get_component_rich_style("join-code--title")
        muted = self.get_component_rich_style("join-code--muted")
        qr = Text("\n".join(self.lines()), style=QR_STYLE, no_wrap=True, overflow="crop")
        count = t("dash.join.kiosks", self.lang, n=self.kiosks, max=self.max_kiosks)
        return Group(
            Text(t("dash.join.title", self.lang), style=title, justify="center"),
            qr,
            Text(self.url, overflow="fold", justify="center"),
            Text(count, style=muted, justify="center"),
        )
