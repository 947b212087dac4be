"""The participant kiosk: welcome -> level -> department -> instruction -> statements -> thanks.

Languages: a session that offers several (``new --languages``, ``head.languages``)
starts each participant at a language choice instead of the welcome card, every
language named in itself; the welcome's words then head the level question. From
there the participant reads the title, instruction, statements, scale and every kiosk
string in their language (``head.texts``, ``i18n`` for ``uk``/``ru`` too), while the
answers are stored by item id as in any session, so they pool across languages.
Backspace (a "Back" target on a phone) on the level question returns to the language
choice; the next participant starts at the language choice again. The language is not
recorded: scoring does not need it, and in a room with one Russian speaker it would
single out that person's answers in a raw export. A browser kiosk resuming its
participant asks the language again, then continues at the first unanswered statement.

The questionnaire's ``instruction`` (format 2) is a card before statement 1, shown to
every participant (plain text, never markup); a questionnaire without one skips it.

Going back: Backspace on the department question returns to the level question, and on
the first statement (or the instruction card) to the department question (or the level
question when the session has no departments). The participant is created in the store
only with their first answer (``_ensure_participant``), so walking back and choosing
again never leaves an empty second participant behind. A browser kiosk creates its
participant before statement 1 (its seat needs the code), so there Back on statement 1
stays put, as before. When the session has departments, the last option is "No
department": the board (or anyone) need not pick one.

Statement order: each participant's own, shuffled within factors and the factors
interleaved (``domain.order``), derived from their code and the item ids, so nothing new
is stored and a resumed participant continues in the same order.

Idle: after ``IDLE_SECONDS`` without input between the level question and the last
statement, a "Still there?" card asks for any key; after ``IDLE_CLOSE_SECONDS`` more, the
participant is closed exactly as the facilitator's close (answers kept, finished) and the
welcome card returns. Browser kiosks have no idle close (a phone is its owner's own, and a
dropped connection resumes).

With a prediction round (board and management only, while results are still hidden)
a ``prediction`` stage comes after the last statement: one estimate per ``predict``
statement (``widgets.prediction``), each durable before the next shows.

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

Browser kiosks (``web``, one per phone, see ``coherence_tui.serve``): every choice is
also a tap, the hints say so, a "Back" target replaces Backspace, and a phone's ~40
columns (``-phone``) stack the answers one per line. The kiosk tells its seat (a
``SeatLink``) when its participant starts and finishes; started with ``resume``, it
continues that unfinished participant at their first unanswered statement with every
answer kept. A web kiosk serves one participant: after the thank-you card it ends.
"""

from __future__ import annotations

import secrets
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Center
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Static

from coherence_tui.domain.order import interleaved, participant_order, resumed_order
from coherence_tui.domain.vocabulary import LEVELS, PREDICTING_LEVELS, Level, Participant
from coherence_tui.i18n import t
from coherence_tui.screens.kiosk_words import KioskWords
from coherence_tui.screens.sizing import breakpoint_classes
from coherence_tui.serve.seat_link import SeatLink
from coherence_tui.services.live import LiveSession
from coherence_tui.storage.head import ItemView as Item
from coherence_tui.storage.head import LanguageTexts
from coherence_tui.storage.store import SessionEnded, SessionError
from coherence_tui.widgets.card import Card
from coherence_tui.widgets.choice import ChoiceList
from coherence_tui.widgets.prediction import Prediction
from coherence_tui.widgets.statement import Statement, option_of

THANKS_SECONDS = 5.0
WEB_THANKS_SECONDS = 3.0
"""A browser kiosk shows its thank-you card this long, then ends (the page says goodbye)."""
POLL_SECONDS = 0.5
WEB_POLL_SECONDS = 2.0
"""A browser kiosk looks for a pause or an end less often: 30 phones each re-reading the
session twice a second while the room joins is what a burst of joins spends its CPU on."""
IDLE_SECONDS = 90.0
"""Seconds without input mid-questionnaire before the kiosk asks "Still there?"."""
IDLE_CLOSE_SECONDS = 30.0
"""Seconds the "Still there?" card waits for a key before closing the participant."""
IDLE_STAGES = frozenset({"level", "department", "instruction", "statement", "prediction"})
"""Stages where a participant is mid-way, so the idle timeout runs."""


class StatementOrder:
    """How the kiosk orders statements: shuffled per participant (``domain.order``).

    A class of three functions so a test can pin the questionnaire's own order.
    """

    first = staticmethod(interleaved)
    participant = staticmethod(participant_order)
    resumed = staticmethod(resumed_order)


STATEMENT_ORDER = StatementOrder()


FLOW_STAGES = (
    "welcome",
    "language",
    "level",
    "department",
    "instruction",
    "statement",
    "prediction",
)
"""The participant's way through, in order (the welcome and language stages where shown)."""
LATER_STAGES = ("thanks", "paused", "closed", "idle")
"""Cards mounted the first time they show: fewer widgets to style before the first frame."""
CARD_KEYS: dict[str, tuple[bool, bool]] = {
    "welcome": (True, False),
    "instruction": (True, True),
    "thanks": (True, False),
    "paused": (False, False),
    "closed": (False, False),
    "idle": (True, False),
}
"""Each card stage: whether Enter confirms it, and whether Backspace goes back from it."""

STAGE_WIDGETS: dict[str, str] = {
    "welcome": "#welcome-card",
    "language": "#language-choice",
    "level": "#level-choice",
    "department": "#department-choice",
    "instruction": "#instruction-card",
    "statement": "#statement",
    "prediction": "#prediction",
    "thanks": "#thanks-card",
    "paused": "#paused-card",
    "closed": "#closed-card",
    "idle": "#idle-card",
}
"""Each stage and the one widget that has the keyboard while it shows."""


class KioskScreen(Screen[None]):
    """One participant at a time answers every statement; see the module docstring."""

    AUTO_FOCUS = None
    BINDINGS: ClassVar[list[BindingType]] = []
    HORIZONTAL_BREAKPOINTS = [(0, "-phone"), (60, "-narrow"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]

    def __init__(
        self,
        live: LiveSession,
        *,
        web: bool = False,
        resume: str | None = None,
        seat: SeatLink | None = None,
    ) -> None:
        size = self.app.size
        super().__init__(
            id="kiosk",
            classes=breakpoint_classes(
                size, self.HORIZONTAL_BREAKPOINTS, self.VERTICAL_BREAKPOINTS
            ),
        )
        self.live = live
        self.web = web
        """A browser kiosk: taps as well as keys, one participant, then the process ends."""
        self._resume = resume
        self.seat = seat
        self.lang = live.language
        """The language of the kiosk's own strings: the session's, or the participant's choice."""
        self._session_lang = live.language
        """The interface language the facilitator set (``live.language``): the kiosk's between
        participants."""
        self.languages = live.head.languages
        """The languages a participant may answer in; a choice only when there are several."""
        self.words: LanguageTexts = live.head.texts(live.head.questionnaire_language)
        """The questionnaire's words the participant reads: the session's own language, or
        the one they chose."""
        self._pending_resume: str | None = None
        """A browser kiosk's participant to continue once they have chosen their language."""
        self._flow_mounted = False
        """Every stage of the flow is mounted (``_mount_flow``)."""
        # Plain values from the session's head: a kiosk never builds the pydantic models.
        self.items: tuple[Item, ...] = live.head.scoring.items
        """The current participant's statement order (``domain.order``); item order until one
        begins."""
        self.participant: Participant | None = None
        self.position = 0
        """Index of the statement on screen for the current participant."""
        self._answers: dict[str, int | None] = {}
        """The current participant's own answers, as recorded (kept here: O(1) per key press)."""
        self.stage = self._first_stage()
        self._flow_stage = self.stage
        """Where the participant is, kept while a pause or closed card covers it."""
        self._level: Level | None = None
        self._department: str | None = None
        self._idle_timer: Timer | None = None
        self._idle_close_timer: Timer | None = None
        self._thanks_timer: Timer | None = None
        self._prediction_index = 0
        self._estimates: dict[str, int | None] = {}
        """The current participant's own estimates (for Backspace in the prediction round)."""

    # -- drawing -------------------------------------------------------------

    def _text(self) -> KioskWords:
        """The kiosk's words now (its language, the questionnaire's words, phone or kiosk)."""
        return KioskWords(
            lang=self.lang,
            web=self.web,
            words=self.words,
            statements=len(self.items),
            languages=self.languages,
            departments=self.live.head.departments,
        )

    @property
    def multilingual(self) -> bool:
        """The session offers several languages: each participant starts by choosing one."""
        return len(self.languages) > 1

    def compose(self) -> ComposeResult:
        self.set_class(self.web, "-touch")
        yield Static(self.words.title, id="kiosk-title", markup=False)
        # The first frame needs only the stage it shows: the other stages of the flow are
        # mounted just after it (``_mount_flow``), the later cards when first shown. A
        # kiosk resuming its participant composes the whole flow (it shows a statement).
        first = self._first_stage()
        composed = FLOW_STAGES if self._resume is not None else (first,)
        with ContentSwitcher(initial=first, id="kiosk-stages"):
            for stage in composed:
                if self._in_flow(stage):
                    yield self._stage(stage)

    def _in_flow(self, stage: str) -> bool:
        """Whether this kiosk ever shows flow stage ``stage``."""
        if stage == "welcome":
            return not self.web
        return stage != "language" or self.multilingual

    def _stage(self, stage: str) -> Widget:
        """A new widget for ``stage``, in the kiosk's words now."""
        text = self._text()
        if stage == "statement":
            back = t("kiosk.statement.back", self.lang)
            return Statement(touch=self.web, back_label=back, id="statement")
        if stage == "prediction":
            return Prediction(id="prediction")
        if stage == "language":
            return Center(text.language_choice(), id="language")
        if stage == "level":
            return Center(text.level().choice_list("level-choice"), id="level")
        if stage == "department":
            return Center(text.department().choice_list("department-choice"), id="department")
        key = STAGE_WIDGETS[stage].removeprefix("#")
        title, body, hint = text.cards()[key]
        confirmable, backable = CARD_KEYS[stage]
        later = stage in LATER_STAGES  # mounted while the kiosk runs: takes the keyboard
        card = Card(
            title,
            body,
            hint,
            confirmable=confirmable,
            backable=backable,
            focus_on_mount=later,
            id=key,
        )
        return Center(card, id=stage)

    async def _mount_flow(self) -> None:
        """Mount the flow's stages the first frame left out (hidden). The screen handles
        nothing else meanwhile, so a key pressed this early waits for them."""
        if self._flow_mounted:
            return
        switcher = self.query_one("#kiosk-stages", ContentSwitcher)
        for stage in FLOW_STAGES:
            if self._in_flow(stage) and not switcher.query_children(f"#{stage}"):
                await switcher.add_content(self._stage(stage))
        self._flow_mounted = True

    def _speak(self, lang: str, words: str) -> None:
        """The kiosk's strings in ``lang`` and the questionnaire's words in ``words`` (one of
        the session's languages) from now on; every stage is relabelled in place, in one
        frame, with no recompose."""
        if lang == self.lang and words == self.words.language:
            return
        self.lang = lang
        self.words = self.live.head.texts(words)
        self.query_one("#kiosk-title", Static).update(self.words.title)
        for key, (title, body, hint) in self._text().cards().items():
            if key == "welcome-card" and self.web:
                continue
            for shown in self.query(f"#{key}").results(Card):  # later stages once mounted
                shown.relabel(title, body, hint)
        # Stages not mounted yet are made in the new words when they are.
        for level in self.query("#level-choice").results(ChoiceList):
            self._text().level().relabel(level)
        for department in self.query("#department-choice").results(ChoiceList):
            self._text().department().relabel(department)
        for statement in self.query(Statement).results():
            statement.back_label = t("kiosk.statement.back", lang)

    def on_mount(self) -> None:
        self.set_interval(WEB_POLL_SECONDS if self.web else POLL_SECONDS, self._poll)
        # A phone opens on the level question (its page was the welcome; the anonymity
        # sentence heads the question): one screen less for a room joining at once. With
        # several languages, every kiosk opens on the language choice.
        self._show(self._first_stage())
        self._apply_state()
        self.call_after_refresh(self._mount_flow)
        if self._resume is not None:
            if self.multilingual:
                self._pending_resume = self._resume  # in their language, once chosen
            else:
                self._continue(self._resume)

    def on_resize(self) -> None:
        # After the refresh, the breakpoint classes match the new size.
        self.call_after_refresh(self._fit_statement)

    def _fit_statement(self) -> None:
        for statement in self.query(Statement).results():  # none before the flow is mounted
            statement.compact = self.has_class("-phone")

    def _continue(self, code: str) -> None:
        """Take up unfinished participant ``code`` at their first unanswered statement."""
        participant = next((p for p in self.live.participants if p.code == code), None)
        if participant is None or participant.finished:
            if self.seat is not None:
                self.seat.finished(code)  # nothing to continue: the seat is done
            self._show("thanks")
            self._thanks_timer = self.set_timer(self._thanks_seconds(), self._to_welcome)
            return
        self.participant = participant
        self._level = participant.level
        self._department = participant.department
        self._answers = self.live.answers_of(code)
        self.items = self._resumed_order(code, self._answers)
        unanswered = [n for n, item in enumerate(self.items) if item.id not in self._answers]
        if not unanswered:
            self._finish()
            return
        self.position = unanswered[0]
        self._show_statement(selected=None)
        self._show("statement")
        self._apply_state()

    def _first_stage(self) -> str:
        if self.multilingual:
            return "language"
        return "level" if self.web else "welcome"

    def _thanks_seconds(self) -> float:
        return WEB_THANKS_SECONDS if self.web else THANKS_SECONDS

    def _show(self, stage: str) -> None:
        """Switch to ``stage`` and give its widget the keyboard."""
        self.stage = stage
        if stage not in ("paused", "closed", "idle"):
            self._flow_stage = stage
        if stage == "language":
            # Between participants: the session's own words.
            self._speak(self._session_lang, self.languages[0])
        switcher = self.query_one("#kiosk-stages", ContentSwitcher)
        mounted = self._later_stage(stage, switcher)
        switcher.current = stage
        # A card mounted just now (or still mounting) takes the keyboard itself once mounted.
        for widget in () if mounted else self.query(STAGE_WIDGETS[stage]):
            self.set_focus(widget)
        if stage != "idle":
            self._arm_idle()

    def _later_stage(self, stage: str, switcher: ContentSwitcher) -> bool:
        """Mount ``stage``'s card if it is one of ``LATER_STAGES`` not mounted yet."""
        if stage not in LATER_STAGES or switcher.query_children(f"#{stage}"):
            return False
        switcher.mount(self._stage(stage))
        return True

    # -- idle timeout ----------------------------------------------------------------

    def _stop_idle(self) -> None:
        for timer in (self._idle_timer, self._idle_close_timer):
            if timer is not None:
                timer.stop()
        self._idle_timer = self._idle_close_timer = None

    def _arm_idle(self) -> None:
        """(Re)start the idle countdown if a participant is mid-way here; else stop it."""
        self._stop_idle()
        if not self.web and self.stage in IDLE_STAGES:
            self._idle_timer = self.set_timer(IDLE_SECONDS, self._ask_still_there)

    def _ask_still_there(self) -> None:
        self._idle_timer = None
        if self.stage not in IDLE_STAGES:
            return  # a pause or an end covers the kiosk: nobody is expected to press keys
        if not self.is_current:
            self._arm_idle()  # the facilitator's menu is open: ask once the kiosk is back
            return
        self._show("idle")
        self._idle_close_timer = self.set_timer(IDLE_CLOSE_SECONDS, self._idle_close)

    def _idle_close(self) -> None:
        self._idle_close_timer = None
        if self.stage == "idle":
            self.close_participant()

    def _still_there(self) -> None:
        """Any key (or a tap) on the "Still there?" card: back where the participant was."""
        self._stop_idle()
        self._show(self._flow_stage)

    @on(Card.Confirmed, "#idle-card")
    def _idle_confirmed(self) -> None:
        self._still_there()

    def on_key(self, event: events.Key) -> None:
        if self.stage == "idle":
            event.stop()
            event.prevent_default()
            self._still_there()
        elif self.stage in IDLE_STAGES:
            self._arm_idle()

    def on_click(self) -> None:
        if self.stage in IDLE_STAGES:
            self._arm_idle()

    # -- session state (pause / end, possibly set by another process) --------------

    def _poll(self) -> None:
        if not self.is_current:
            return
        self.live.poll()
        self._apply_state()
        for stage_widget in self.query(STAGE_WIDGETS[self.stage]):  # none while mounting
            if self.focused is not stage_widget:
                self.set_focus(stage_widget)  # the keyboard never ends up nowhere

    async def on_screen_resume(self) -> None:
        if self._session_lang != self.live.language and self.participant is None:
            # The facilitator switched language: relabel by composing afresh (no one is mid-way).
            self.lang = self._session_lang = self.live.language
            self.words = self.live.head.texts(self.languages[0])
            await self.recompose()
            self._flow_mounted = False
            await self._mount_flow()
            self.stage = self._flow_stage = self._first_stage()
        self._apply_state()
        self._show(self.stage)

    def _apply_state(self) -> None:
        state = self.live.head
        if state.ended:
            if self.stage != "closed":
                self._show("closed")
        elif state.paused:
            if self.stage != "paused":
                self._stop_idle()
                self._show("paused")
        elif self.stage in ("paused", "closed"):
            self._show(self._flow_stage)

    # -- the participant's flow ---------------------------------------------------

    @on(Card.Confirmed, "#welcome-card")
    async def start(self) -> None:
        await self._mount_flow()  # a key pressed with the first frame: the rest comes first
        self.query_one("#level-choice", ChoiceList).reset()
        self._show("level")

    @on(ChoiceList.Chosen, "#language-choice")
    async def choose_language(self, event: ChoiceList.Chosen) -> None:
        await self._mount_flow()
        chosen = self.languages[event.index]
        self._speak(chosen, chosen)
        resume, self._pending_resume = self._pending_resume, None
        if resume is not None:
            self._continue(resume)
            return
        self.query_one("#level-choice", ChoiceList).reset()
        self._show("level")

    @on(ChoiceList.Back, "#level-choice")
    def level_back(self) -> None:
        """Back to the language choice (a session with several languages), else nothing."""
        if self.multilingual and self.participant is None:
            self.query_one("#language-choice", ChoiceList).reset()
            self._show("language")

    @on(ChoiceList.Chosen, "#level-choice")
    async def choose_level(self, event: ChoiceList.Chosen) -> None:
        await self._mount_flow()
        self._level = LEVELS[event.index]
        if self.live.head.departments:
            self.query_one("#department-choice", ChoiceList).reset()
            self._show("department")
        else:
            self._begin(None)

    @on(ChoiceList.Chosen, "#department-choice")
    def choose_department(self, event: ChoiceList.Chosen) -> None:
        departments = self.live.head.departments
        self._begin(departments[event.index] if event.index < len(departments) else None)

    @on(ChoiceList.Back, "#department-choice")
    def department_back(self) -> None:
        self.query_one("#level-choice", ChoiceList).reset()
        self._show("level")

    def _begin(self, department: str | None) -> None:
        """Level and department chosen: the instruction, then statement 1.

        Nothing is written yet: the participant is created with their first answer.
        """
        assert self._level is not None
        if self._refuses_answers():
            return
        self._department = department
        self._answers = {}
        self.position = 0
        # Statement 1 comes before the participant (and their code) exists: a fresh seed.
        self.items = self._first_order(secrets.token_hex(8))
        if self.web:
            # A browser kiosk's seat needs the code now (to resume after a dropped
            # connection, to outlive a token rotation): created before statement 1.
            try:
                code = self._ensure_participant().code
            except SessionEnded:
                self._show("closed")
                return
            # Its statement 1 follows from the code too, as a resumed seat finds it again.
            self.items = self._resumed_order(code, {})
        if self.live.head.instruction:
            self._show("instruction")
        else:
            self._to_statements()

    @on(Card.Confirmed, "#instruction-card")
    def _to_statements(self) -> None:
        self._show_statement(selected=None)
        self._show("statement")

    @on(Card.Back, "#instruction-card")
    def _back_to_choices(self) -> None:
        """From statement 1 (nothing answered yet) or the instruction: choose again."""
        if self.participant is not None:
            return  # a browser kiosk's participant exists already: their level stays
        if self.live.head.departments:
            self.query_one("#department-choice", ChoiceList).reset()
            self._show("department")
        else:
            self.query_one("#level-choice", ChoiceList).reset()
            self._show("level")

    def _ensure_participant(self) -> Participant:
        """The current participant, created (durably) with their first answer."""
        if self.participant is None:
            assert self._level is not None
            self.participant = self.live.start_participant(self._level, self._department)
            self.items = self._participant_order(self.items[0], self.participant.code)
            if self.seat is not None:
                self.seat.started(self.participant.code)
        return self.participant

    def _refuses_answers(self) -> bool:
        """Pick up a pause or end set elsewhere before writing; True if it covers the kiosk."""
        self.live.poll()
        self._apply_state()
        return self.stage in ("paused", "closed")

    def _show_statement(self, *, selected: int | None) -> None:
        item = self.items[self.position]
        words = self.words
        self.query_one(Statement).show(
            item_id=item.id,
            text=words.statements.get(item.id, item.text),
            labels=words.scale_labels,
            dont_know=words.dont_know,
            progress=t(
                "kiosk.statement.progress",
                self.lang,
                # As wide as the total, so the counter keeps its width (no layout pass).
                index=str(self.position + 1).rjust(len(str(len(self.items)))),
                total=len(self.items),
            ),
            index=self.position + 1,
            total=len(self.items),
            hint=self._text().hint("kiosk.statement.hint"),
            selected=selected,
        )
        self._arm_idle()  # a new statement is input too, whatever route its key took

    # The statement order (module constant functions, so tests can pin item order).

    def _first_order(self, seed: str) -> tuple[Item, ...]:
        return STATEMENT_ORDER.first(self.live.head.scoring.items, seed)

    def _participant_order(self, first: Item, code: str) -> tuple[Item, ...]:
        return STATEMENT_ORDER.participant(self.live.head.scoring.items, first, code)

    def _resumed_order(self, code: str, answered: dict[str, int | None]) -> tuple[Item, ...]:
        return STATEMENT_ORDER.resumed(self.live.head.scoring.items, code, answered)

    @on(Statement.Answered)
    def record(self, event: Statement.Answered) -> None:
        if self._level is None or event.item != self.items[self.position].id:
            return
        if self._refuses_answers():
            return
        try:
            participant = self._ensure_participant()
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
        elif self._predicts():
            self._show_prediction(0)
        else:
            self._finish()

    # -- the prediction round (after the last statement) ----------------------------

    def _predicts(self) -> bool:
        """Board or management, a session with a prediction round, results still hidden
        (an estimate made after seeing the results would estimate nothing)."""
        participant = self.participant
        return (
            participant is not None
            and participant.level in PREDICTING_LEVELS
            and self.live.head.prediction_round
            and not self.live.head.revealed
            and bool(self.live.head.predict_items)
        )

    def _show_prediction(self, index: int) -> None:
        items = self.live.head.predict_items
        self._prediction_index = index
        item = items[index]
        self.query_one(Prediction).show(
            item_id=item.id,
            text=self.words.statements.get(item.id, item.text),
            question=t("kiosk.predict.question", self.lang),
            progress=t("kiosk.predict.progress", self.lang, index=index + 1, total=len(items)),
            hint=t("kiosk.predict.hint", self.lang),
            value=self._estimates.get(item.id),
        )
        self._show("prediction")

    @on(Prediction.Estimated)
    def estimate(self, event: Prediction.Estimated) -> None:
        participant = self.participant
        items = self.live.head.predict_items
        index = self._prediction_index
        if participant is None or event.item != items[index].id or self._refuses_answers():
            return
        try:
            self.live.record_prediction(participant.code, event.item, event.value)
        except SessionEnded:
            self._show("closed")
            return
        except SessionError:
            pass  # the estimate is optional: never keep a participant from finishing
        self._estimates[event.item] = event.value
        if index + 1 < len(items):
            self._show_prediction(index + 1)
        else:
            self._finish()

    @on(Prediction.Back)
    def prediction_back(self) -> None:
        if self.participant is None:
            return
        if self._prediction_index > 0:
            self._show_prediction(self._prediction_index - 1)
        else:
            self.position = len(self.items) - 1
            self._show_statement(selected=self._earlier_answer())
            self._show("statement")

    @on(Statement.Back)
    def back(self) -> None:
        if self._level is None:
            return
        if self.position == 0:
            if self.participant is None:
                self._back_to_choices()  # nothing stored yet: choose level/department again
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
            if self.seat is not None:
                self.seat.finished(participant.code)

    def _finish(self) -> None:
        self._release_participant()
        self._show("thanks")
        self._thanks_timer = self.set_timer(self._thanks_seconds(), self._to_welcome)

    def close_participant(self) -> None:
        """The facilitator closes a participant who left half-way; back to the welcome screen."""
        self._release_participant()
        if self._thanks_timer is not None:
            self._thanks_timer.stop()
            self._thanks_timer = None
        self._flow_stage = self._first_stage()
        if self.stage not in ("paused", "closed"):
            self._show(self._flow_stage)

    def _forget_participant(self) -> None:
        self.participant = None
        self._answers = {}
        self._estimates = {}
        self._prediction_index = 0
        self.position = 0
        self._level = None
        self._department = None
        self.items = self.live.head.scoring.items
        self.query_one(Statement).clear()
        self.query_one(Prediction).clear()
        self.query_one("#level-choice", ChoiceList).reset()
        self.query_one("#department-choice", ChoiceList).reset()

    @on(Card.Confirmed, "#thanks-card")
    def _to_welcome(self) -> None:
        if self._thanks_timer is not None:
            self._thanks_timer.stop()
            self._thanks_timer = None
        if self.web:
            self.app.exit(0)  # one participant per browser kiosk: the page says goodbye
            return
        if self.stage == "thanks":
            self._show(self._first_stage())
        elif self._flow_stage == "thanks":
            self._flow_stage = self._first_stage()
