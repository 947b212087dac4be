"""A session in a running workshop: the store, the room's view and its reports.

Pure Python (no Textual): screens hold one ``LiveSession`` and ask it for
``report`` after ``poll()`` or after recording an answer. It applies the room
rule of DESIGN.md *Anonymity*, so a screen never has to think about it: the
visible report counts finished participants only, released in batches of 0 or
at least k people per level (``domain.disclosure.released``), so no two views
of the room differ by fewer than k people of a level. Releases replay the
finishes in the order they were stored, so every process (a projector, a
restarted projector) shows the same batches. Once the session is ended,
everyone counts (nothing is dropped). The withdrawn per-answer rule of old
session files behaves the same way.

``full_report`` counts everything (the facilitator's exports, ``report``).

What it costs, and when:

- A kiosk that only collects answers never builds the room's view: no tallies,
  no releases, no report. Its ``poll()`` reads the journal lines other
  processes appended (usually none: two ``stat`` calls) and follows the
  session's state (pause, end).
- The room's view (participants, the batches released so far) is built the first
  time something asks for ``report``, ``full_report`` or ``participants``, and the
  two tallies each the first time its report is asked for. From then on every change,
  ours or another process's, is applied once: O(1) per answer, one release step per
  finish (``domain.disclosure.Releases``), and a report is built only when asked
  for after a change.
- When the session file itself is replaced (a checkpoint, an import, settings),
  the view is dropped and built again the next time it is asked for.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from coherence_tui.domain import pin
from coherence_tui.domain.vocabulary import Answer, Level, Participant
from coherence_tui.services.room_view import RoomView
from coherence_tui.storage.store import SessionChanges, SessionHead, SessionSnapshot, SessionStore

if TYPE_CHECKING:
    # Imported where a report is built: a kiosk never scores, nor loads pydantic.
    from coherence_tui.domain.compare import Comparison
    from coherence_tui.domain.counting import LevelCount
    from coherence_tui.domain.model import Questionnaire, SessionSettings, SessionState
    from coherence_tui.domain.plan import Action, ActionDraft
    from coherence_tui.domain.report import Report
    from coherence_tui.domain.vocabulary import Prediction
    from coherence_tui.services.insights import AfterReveal


class LiveSession:
    """One open session; the room's view and its reports are built only when asked for."""

    def __init__(self, store: SessionStore, *, language: str | None = None) -> None:
        self.store = store
        self._language = language
        """An interface language chosen for this process (``--lang``), over the settings'."""
        self.head: SessionHead = store.head()
        """Name, questionnaire, settings and state as plain checked values (``SessionHead``);
        the pydantic models behind ``questionnaire``, ``settings`` and ``state`` are built
        only when something asks for them (a kiosk never does)."""
        self._room: RoomView | None = None
        self._moves = 0
        """Times the room's view, the state or the settings may have changed."""
        self._polled = 0
        """``_moves`` at the last ``poll()``."""
        self._after: tuple[object, AfterReveal] | None = None
        store.changes()  # what opening read: the view, once built, starts from here

    # -- state ---------------------------------------------------------------------------

    @property
    def snapshot(self) -> SessionSnapshot:
        """The session file as it is now (the store re-reads only if it changed)."""
        return self.store.snapshot()

    @property
    def name(self) -> str:
        return self.head.name

    @property
    def questionnaire(self) -> Questionnaire:
        return self.head.questionnaire

    @property
    def settings(self) -> SessionSettings:
        return self.head.settings

    @property
    def state(self) -> SessionState:
        return self.head.state

    @property
    def language(self) -> str:
        """Interface language: this process's choice, else the settings', else the questionnaire's.

        Recommendation sentences follow it too.
        """
        head = self.head
        return self._language or head.language or head.questionnaire_language

    def set_language(self, language: str) -> None:
        """Speak ``language`` in this process from now on (recommendations included)."""
        if language != self.language:
            self._language = language
            if self._room is not None:
                self._room.forget_tallies()

    def _view(self) -> RoomView:
        """The room's view, built now if nothing asked for it yet."""
        if self._room is None:
            self._catch_up()
            self._room = RoomView(self)
        return self._room

    @property
    def participants(self) -> tuple[Participant, ...]:
        return tuple(self._view().participants.values())

    def who_counts(self) -> dict[Level, LevelCount]:
        """Per level, everyone who counts (``domain.counting``): ``report``'s and the exports'
        numbers, never held back (the facilitator's menu; the room sees ``report``'s)."""
        from coherence_tui.domain.counting import who_counts

        view = self._view()
        return who_counts(view.participants.values(), view.answered)

    @property
    def report(self) -> Report:
        """What the room may see now (update rule applied). A new object after each change."""
        return self._view().report()

    def first_report(self) -> Report:
        """``report`` for a screen's first frame: while scipy is not imported yet, the same
        exact figures with their 90 % intervals, stool confidence and recommendations
        pending (``Report.intervals_pending``), so the first frame does not wait 0.25 s
        for scipy. The screen loads scipy afterwards (``stats.load_quantiles``, in a
        thread) and takes ``report``. Never for an export: ``report`` and ``full_report``
        are always complete."""
        from coherence_tui.domain.stats import quantiles_loaded

        return self._view().report(intervals=quantiles_loaded())

    @property
    def full_report(self) -> Report:
        """Every answer counted, finished or not."""
        return self._view().whole_report()

    # -- following the session (other processes and our own writes) ------------------------

    def _catch_up(self) -> None:
        """Apply what changed since the last call (counted in ``_moves`` if the room's view,
        the state or the settings may have changed)."""
        if self._moved():
            self._moves += 1

    def _moved(self) -> bool:
        found: SessionChanges | None = self.store.changes()
        if found is None:
            return False
        room = self._room
        head, before = found.head, self.head
        settings_moved = not head.same_settings(before)
        rebuild = found.reloaded or settings_moved or head.ended != before.ended
        moved = settings_moved or not head.same_state(before)
        self.head = head
        if rebuild:
            self._room = None  # built again, from the new file, when next asked for
            return True
        if room is None:
            # Nothing shows the room yet: say "changed" for what could move it.
            return moved or any(
                isinstance(change, Participant) and change.finished for change in found.changes
            )
        version = room.visible_version
        for change in found.changes:
            room.apply(change)
        return moved or room.visible_version != version

    def poll(self) -> bool:
        """Pick up other processes' writes (two ``stat`` calls when nothing changed).

        Returns True when ``report``, ``state`` or ``settings`` changed since the last call,
        whoever changed them (before anything asked for ``report``: when they may have).
        """
        self._catch_up()
        moved = self._moves != self._polled
        self._polled = self._moves
        return moved

    # -- writing -------------------------------------------------------------------------

    def start_participant(self, level: Level, department: str | None) -> Participant:
        """A new anonymous participant, durable on return."""
        participant = self.store.add_participant(level, department)
        self._catch_up()
        return participant

    def record_answer(self, participant: str, item: str, value: int | None) -> Answer:
        """Durable on return; the room's ``report`` shows it once the participant is released."""
        answer = self.store.record_answer(participant, item, value)
        self._catch_up()
        return answer

    def answers_of(self, participant: str) -> dict[str, int | None]:
        """One participant's own answers so far (for Backspace at the kiosk)."""
        return self.store.answers_of(participant)

    def finish_participant(self, participant: str) -> None:
        """Mark done (thank-you screen, or closed by the facilitator); durable."""
        self.store.finish_participant(participant)
        self._catch_up()

    def update_state(self, state: SessionState) -> None:
        self.store.update_state(state)
        rebuild = state.ended != self.head.ended
        self.head = self.store.head()
        self._catch_up()
        self._moves += 1
        if rebuild:
            self._room = None

    def update_settings(self, settings: SessionSettings) -> None:
        self.store.update_settings(settings)
        self.head = self.store.head()
        self._catch_up()
        self._moves += 1
        self._room = None

    # -- after the reveal ----------------------------------------------------------------

    def record_prediction(self, participant: str, item: str, value: int | None) -> Prediction:
        """One estimate of the prediction round, durable on return (``store`` checks it)."""
        prediction = self.store.record_prediction(participant, item, value)
        self._catch_up()
        return prediction

    def after_reveal(self) -> AfterReveal:
        """The queue, predictions, chains and heat maps of what the room may see now.

        Built from the room's tally and ``report``; predictions of the people that report
        counts only. Rebuilt only when the report changed.
        """
        from coherence_tui.services.insights import after_reveal

        report = self.report
        predictions = self.snapshot.predictions
        key = (id(report), predictions)
        cached = self._after
        if cached is not None and cached[0] == key:
            return cached[1]
        room = self._view()
        assert room.visible is not None  # ``report`` built it
        built = after_reveal(room.visible, report, predictions, questionnaire=self.questionnaire)
        self._after = (key, built)
        return built

    @property
    def actions(self) -> tuple[Action, ...]:
        """The action plan as it is on disk now."""
        return self.snapshot.actions

    @property
    def archived(self) -> bool:
        return bool(self.head.state_data["archived"])

    def add_action(self, draft: ActionDraft) -> Action:
        action = self.store.add_action(draft)
        self._catch_up()
        return action

    def update_action(self, action_id: str, draft: ActionDraft) -> Action:
        action = self.store.update_action(action_id, draft)
        self._catch_up()
        return action

    def remove_action(self, action_id: str) -> None:
        self.store.remove_action(action_id)
        self._catch_up()

    def archive(self) -> None:
        """Archive the (ended) session: the plan is final from now on."""
        self.store.archive()
        self.head = self.store.head()
        self._catch_up()
        self._moves += 1

    def today(self) -> date:
        """The day actions are recorded on (UTC, as the store records them)."""
        return datetime.now(UTC).date()

    def compare_with(self, earlier: SessionSnapshot) -> Comparison:
        """The room's figures now against an earlier workshop's (everyone there counts).

        ``CompareRefused`` when the questionnaires' item ids do not match.
        """
        from coherence_tui.domain.compare import compare, mismatch
        from coherence_tui.services.insights import CompareRefused, own_scores, snapshot_tally

        reason = mismatch(self.questionnaire, earlier.questionnaire)
        if reason is not None:
            raise CompareRefused(f"cannot compare with {earlier.path}: {reason}")
        then = snapshot_tally(earlier, lang=self.language)
        report = self.report
        room = self._view()
        assert room.visible is not None  # ``report`` built it
        return compare(report, then.report(), own_scores(room.visible), own_scores(then))

    def check_pin(self, candidate: str) -> bool:
        """Whether ``candidate`` is this session's facilitator PIN."""
        return pin.check_pin(candidate, self.head.pin_salt, self.head.pin_hash)

    def close(self) -> None:
        """Fold this process's journal lines into the session file (see ``SessionStore.close``)."""
        self.store.close()
