"""A centred message card: welcome, thank-you, pause, closed."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static


class Card(Widget, can_focus=True):
    """A title, a sentence and a hint; Enter, a click or a tap posts ``Confirmed`` when
    ``confirmable``; Backspace posts ``Back`` when ``backable``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "confirm", show=False),
        Binding("backspace", "back", show=False),
    ]

    class Confirmed(Message):
        """Enter was pressed on a confirmable card."""

        def __init__(self, card: Card) -> None:
            super().__init__()
            self.card = card

        @property
        def control(self) -> Card:
            return self.card

    class Back(Message):
        """Backspace was pressed on a backable card."""

        def __init__(self, card: Card) -> None:
            super().__init__()
            self.card = card

        @property
        def control(self) -> Card:
            return self.card

    def __init__(
        self,
        title: str,
        body: str,
        hint: str = "",
        *,
        confirmable: bool = False,
        backable: bool = False,
        focus_on_mount: bool = False,
        id: str | None = None,  # noqa: A002
    ) -> None:
        super().__init__(id=id, classes="card")
        self.focus_on_mount = focus_on_mount
        """Take the keyboard once mounted (a card mounted when it is first shown)."""
        self.title = title
        self.body = body
        self.hint = hint
        self.confirmable = confirmable
        self.backable = backable

    def compose(self) -> ComposeResult:
        yield Static(Text(self.title), classes="card-title")
        yield Static(Text(self.body), classes="card-body")
        hint = Static(Text(self.hint), classes="card-hint")
        hint.display = bool(self.hint)
        yield hint

    def on_mount(self) -> None:
        # Only if its stage is still the one shown (the participant may have moved on).
        if self.focus_on_mount and self.parent is not None and self.parent.display:
            self.focus()

    def relabel(self, title: str, body: str, hint: str = "") -> None:
        """Show other words (a participant chose another language); text, never markup."""
        self.title, self.body, self.hint = title, body, hint
        if not self.is_mounted:
            return
        self.query_one(".card-title", Static).update(Text(title))
        self.query_one(".card-body", Static).update(Text(body))
        hint_static = self.query_one(".card-hint", Static)
        hint_static.update(Text(hint))
        hint_static.display = bool(hint)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "confirm":
            return self.confirmable
        if action == "back":
            return self.backable
        return True

    def on_click(self, event: events.Click) -> None:
        event.stop()
        if self.confirmable:
            self.action_confirm()

    def action_confirm(self) -> None:
        self.post_message(self.Confirmed(self))

    def action_back(self) -> None:
        self.post_message(self.Back(self))
