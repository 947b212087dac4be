"""The kiosk's statement: one statement, large and centred, with the five labelled answers.

Every answer is a key and a pointer target: a click or a tap on an option answers
with it, like its number key. With ``touch`` (browser kiosks) a "Back" target is
shown as well (the keyboard's Backspace). ``compact`` (a phone's ~40 columns) puts
each option on one line of its own, full width, so the scale labels stay whole.
Labels and statements are text, never markup.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Horizontal
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


BACK = -1
"""The option index of the "Back" target (touch kiosks)."""


class AnswerOption(Static):
    """One labelled answer; shows its key so a participant never needs the mouse.

    A click or tap posts ``Pressed`` (the statement turns it into an answer).
    """

    class Pressed(Message):
        """The option was clicked or tapped."""

        def __init__(self, option: int) -> None:
            super().__init__()
            self.option = option

    def __init__(self, option: int, *, id: str, classes: str) -> None:  # noqa: A002
        super().__init__("", id=id, classes=classes)
        self.option = option

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.Pressed(self.option))


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

    compact: reactive[bool] = reactive(False, init=False)
    """One line per option, stacked (a phone's width); else five columns side by side."""

    def __init__(
        self,
        *,
        touch: bool = False,
        back_label: str = "Back",
        id: str | None = None,  # noqa: A002 - Textual's name
    ) -> None:
        super().__init__(id=id)
        self.item_id: str | None = None
        self.touch = touch
        self.back_label = back_label
        self._labels: tuple[str, ...] = ()
        self._dont_know = ""
        self._index = 0

    def compose(self) -> ComposeResult:
        with Horizontal(id="statement-progress"):
            yield Label("", id="statement-count")
            yield ProgressBar(total=1, show_eta=False, show_percentage=False, id="statement-bar")
        with Center():
            yield Static("", id="statement-text", markup=False)
        with Center(), Horizontal(id="statement-answers"):
            for n in range(5):
                yield AnswerOption(n, id=f"answer-{n}", classes="answer")
        with Center():
            yield AnswerOption(DONT_KNOW, id=f"answer-{DONT_KNOW}", classes="answer dont-know")
        if self.touch:
            with Center():
                yield AnswerOption(BACK, id="statement-back", classes="answer back")
        yield Static("", id="statement-error")
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
        self.query_one("#statement-text", Static).update(Text(text))
        if labels != self._labels or dont_know != self._dont_know:
            self._labels = labels
            self._dont_know = dont_know
            self._paint_labels()
        self._index = index
        if self.touch:
            back = self.query_one("#statement-back", AnswerOption)
            back.update(Text(f"‹  {self.back_label}"))
            back.set_class(index <= 1, "-disabled")
        self.query_one("#statement-hint", Static).update(Text(hint))
        self.show_error("")
        self.cursor = selected
        self._paint_cursor()

    def watch_compact(self) -> None:
        self._paint_labels()

    def _paint_labels(self) -> None:
        between = "  " if self.compact else "\n"
        for n, label in enumerate(self._labels):
            option = self.query_one(f"#answer-{n}", AnswerOption)
            option.update(Text.assemble((str(n + 1), "bold"), between, label))
        dont_know = self.query_one(f"#answer-{DONT_KNOW}", AnswerOption)
        dont_know.update(Text.assemble(("0", "bold"), "  ", self._dont_know))

    def on_answer_option_pressed(self, message: AnswerOption.Pressed) -> None:
        message.stop()
        if message.option == BACK:
            self.action_back()
        else:
            self.action_answer(message.option)

    def clear(self) -> None:
        """Forget the statement on screen (between participants)."""
        self.item_id = None
        self.query_one("#statement-text", Static).update("")
        self.cursor = None
        self._paint_cursor()

    def show_error(self, message: str) -> None:
        error = self.query_one("#statement-error", Static)
        error.update(Text(message))
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
