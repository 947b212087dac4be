"""The participant kiosk: welcome -> level -> department -> statements -> thank you.

The screen owns the flow; its widgets (``Card``, ``ChoiceList``, ``Statement``) own the
drawing and the key contract, and post messages the screen acts on. Exactly one stage
widget is visible and focused at a time, so a key only means what the printed key card
says it means on that stage; everything else falls through to nothing.

Durability: an answer is written with ``LiveSession.record_answer`` (durable on return)
before the next statement is shown, so "shown" means "saved".

Anonymity between participants: the thank-you screen and the welcome screen hold no
reference to the previous participant; their code, answers and position are dropped
the moment the thank-you screen appears, and Backspace only ever walks back through
the current participant's own statements.
"""

from __future__ import annotations

from typing import ClassVar

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Center
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import ContentSwitcher, Static

from coherence_tui.app import CoherenceApp
from coherence_tui.domain.vocabulary import LEVELS, Level, Participant
from coherence_tui.head import Statement as StatementText
from coherence_tui.i18n import t
from coherence_tui.live import LiveSession
from coherence_tui.screens.sizing import breakpoint_classes
from coherence_tui.store import SessionEnded, SessionError
from coherence_tui.widgets.card import Card
from coherence_tui.widgets.choice import ChoiceList
from coherence_tui.widgets.statement import Statement, option_of

THANKS_SECONDS = 5.0
POLL_SECONDS = 0.5
SECONDS_PER_STATEMENT = 10
"""What a participant needs per statement, for the estimate on the welcome screen."""

STAGE_WIDGETS: dict[str, str] = {
    "welcome": "#welcome-card",
    "level": "#level-choice",
    "department": "#department-choice",
    "statement": "#statement",
    "thanks": "#thanks-card",
    "paused": "#paused-card",
    "closed": "#closed-card",
}
"""Each stage and the one widget that has the keyboard while it shows."""


class KioskScreen(Screen[None]):
    """One participant at a time answers every statement; see the module docstring."""

    app = getters.app(CoherenceApp)
    AUTO_FOCUS = None
    BINDINGS: ClassVar[list[BindingType]] = []
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]

    def __init__(self, live: LiveSession) -> None:
        size = self.app.size
        super().__init__(
            id="kiosk",
            classes=breakpoint_classes(
                size, self.HORIZONTAL_BREAKPOINTS, self.VERTICAL_BREAKPOINTS
            ),
        )
        self.live = live
        self.lang = self.app.lang
        # Plain values from the session's head: a kiosk never builds the pydantic models.
        self.items: tuple[StatementText, ...] = live.head.statements
        self.participant: Participant | None = None
        self.position = 0
        """Index of the statement on screen for the current participant."""
        self._answers: dict[str, int | None] = {}
        """The current participant's own answers, as recorded (kept here: O(1) per key press)."""
        self.stage = "welcome"
        self._flow_stage = "welcome"
        """Where the participant is, kept while a pause or closed card covers it."""
        self._level: Level | None = None
        self._thanks_timer: Timer | None = None

    # -- drawing -------------------------------------------------------------

    def compose(self) -> ComposeResult:
        lang = self.lang
        yield Static(self.live.head.title, id="kiosk-title", markup=False)
        with ContentSwitcher(initial="welcome", id="kiosk-stages"):
            yield Center(
                Card(
                    t("kiosk.welcome.title", lang),
                    t("kiosk.welcome.body", lang)
                    + "\n\n"
                    + t(
                        "kiosk.welcome.count",
                        lang,
                        count=len(self.items),
                        minutes=max(1, round(len(self.items) * SECONDS_PER_STATEMENT / 60)),
                    ),
                    t("kiosk.welcome.start", lang),
                    confirmable=True,
                    id="welcome-card",
                ),
                id="welcome",
            )
            yield Center(
                ChoiceList(
                    t("kiosk.level.title", lang),
                    [
                        (
                            t(f"kiosk.level.{lv.value}", lang),
                            t(f"kiosk.level.{lv.value}.hint", lang),
                        )
                        for lv in LEVELS
                    ],
                    t("kiosk.choice.hint", lang),
                    id="level-choice",
                ),
                id="level",
            )
            yield Center(
                ChoiceList(
                    t("kiosk.department.title", lang),
                    [(name, "") for name in self.live.head.departments],
                    t("kiosk.choice.hint", lang),
                    id="department-choice",
                ),
                id="department",
            )
            yield Statement(id="statement")
            yield Center(
                Card(
                    t("kiosk.thanks.title", lang),
                    t("kiosk.thanks.body", lang),
                    t("kiosk.thanks.hint", lang),
                    confirmable=True,
                    id="thanks-card",
                ),
                id="thanks",
            )
            yield Center(
                Card(t("kiosk.paused.title", lang), t("kiosk.paused.body", lang), id="paused-card"),
                id="paused",
            )
            yield Center(
                Card(t("kiosk.closed.title", lang), t("kiosk.closed.body", lang), id="closed-card"),
                id="closed",
            )

    def on_mount(self) -> None:
        self.set_interval(POLL_SECONDS, self._poll)
        self._show("welcome")
        self._apply_state()

    def _show(self, stage: str) -> None:
        """Switch to ``stage`` and give its widget the keyboard."""
        self.stage = stage
        if stage not in ("paused", "closed"):
            self._flow_stage = stage
        self.query_one("#kiosk-stages", ContentSwitcher).current = stage
        self.set_focus(self.query_one(STAGE_WIDGETS[stage]))

    # -- session state (pause / end, possibly set by another process) --------------

    def _poll(self) -> None:
        if not self.is_current:
            return
        self.live.poll()
        self._apply_state()
        stage_widget = self.query_one(STAGE_WIDGETS[self.stage])
        if self.focused is not stage_widget:
            self.set_focus(stage_widget)  # the keyboard never ends up nowhere

    async def on_screen_resume(self) -> None:
        if self.lang != self.app.lang and self.participant is None:
            # The facilitator switched language: relabel by composing afresh (no one is mid-way).
            self.lang = self.app.lang
            await self.recompose()
            self.stage = self._flow_stage = "welcome"
        self._apply_state()
        self._show(self.stage)

    def _apply_state(self) -> None:
        state = self.live.head
        if state.ended:
            if self.stage != "closed":
                self._show("closed")
        elif state.paused:
            if self.stage != "paused":
                self._show("paused")
        elif self.stage in ("paused", "closed"):
            self._show(self._flow_stage)

    # -- the participant's flow ---------------------------------------------------

    @on(Card.Confirmed, "#welcome-card")
    def start(self) -> None:
        self.query_one("#level-choice", ChoiceList).reset()
        self._show("level")

    @on(ChoiceList.Chosen, "#level-choice")
    def choose_level(self, event: ChoiceList.Chosen) -> None:
        self._level = LEVELS[event.index]
        if self.live.head.departments:
            self.query_one("#department-choice", ChoiceList).reset()
            self._show("department")
        else:
            self._begin(None)

    @on(ChoiceList.Chosen, "#department-choice")
    def choose_department(self, event: ChoiceList.Chosen) -> None:
        self._begin(self.live.head.departments[event.index])

    def _begin(self, department: str | None) -> None:
        assert self._level is not None
        if self._refuses_answers():
            return
        try:
            self.participant = self.live.start_participant(self._level, department)
            self._answers = {}
        except SessionEnded:
            self._show("closed")
            return
        self.position = 0
        self._show_statement(selected=None)
        self._show("statement")

    def _refuses_answers(self) -> bool:
        """Pick up a pause or end set elsewhere before writing; True if it covers the kiosk."""
        self.live.poll()
        self._apply_state()
        return self.stage in ("paused", "closed")

    def _show_statement(self, *, selected: int | None) -> None:
        item = self.items[self.position]
        head = self.live.head
        self.query_one(Statement).show(
            item_id=item.id,
            text=item.text,
            labels=head.scale_labels,
            dont_know=head.dont_know,
            progress=t(
                "kiosk.statement.progress",
                self.lang,
                # As wide as the total, so the counter keeps its width (no layout pass).
                index=str(self.position + 1).rjust(len(str(len(self.items)))),
                total=len(self.items),
            ),
            index=self.position + 1,
            total=len(self.items),
            hint=t("kiosk.statement.hint", self.lang),
            selected=selected,
        )

    @on(Statement.Answered)
    def record(self, event: Statement.Answered) -> None:
        participant = self.participant
        if participant is None or event.item != self.items[self.position].id:
            return
        if self._refuses_answers():
            return
        try:
            self.live.record_answer(participant.code, event.item, event.value)
            self._answers[event.item] = event.value
        except SessionEnded:
            self._show("closed")
            return
        except SessionError as error:
            self.query_one(Statement).show_error(
                t("kiosk.statement.error", self.lang, error=error), option=option_of(event.value)
            )
            return
        self.position += 1
        if self.position < len(self.items):
            self._show_statement(selected=self._earlier_answer())
        else:
            self._finish()

    @on(Statement.Back)
    def back(self) -> None:
        if self.participant is None or self.position == 0:
            return
        self.position -= 1
        self._show_statement(selected=self._earlier_answer())

    def _earlier_answer(self) -> int | None:
        """The option this participant already gave to the statement at ``position``, if any."""
        item = self.items[self.position].id
        return option_of(self._answers[item]) if item in self._answers else None

    def _release_participant(self) -> None:
        """Forget the participant here and mark them finished, so their answers count."""
        participant = self.participant
        self._forget_participant()
        if participant is not None:
            try:
                self.live.finish_participant(participant.code)
            except SessionError:
                pass  # every answer is already durable; finishing only moves the dashboard

    def _finish(self) -> None:
        self._release_participant()
        self._show("thanks")
        self._thanks_timer = self.set_timer(THANKS_SECONDS, self._to_welcome)

    def close_participant(self) -> None:
        """The facilitator closes a participant who left half-way; back to the welcome screen."""
        self._release_participant()
        if self._thanks_timer is not None:
            self._thanks_timer.stop()
            self._thanks_timer = None
        self._flow_stage = "welcome"
        if self.stage not in ("paused", "closed"):
            self._show("welcome")

    def _forget_participant(self) -> None:
        self.participant = None
        self._answers = {}
        self.position = 0
        self._level = None
        self.query_one(Statement).clear()
        self.query_one("#level-choice", ChoiceList).reset()
        self.query_one("#department-choice", ChoiceList).reset()

    @on(Card.Confirmed, "#thanks-card")
    def _to_welcome(self) -> None:
        if self._thanks_timer is not None:
            self._thanks_timer.stop()
            self._thanks_timer = None
        if self.stage == "thanks":
            self._show("welcome")
        elif self._flow_stage == "thanks":
            self._flow_stage = "welcome"
