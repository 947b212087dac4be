"""The kiosk's statement: one statement, large and centred, with the five labelled answers.

Every answer is a key and a pointer target: a click or a tap on an option answers
with it, like its number key. With ``touch`` (browser kiosks) a "Back" target is
shown as well (the keyboard's Backspace). ``compact`` (a phone's ~40 columns) puts
each option on one line of its own, full width, so the scale labels stay whole.
Labels and statements are text, never markup.

Drawn for speed as well as for people: moving to the next statement changes only what
differs (the counter, the bar, the statement's text, the highlighted answer) and asks
for a new layout only when a size can change (the statement needs more or fewer
lines), so each answer costs one frame and, mostly, no layout pass.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Horizontal
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.visual import visualize
from textual.widget import Widget
from textual.widgets import Label, ProgressBar, Static

if TYPE_CHECKING:
    from textual.css.styles import RulesMap

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
        self._shown: dict[str, object] = {}
        """What each part shows now, so ``show`` touches only what changes."""

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
        yield Static("", id="statement-error", markup=False)
        yield Static("", id="statement-hint", markup=False)

    def on_mount(self) -> None:
        self._count = self.query_one("#statement-count", Label)
        self._bar = self.query_one("#statement-bar", ProgressBar)
        self._text = self.query_one("#statement-text", Static)
        self._options = [
            self.query_one(f"#answer-{n}", AnswerOption) for n in range(len(OPTION_VALUES))
        ]
        self._error = self.query_one("#statement-error", Static)
        self._error.display = False
        self._hint = self.query_one("#statement-hint", Static)

    def _set(self, part: str, widget: Static, text: str | Content) -> None:
        """Show ``text`` in ``widget`` unless it already does; lay out only if its height
        (at its width now) changes."""
        if self._shown.get(part) == text:
            return
        width = widget.content_size.width
        # Textual measures with the widget's styles too; they answer the rules' .get().
        styles = cast("RulesMap", widget.styles)
        old = visualize(widget, self._shown.get(part, ""), markup=False)
        new = visualize(widget, text, markup=False)
        fixed_width = widget.styles.width is not None and not widget.styles.width.is_auto
        same_size = (
            width > 0
            and old.get_height(styles, width) == new.get_height(styles, width)
            and (
                fixed_width or old.get_optimal_width(styles, 0) == new.get_optimal_width(styles, 0)
            )
        )
        self._shown[part] = text
        widget.update(text, layout=not same_size)

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
        self._set("count", self._count, progress)
        bar = self._bar
        if (bar.total, bar.progress) != (max(total, 1), index - 1):
            bar.update(total=max(total, 1), progress=index - 1)
        self._set("text", self._text, text)
        if labels != self._labels or dont_know != self._dont_know:
            self._labels = labels
            self._dont_know = dont_know
            self._paint_labels()
        self._index = index
        if self.touch:
            back = self.query_one("#statement-back", AnswerOption)
            self._set("back", back, f"‹  {self.back_label}")
            back.set_class(index <= 1, "-disabled")
        self._set("hint", self._hint, hint)
        self.show_error("")
        self.cursor = selected

    def watch_compact(self) -> None:
        self._paint_labels()

    def _paint_labels(self) -> None:
        if not self.is_mounted:
            return
        between = "  " if self.compact else "\n"
        for n, label in enumerate(self._labels):
            # Labels come from the questionnaire: data, inserted literally ($label).
            option = Content.from_markup(f"[b]$key[/b]{between}$label", key=str(n + 1), label=label)
            self._set(f"answer-{n}", self._options[n], option)
        self._set(
            f"answer-{DONT_KNOW}",
            self._options[DONT_KNOW],
            Content.from_markup("[b]0[/b]  $label", label=self._dont_know),
        )

    def on_answer_option_pressed(self, message: AnswerOption.Pressed) -> None:
        message.stop()
        if message.option == BACK:
            self.action_back()
        else:
            self.action_answer(message.option)

    def clear(self) -> None:
        """Forget the statement on screen (between participants)."""
        self.item_id = None
        self._set("text", self._text, "")
        self.cursor = None

    def show_error(self, message: str, *, option: int | None = None) -> None:
        """Say why the answer was not saved (``""`` hides it); ``option`` is the one tried."""
        if message or self._shown.get("error"):
            self._shown["error"] = message
            self._error.update(message)
            self._error.display = bool(message)
        if message and option is not None:
            self.cursor = option

    def watch_cursor(self, old: int | None, new: int | None) -> None:
        # Only the two options that change; the highlight is an outline, drawn over the
        # border without a layout pass.
        if old is not None:
            self._options[old].remove_class("-cursor")
        if new is not None:
            self._options[new].add_class("-cursor")

    def action_answer(self, option: int) -> None:
        # Nothing is drawn here: the kiosk saves the answer and shows the next statement in
        # the same frame (or, if it could not save, says so with this option highlighted).
        if self.item_id is None:
            return
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
