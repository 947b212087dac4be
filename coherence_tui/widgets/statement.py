"""The kiosk's statement: one statement, large and centred, with the five labelled answers."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Horizontal
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Label, ProgressBar, Static

OPTION_VALUES: tuple[int | None, ...] = (-2, -1, 0, 1, 2, None)
"""Answer option index -> stored value: keys 1..5 are -2..+2, the sixth (key 0) is don't know."""

DONT_KNOW = len(OPTION_VALUES) - 1


def option_of(value: int | None) -> int:
    """The option index that records ``value``."""
    return OPTION_VALUES.index(value)


class AnswerOption(Static):
    """One labelled answer; shows its key so a participant never needs the mouse."""


class Statement(Widget, can_focus=True):
    """Draws one statement and turns the key contract into ``Answered`` / ``Back`` messages.

    Keys 1-5 answer -2..+2 at once, 0 answers don't know, arrows move the highlight and
    Enter answers the highlighted option, Backspace asks to go back one statement.
    The widget never records anything itself: the kiosk screen does, durably, and only
    then shows the next statement.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(str(n), f"answer({n - 1})", show=False) for n in range(1, 6)),
        Binding("0", f"answer({DONT_KNOW})", show=False),
        Binding("left,up", "move(-1)", show=False),
        Binding("right,down", "move(1)", show=False),
        Binding("enter", "confirm", show=False),
        Binding("backspace", "back", show=False),
    ]

    class Answered(Message):
        """The participant picked an answer to the statement on screen."""

        def __init__(self, item: str, value: int | None) -> None:
            super().__init__()
            self.item = item
            self.value = value
            """-2..+2, or ``None`` for don't know."""

    class Back(Message):
        """The participant asked to go back one statement."""

    cursor: reactive[int | None] = reactive(None, init=False)
    """The highlighted option (the earlier answer when going back), ``None`` for none."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.item_id: str | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="statement-progress"):
            yield Label("", id="statement-count")
            yield ProgressBar(total=1, show_eta=False, show_percentage=False, id="statement-bar")
        with Center():
            yield Static("", id="statement-text", markup=False)
        with Center(), Horizontal(id="statement-answers"):
            for n in range(5):
                yield AnswerOption("", id=f"answer-{n}", classes="answer")
        with Center():
            yield AnswerOption("", id=f"answer-{DONT_KNOW}", classes="answer dont-know")
        yield Static("", id="statement-error", markup=False)
        yield Static("", id="statement-hint")

    def show(
        self,
        *,
        item_id: str,
        text: str,
        labels: tuple[str, ...],
        dont_know: str,
        progress: str,
        index: int,
        total: int,
        hint: str,
        selected: int | None,
    ) -> None:
        """Display statement ``index`` (1-based) of ``total``.

        ``selected`` is the option of the participant's earlier answer, shown highlighted.
        """
        self.item_id = item_id
        self.query_one("#statement-count", Label).update(progress)
        bar = self.query_one("#statement-bar", ProgressBar)
        bar.update(total=max(total, 1), progress=index - 1)
        self.query_one("#statement-text", Static).update(text)
        for n, label in enumerate(labels):
            # Labels come from the questionnaire: data, inserted literally ($label).
            self.query_one(f"#answer-{n}", AnswerOption).update(
                Content.from_markup("[b]$key[/b]\n$label", key=str(n + 1), label=label)
            )
        self.query_one(f"#answer-{DONT_KNOW}", AnswerOption).update(
            Content.from_markup("[b]0[/b]  $label", label=dont_know)
        )
        self.query_one("#statement-hint", Static).update(hint)
        self.show_error("")
        self.cursor = selected
        self._paint_cursor()

    def clear(self) -> None:
        """Forget the statement on screen (between participants)."""
        self.item_id = None
        self.query_one("#statement-text", Static).update("")
        self.cursor = None
        self._paint_cursor()

    def show_error(self, message: str) -> None:
        error = self.query_one("#statement-error", Static)
        error.update(message)
        error.display = bool(message)

    def watch_cursor(self) -> None:
        self._paint_cursor()

    def _paint_cursor(self) -> None:
        for n in range(len(OPTION_VALUES)):
            self.query_one(f"#answer-{n}", AnswerOption).set_class(n == self.cursor, "-cursor")

    def action_answer(self, option: int) -> None:
        if self.item_id is None:
            return
        self.cursor = option
        self.post_message(self.Answered(self.item_id, OPTION_VALUES[option]))

    def action_move(self, step: int) -> None:
        if self.cursor is None:
            self.cursor = 2
        else:
            self.cursor = (self.cursor + step) % len(OPTION_VALUES)

    def action_confirm(self) -> None:
        if self.cursor is not None:
            self.action_answer(self.cursor)

    def action_back(self) -> None:
        self.post_message(self.Back())
