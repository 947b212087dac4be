"""The discussion queue (facilitator, projectable) and the item spotlight.

The queue lists the statements published for both the board and the front line,
largest board - front line gap first (``domain.discussion``); the highlighted one is
shown in full beside the list. ``f`` or Enter puts it full screen (the spotlight),
where left and right walk the queue; ``a`` records an action about it.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from coherence_tui.domain.discussion import QueueEntry, why_empty
from coherence_tui.i18n import t
from coherence_tui.screens.results_view import ResultsView
from coherence_tui.services.live import LiveSession
from coherence_tui.widgets.after_reveal import entry_text, queue_row


class QueueScreen(ResultsView):
    """Statements ranked by the board - front line gap; one shown in full."""

    DEFAULT_CSS = """
    QueueScreen #queue-list { width: 26; height: 100%; border: round $panel-lighten-2; }
    QueueScreen #queue-detail { width: 1fr; height: 100%; padding: 0 2; }
    QueueScreen #view-body { padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "spotlight", "Spotlight"),
        Binding("a", "add_action", "Action"),
    ]

    def __init__(self, live: LiveSession, lang: str, *, editable: bool = True) -> None:
        super().__init__(live, lang)
        self.editable = editable
        self.entries: tuple[QueueEntry, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static("", id="view-title", markup=False)
        with Horizontal(id="view-body"):
            yield OptionList(id="queue-list")
            with VerticalScroll(id="queue-detail"):
                yield Static("", id="view-text")
        yield Static("", id="view-hint", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(OptionList).focus()

    def title_text(self) -> str:
        return t("after.queue.title", self.lang)

    def hint_text(self) -> str:
        return t("after.queue.hint", self.lang)

    def draw(self) -> None:
        after = self.live.after_reveal()
        self.entries = after.queue
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        if not self.entries:
            reason = why_empty(after.report)
            self.show_text(
                Text(t(f"after.queue.empty.{reason.value}", self.lang, k=after.report.k))
            )
            return
        options.add_options([Option(queue_row(e), id=e.item.id) for e in self.entries])
        options.highlighted = min(highlighted or 0, len(self.entries) - 1)
        self._show_entry(options.highlighted)

    def redraw(self) -> None:
        if self.hidden:
            self.entries = ()
            self.query_one(OptionList).clear_options()
        super().redraw()

    def _show_entry(self, index: int | None) -> None:
        if index is None or not self.entries:
            return
        entry = self.entries[index]
        report = self.live.after_reveal().report
        self.show_text(
            entry_text(entry, self.live.questionnaire.scale, self.lang, report.k, wide=False)
        )

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_entry(event.option_index)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.action_spotlight()

    def current(self) -> QueueEntry | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not self.entries:
            return None
        return self.entries[index]

    def action_spotlight(self) -> None:
        if self.entries:
            index = self.query_one(OptionList).highlighted or 0
            self.app.push_screen(
                SpotlightScreen(self.live, self.lang, self.entries, index, editable=self.editable)
            )

    def action_add_action(self) -> None:
        entry = self.current()
        if entry is not None and self.editable:
            from coherence_tui.screens.plan import ActionForm

            self.app.push_screen(ActionForm(self.live, self.lang, about=entry.item.id))


class SpotlightScreen(ResultsView):
    """One statement of the queue, full screen, large enough for the back of the room."""

    DEFAULT_CSS = """
    SpotlightScreen #view-body { padding: 1 4; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,up", "step(-1)", "Previous"),
        Binding("right,down", "step(1)", "Next"),
        Binding("a", "add_action", "Action"),
    ]

    def __init__(
        self,
        live: LiveSession,
        lang: str,
        entries: tuple[QueueEntry, ...],
        index: int,
        *,
        editable: bool = True,
    ) -> None:
        super().__init__(live, lang)
        self.entries = entries
        self.index = index
        self.editable = editable

    def title_text(self) -> str:
        return t("after.queue.title", self.lang)

    def hint_text(self) -> str:
        return t("after.spotlight.hint", self.lang)

    def draw_key(self) -> object:
        return (super().draw_key(), self.index)

    def draw(self) -> None:
        report = self.live.after_reveal().report
        entry = self.entries[self.index]
        self.show_text(
            entry_text(entry, self.live.questionnaire.scale, self.lang, report.k, wide=True)
        )

    def action_step(self, step: int) -> None:
        self.index = (self.index + step) % len(self.entries)
        self.redraw()

    def action_add_action(self) -> None:
        if self.editable:
            from coherence_tui.screens.plan import ActionForm

            about = self.entries[self.index].item.id
            self.app.push_screen(ActionForm(self.live, self.lang, about=about))
