"""The kiosk's prediction stage: one estimate of the front line's favourable %, per screen.

Shown to board and management participants after their last statement when the
session runs a prediction round (``SessionSettings.prediction_round``). Its keys
follow the statements' card: a digit answers at once (1-9 = 10 %-90 %), 0 means
"I would rather not guess", the arrows move the estimate by 5 (0-100 %) and Enter
confirms it, Backspace goes back. Like ``Statement`` it records nothing itself: it
posts ``Estimated`` and the kiosk screen writes it durably before the next one shows.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Label, Static

STEP = 5
"""How far an arrow key moves the estimate."""
START = 50
"""Where the arrows start from when no digit was pressed yet."""
BAR_CELLS = 40


class Prediction(Widget, can_focus=True):
    """Draws one predict statement and turns keys into ``Estimated`` / ``Back`` messages."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(str(n), f"estimate({n * 10})", show=False) for n in range(1, 10)),
        Binding("0", "skip", show=False),
        Binding("left,down", "move(-1)", show=False),
        Binding("right,up", "move(1)", show=False),
        Binding("enter", "confirm", show=False),
        Binding("backspace", "back", show=False),
    ]

    class Estimated(Message):
        """The participant gave (or declined to give) an estimate for the statement shown."""

        def __init__(self, item: str, value: int | None) -> None:
            super().__init__()
            self.item = item
            self.value = value
            """0..100, or ``None``: the participant would rather not guess."""

    class Back(Message):
        """The participant asked to go back one step."""

    value: reactive[int | None] = reactive(None, init=False)
    """The estimate on screen (moved with the arrows), ``None`` before any key."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.item_id: str | None = None

    def compose(self) -> ComposeResult:
        yield Label("", id="prediction-count")
        with Center():
            yield Static("", id="prediction-question")
        with Center():
            yield Static("", id="prediction-text", markup=False)
        with Center():
            yield Static("", id="prediction-value")
        yield Static("", id="prediction-hint")

    def show(
        self,
        *,
        item_id: str,
        text: str,
        question: str,
        progress: str,
        hint: str,
        value: int | None,
    ) -> None:
        """Display one predict statement; ``value`` is an earlier estimate, if any."""
        self.item_id = item_id
        self.query_one("#prediction-count", Label).update(progress)
        self.query_one("#prediction-question", Static).update(question)
        self.query_one("#prediction-text", Static).update(text)
        self.query_one("#prediction-hint", Static).update(hint)
        self.value = value
        self._paint()

    def clear(self) -> None:
        """Forget the statement on screen (between participants)."""
        self.item_id = None
        self.value = None
        self.query_one("#prediction-text", Static).update("")
        self._paint()

    def watch_value(self) -> None:
        self._paint()

    def _paint(self) -> None:
        value = self.value
        if value is None:
            bar = "·" * BAR_CELLS
            shown = "– %"
        else:
            filled = round(value / 100 * BAR_CELLS)
            bar = "█" * filled + "·" * (BAR_CELLS - filled)
            shown = f"{value} %"
        self.query_one("#prediction-value", Static).update(f"{bar}  {shown}")

    def action_estimate(self, value: int) -> None:
        if self.item_id is None:
            return
        self.value = value
        self.post_message(self.Estimated(self.item_id, value))

    def action_skip(self) -> None:
        if self.item_id is not None:
            self.post_message(self.Estimated(self.item_id, None))

    def action_move(self, step: int) -> None:
        current = START if self.value is None else self.value + step * STEP
        self.value = max(0, min(100, current))

    def action_confirm(self) -> None:
        if self.value is not None:
            self.action_estimate(self.value)

    def action_back(self) -> None:
        self.post_message(self.Back())
