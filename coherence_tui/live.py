"""A session in a running workshop: the store, the tally and the visible report.

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

Own writes update the tallies incrementally (O(1) per answer); a write by
another process, noticed by ``poll()`` through a stat-only check, rebuilds them
from the file (a few milliseconds at 10,000 answers).
"""

from __future__ import annotations

from datetime import date

from coherence_tui.domain import pin
from coherence_tui.domain.compare import Comparison, compare, mismatch
from coherence_tui.domain.disclosure import finish_order, released
from coherence_tui.domain.model import (
    Answer,
    Level,
    Participant,
    Questionnaire,
    SessionSettings,
    SessionState,
)
from coherence_tui.domain.plan import Action, ActionDraft
from coherence_tui.domain.predictions import Prediction
from coherence_tui.domain.report import Report
from coherence_tui.domain.scoring import Tally
from coherence_tui.insights import AfterReveal, CompareRefused, after_reveal, own_scores
from coherence_tui.store import SessionSnapshot, SessionStore


class LiveSession:
    """One open session with an incrementally updated tally."""

    def __init__(self, store: SessionStore, *, language: str | None = None) -> None:
        self.store = store
        self._language = language
        """An interface language chosen for this process (``--lang``), over the settings'."""
        self._after: tuple[object, AfterReveal] | None = None
        self._load(store.snapshot())

    # -- state ---------------------------------------------------------------

    def _load(self, snapshot: SessionSnapshot) -> None:
        self._snapshot = snapshot
        self._generation = snapshot.generation
        self._behind = False
        self._settings = snapshot.settings
        self._state = snapshot.state
        self._participants: dict[str, Participant] = {p.code: p for p in snapshot.participants}
        self._answers: dict[tuple[str, str], Answer] = {
            (a.participant, a.item): a for a in snapshot.answers
        }
        self._rebuild()

    def _new_tally(self) -> Tally:
        return Tally(
            self._snapshot.questionnaire,
            k=self._settings.k,
            departments=self._settings.departments,
            session=self._snapshot.name,
            language=self.language,
        )

    def _releasable(self) -> frozenset[str]:
        """The participants the room may see now: everyone once ended, else the batches."""
        if self._state.ended:
            return frozenset(self._participants)
        answered = {code for code, _item in self._answers}
        people = [p for p in self._participants.values() if p.code in answered]
        return released(
            finish_order(people),
            self._settings.k_schedule,
            department_of={p.code: p.department for p in people},
        )

    def _counts_now(self, participant: Participant) -> bool:
        """Whether this participant's answers are visible to the room yet."""
        return participant.code in self._released

    def _rebuild(self) -> None:
        self._full = self._new_tally()
        self._visible = self._new_tally()
        self._released = self._releasable()
        for participant in self._participants.values():
            self._full.add_participant(participant)
            self._visible.add_participant(participant)
        for answer in self._answers.values():
            self._full.record(answer.participant, answer.item, answer.value)
            if self._counts_now(self._participants[answer.participant]):
                self._visible.record(answer.participant, answer.item, answer.value)
        self._visible_report: Report | None = None
        self._full_report: Report | None = None

    def _release(self) -> None:
        """Show the room the batch that just became releasable (all its answers at once)."""
        now = self._releasable()
        for code in sorted(now - self._released):
            for item, value in self.answers_of(code).items():
                self._visible.record(code, item, value)
        if now != self._released:
            self._visible_report = None
        self._released = now

    def _apply(self, snapshot: SessionSnapshot) -> None:
        """Bring the tallies up to ``snapshot`` by recording only what changed.

        Answers are never deleted and the latest one wins, so replaying the new or
        changed answers (and, for participants who just finished, all of theirs)
        gives the same tallies as a rebuild, at a fraction of its cost.
        """
        self._snapshot = snapshot
        self._generation = snapshot.generation
        self._behind = False
        self._state = snapshot.state
        for participant in snapshot.participants:
            if participant.code not in self._participants:
                self._full.add_participant(participant)
                self._visible.add_participant(participant)
            self._participants[participant.code] = participant
        for answer in snapshot.answers:
            key = (answer.participant, answer.item)
            old = self._answers.get(key)
            if old is not None and old.value == answer.value:
                continue
            self._answers[key] = answer
            self._full.record(answer.participant, answer.item, answer.value)
            if self._counts_now(self._participants[answer.participant]):
                self._visible.record(answer.participant, answer.item, answer.value)
        self._visible_report = None
        self._full_report = None
        self._release()

    @property
    def snapshot(self) -> SessionSnapshot:
        """The session file as it is now (the store re-reads only if it changed)."""
        return self.store.snapshot()

    @property
    def name(self) -> str:
        return self._snapshot.name

    @property
    def questionnaire(self) -> Questionnaire:
        return self._snapshot.questionnaire

    @property
    def settings(self) -> SessionSettings:
        return self._settings

    @property
    def state(self) -> SessionState:
        return self._state

    @property
    def language(self) -> str:
        """Interface language: this process's choice, else the settings', else the questionnaire's.

        Recommendation sentences follow it too.
        """
        return self._language or self._settings.language or self._snapshot.questionnaire.language

    def set_language(self, language: str) -> None:
        """Speak ``language`` in this process from now on (recommendations included)."""
        if language != self.language:
            self._language = language
            self._rebuild()

    @property
    def participants(self) -> tuple[Participant, ...]:
        return tuple(self._participants.values())

    @property
    def report(self) -> Report:
        """What the room may see now (update rule applied). A new object after each change."""
        if self._visible_report is None:
            self._visible_report = self._visible.report()
        return self._visible_report

    @property
    def full_report(self) -> Report:
        """Every answer counted, finished or not."""
        if self._full_report is None:
            self._full_report = self._full.report()
        return self._full_report

    # -- following other processes ---------------------------------------------

    def poll(self) -> bool:
        """Pick up other processes' writes (cheap stat when nothing changed).

        Returns True when ``report``, ``state`` or ``settings`` changed since the last call.
        """
        if not self._behind and not self.store.changed():
            return False
        before = (self.report, self._settings, self._state)
        snapshot = self.store.snapshot()
        if snapshot.settings != self._settings or snapshot.state.ended != self._state.ended:
            self._load(snapshot)  # k, departments, language or visibility changed: rebuild
        else:
            self._apply(snapshot)
        return (self.report, self._settings, self._state) != before

    # -- writing -------------------------------------------------------------

    def _wrote(self) -> None:
        """After one of our writes: note whether another process wrote just before it.

        A write re-reads the file under the lock, so the store's stat check no longer
        reports the other process's change; a generation that moved by more than our one
        write tells ``poll()`` to catch up all the same.
        """
        generation = self.store.generation
        if generation != self._generation + 1:
            self._behind = True
        self._generation = generation

    def start_participant(self, level: Level, department: str | None) -> Participant:
        """A new anonymous participant, durable on return."""
        participant = self.store.add_participant(level, department)
        self._wrote()
        self._participants[participant.code] = participant
        self._full.add_participant(participant)
        self._visible.add_participant(participant)
        return participant

    def record_answer(self, participant: str, item: str, value: int | None) -> Answer:
        """Durable on return; the room's ``report`` shows it once the participant is released."""
        answer = self.store.record_answer(participant, item, value)
        self._wrote()
        self._answers[(participant, item)] = answer
        self._full.record(participant, item, value)
        self._full_report = None
        who = self._participants.get(participant)
        if who is not None and self._counts_now(who):
            self._visible.record(participant, item, value)
            self._visible_report = None
        return answer

    def answers_of(self, participant: str) -> dict[str, int | None]:
        """One participant's own answers so far (for Backspace at the kiosk)."""
        return {
            item: answer.value
            for (code, item), answer in self._answers.items()
            if code == participant
        }

    def finish_participant(self, participant: str) -> None:
        """Mark done (thank-you screen, or closed by the facilitator); durable."""
        who = self._participants.get(participant)
        if who is None or who.finished:
            return
        finished_at = self.store.finish_participant(participant)
        self._wrote()
        self._participants[participant] = Participant(
            who.code, who.level, who.department, finished=True, finished_at=finished_at
        )
        self._release()

    def update_state(self, state: SessionState) -> None:
        self.store.update_state(state)
        self._wrote()
        rebuild = state.ended != self._state.ended
        self._state = state
        if rebuild:
            self._rebuild()

    def update_settings(self, settings: SessionSettings) -> None:
        self.store.update_settings(settings)
        self._wrote()
        self._settings = settings
        self._rebuild()

    # -- after the reveal ------------------------------------------------------------

    def record_prediction(self, participant: str, item: str, value: int | None) -> Prediction:
        """One estimate of the prediction round, durable on return (``store`` checks it)."""
        prediction = self.store.record_prediction(participant, item, value)
        self._wrote()
        return prediction

    def after_reveal(self) -> AfterReveal:
        """The queue, predictions, chains and heat maps of what the room may see now.

        Built from the room's tally and ``report``; predictions of the people that report
        counts only. Rebuilt only when the report changed.
        """
        report = self.report
        predictions = self.snapshot.predictions
        key = (id(report), predictions)
        cached = self._after
        if cached is not None and cached[0] == key:
            return cached[1]
        built = after_reveal(self._visible, report, predictions)
        self._after = (key, built)
        return built

    @property
    def actions(self) -> tuple[Action, ...]:
        """The action plan as it is on disk now."""
        return self.snapshot.actions

    @property
    def archived(self) -> bool:
        return self._state.archived

    def add_action(self, draft: ActionDraft) -> Action:
        action = self.store.add_action(draft)
        self._wrote()
        return action

    def update_action(self, action_id: str, draft: ActionDraft) -> Action:
        action = self.store.update_action(action_id, draft)
        self._wrote()
        return action

    def remove_action(self, action_id: str) -> None:
        self.store.remove_action(action_id)
        self._wrote()

    def archive(self) -> None:
        """Archive the (ended) session: the plan is final from now on."""
        self.store.archive()
        self._wrote()
        self._state = self.store.snapshot().state

    def today(self) -> date:
        """The day actions are recorded on (UTC, as the store records them)."""
        from datetime import UTC, datetime

        return datetime.now(UTC).date()

    def compare_with(self, earlier: SessionSnapshot) -> Comparison:
        """The room's figures now against an earlier workshop's (everyone there counts).

        ``CompareRefused`` when the questionnaires' item ids do not match.
        """
        reason = mismatch(self.questionnaire, earlier.questionnaire)
        if reason is not None:
            raise CompareRefused(f"cannot compare with {earlier.path}: {reason}")
        then = Tally.from_answers(
            earlier.questionnaire,
            earlier.participants,
            earlier.answers,
            k=earlier.settings.k,
            departments=earlier.settings.departments,
            session=earlier.name,
            language=self.language,
        )
        return compare(self.report, then.report(), own_scores(self._visible), own_scores(then))

    def check_pin(self, candidate: str) -> bool:
        """Whether ``candidate`` is this session's facilitator PIN."""
        return pin.check_pin(candidate, self._settings.pin_salt, self._settings.pin_hash)
