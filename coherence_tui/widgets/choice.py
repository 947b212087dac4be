"""A numbered list the participant picks from with one key, a click or a tap (level, department).

Option labels (department names typed by the facilitator) are text, never markup.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static


class ChoiceOption(Static):
    """One numbered option; a click or tap picks it."""

    def __init__(self, text: Text, index: int, *, id: str) -> None:  # noqa: A002
        super().__init__(text, id=id, classes="choice")
        self.index = index

    def on_click(self, event: events.Click) -> None:
        event.stop()
        choice_list = self.parent
        if isinstance(choice_list, ChoiceList):
            choice_list.action_choose(self.index)


class BackOption(Static):
    """A tappable "Back" under the options: a click or tap asks for the previous choice."""

    def __init__(self, text: Text, *, id: str) -> None:  # noqa: A002
        super().__init__(text, id=id, classes="choice choice-back")

    def on_click(self, event: events.Click) -> None:
        event.stop()
        choice_list = self.parent
        if isinstance(choice_list, ChoiceList):
            choice_list.action_back()


class ChoiceList(Widget, can_focus=True):
    """Keys 1..9 pick an option at once; arrows move the highlight, Enter picks it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(str(n), f"choose({n - 1})", show=False) for n in range(1, 10)),
        Binding("up,left", "move(-1)", show=False),
        Binding("down,right", "move(1)", show=False),
        Binding("enter", "confirm", show=False),
        Binding("backspace", "back", show=False),
    ]

    class Back(Message):
        """Backspace: the participant wants the previous choice (the screen decides if any)."""

        def __init__(self, choice_list: ChoiceList) -> None:
            super().__init__()
            self.choice_list = choice_list

        @property
        def control(self) -> ChoiceList:
            return self.choice_list

    class Chosen(Message):
        """The participant picked option ``index`` (0-based)."""

        def __init__(self, choice_list: ChoiceList, index: int) -> None:
            super().__init__()
            self.choice_list = choice_list
            self.index = index

        @property
        def control(self) -> ChoiceList:
            return self.choice_list

    cursor: reactive[int | None] = reactive(None, init=False)

    def __init__(
        self,
        title: str,
        options: list[tuple[str, str]],
        hint: str,
        *,
        intro: str = "",
        back_label: str = "",
        id: str | None = None,  # noqa: A002 - Textual's name
    ) -> None:
        super().__init__(id=id, classes="-intro" if intro else "")
        self.intro = intro
        """A paragraph above the title (a browser kiosk opens here, with no welcome card)."""
        self.title = title
        self.options = options[:9]
        self.hint = hint
        self.back_label = back_label
        """A tappable "Back" below the options (a browser kiosk has no Backspace); none if
        empty."""

    @staticmethod
    def _option_text(n: int, label: str, detail: str) -> Text:
        text = Text.assemble((str(n + 1), "bold"), "   ", label)
        if detail:
            text.append_text(Text.assemble("\n    ", (detail, "dim")))
        return text

    def compose(self) -> ComposeResult:
        intro = Static(Text(self.intro), classes="choice-intro")
        intro.display = bool(self.intro)
        yield intro
        yield Static(Text(self.title), classes="choice-title")
        for n, (label, detail) in enumerate(self.options):
            yield ChoiceOption(self._option_text(n, label, detail), n, id=f"choice-{n}")
        if self.back_label:
            yield BackOption(Text(f"‹  {self.back_label}"), id="choice-back")
        yield Static(Text(self.hint), classes="choice-hint")

    def relabel(
        self,
        title: str,
        options: list[tuple[str, str]],
        hint: str,
        *,
        intro: str = "",
        back_label: str = "",
    ) -> None:
        """Show other words for the same options (a participant chose another language)."""
        if len(options[:9]) != len(self.options) or bool(back_label) != bool(self.back_label):
            raise ValueError("relabel keeps the options and the Back target; only words change")
        self.title, self.options, self.hint = title, options[:9], hint
        self.intro, self.back_label = intro, back_label
        self.set_class(bool(intro), "-intro")
        if not self.is_mounted:
            return
        intro_static = self.query_one(".choice-intro", Static)
        intro_static.update(Text(intro))
        intro_static.display = bool(intro)
        self.query_one(".choice-title", Static).update(Text(title))
        for n, (label, detail) in enumerate(self.options):
            self.query_one(f"#choice-{n}", ChoiceOption).update(self._option_text(n, label, detail))
        if back_label:
            self.query_one("#choice-back", BackOption).update(Text(f"‹  {back_label}"))
        self.query_one(".choice-hint", Static).update(Text(hint))

    def reset(self) -> None:
        self.cursor = None

    def watch_cursor(self, cursor: int | None) -> None:
        for n in range(len(self.options)):
            self.query_one(f"#choice-{n}", ChoiceOption).set_class(n == cursor, "-cursor")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose":
            index = parameters[0]
            return isinstance(index, int) and index < len(self.options)
        return True

    def action_choose(self, index: int) -> None:
        self.cursor = index
        self.post_message(self.Chosen(self, index))

    def action_move(self, step: int) -> None:
        if not self.options:
            return
        if self.cursor is None:
            self.cursor = 0 if step > 0 else len(self.options) - 1
        else:
            self.cursor = (self.cursor + step) % len(self.options)

    def action_confirm(self) -> None:
        if self.cursor is not None:
            self.action_choose(self.cursor)

    def action_back(self) -> None:
        self.post_message(self.Back(self))
