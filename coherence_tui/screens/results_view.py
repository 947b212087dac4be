"""The frame every after-the-reveal view shares: a title, a scrolling body, a key hint.

A view draws what the room may see (``LiveSession.after_reveal``: the room's batches,
the report's disclosure), and nothing at all while results are hidden from the room.
It polls the session like the dashboard and redraws only when the figures changed.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from coherence_tui.i18n import t
from coherence_tui.services.live import LiveSession
from coherence_tui.storage.store import SessionError

POLL_SECONDS = 0.5


class ResultsView(Screen[None]):
    """Base of the queue, predictions, chain, comparison, plan and closing screens."""

    DEFAULT_CSS = """
    ResultsView { layout: vertical; }
    ResultsView #view-title { height: 1; background: $panel; color: $accent;
                              text-style: bold; padding: 0 1; }
    ResultsView #view-body { height: 1fr; padding: 1 2; }
    ResultsView #view-hint { height: 1; background: $panel; color: $text-muted; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Back", show=False)]

    needs_reveal = True
    """Whether the view shows results (then nothing while they are hidden from the room)."""

    def __init__(self, live: LiveSession, lang: str) -> None:
        super().__init__()
        self.live = live
        self.lang = lang
        self._drawn: object = None

    def compose(self) -> ComposeResult:
        yield Static("", id="view-title", markup=False)
        with VerticalScroll(id="view-body"):
            yield from self.compose_body()
        yield Static("", id="view-hint", markup=False)

    def compose_body(self) -> ComposeResult:
        yield Static("", id="view-text")

    def on_mount(self) -> None:
        self.query_one("#view-title", Static).update(self.title_text())
        self.query_one("#view-hint", Static).update(self.hint_text())
        self.redraw()
        self.set_interval(POLL_SECONDS, self._poll)

    def _poll(self) -> None:
        try:
            self.live.poll()
        except SessionError:
            return
        self.redraw()

    @property
    def hidden(self) -> bool:
        return self.needs_reveal and not self.live.state.revealed

    def redraw(self) -> None:
        """Draw again when what the view shows changed (``draw_key``)."""
        key = ("hidden",) if self.hidden else self.draw_key()
        if key == self._drawn:
            return
        self._drawn = key
        if self.hidden:
            self.show_text(Text(t("after.hidden", self.lang), style="italic"))
        else:
            self.draw()

    def show_text(self, text: Text) -> None:
        self.query_one("#view-text", Static).update(text)

    def draw_key(self) -> object:
        """What the drawing depends on; the view redraws when it changes."""
        after = self.live.after_reveal()
        return (id(after), self.live.state)

    def title_text(self) -> str:
        raise NotImplementedError

    def hint_text(self) -> str:
        return t("after.back", self.lang) + ": Escape"

    def draw(self) -> None:
        raise NotImplementedError

    def action_close(self) -> None:
        self.dismiss()
