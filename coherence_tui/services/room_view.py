"""What the room may see of a live session, kept up to date one change at a time.

``LiveSession`` builds one ``RoomView`` the first time something asks for a report (a
kiosk never does), then hands it every change, ours or another process's: answers,
joins and finishes. It applies the room rule (DESIGN *Anonymity*): finished people are
released in batches of 0 or at least k per level (``domain.disclosure.Releases``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coherence_tui.domain.disclosure import Releases, finish_order, instant
from coherence_tui.domain.vocabulary import Answer, Participant

if TYPE_CHECKING:
    # Imported where a report is built: a kiosk never scores, nor loads pydantic.
    from coherence_tui.domain.report import Report
    from coherence_tui.domain.scoring import Tally
    from coherence_tui.services.live import LiveSession


class RoomView:
    """What the room may see, kept up to date one change at a time."""

    def __init__(self, live: LiveSession) -> None:
        self._live = live
        self.participants: dict[str, Participant] = {}
        self.department_of: dict[str, str | None] = {}
        self.answered: set[str] = set()
        """Participants with at least one answer (a don't know counts)."""
        for participant in live.store.participants():
            self._add(participant)
        self.answered.update(code for code, n in live.store.answer_counts().items() if n)
        self.full: Tally | None = None
        self.visible: Tally | None = None
        self.full_report: Report | None = None
        self.visible_report: Report | None = None
        self.visible_version = 0
        """Grows whenever what the room may see changes (a release, a released answer)."""
        self._releases: Releases
        self._last_moment = ""
        self.released: frozenset[str] = frozenset()
        self._replay()

    def _add(self, participant: Participant) -> None:
        self.participants[participant.code] = participant
        self.department_of[participant.code] = participant.department

    # -- releases ---------------------------------------------------------------------

    def _in_order(self) -> list[Participant]:
        """Finished participants who answered: the ones the batches are made of."""
        return [p for p in self.participants.values() if p.finished and p.code in self.answered]

    def _replay(self) -> None:
        """The batches from the start of the round (``released(finish_order(...))``)."""
        live = self._live
        self._releases = Releases(live.head.k_schedule, department_of=self.department_of)
        moments = finish_order(self._in_order())
        for moment in moments:
            self._releases.add(moment)
        last = moments[-1][0][0] if moments else None
        self._last_moment = instant(self.participants[last].finished_at) if last else ""
        self._release()

    def _joins_order(self, participant: Participant) -> None:
        """``participant`` just became part of the finish order (finished, and answered)."""
        moment = instant(participant.finished_at)
        if moment > self._last_moment:
            self._last_moment = moment
            self._releases.add([(participant.code, participant.level)])
            self._release()
        else:  # finished at, or before, a moment already replayed: replay the round
            self._replay()

    def _release(self) -> None:
        """Show the room the batch that just became releasable (all its answers at once)."""
        now = frozenset(self.participants) if self._live.head.ended else self._releases.released
        new = now - self.released
        if not self.released <= now:
            # A replay (someone who finished earlier counts only now) holds back people the
            # room saw: show exactly what a projector opened now would show.
            self.released = now
            self.visible = None
            self._visible_changed()
            return
        self.released = now
        if not new:
            return
        if self.visible is not None:
            store = self._live.store
            for code in sorted(new):
                for item, value in store.answers_of(code).items():
                    self.visible.record(code, item, value)
        self._visible_changed()

    def _visible_changed(self) -> None:
        self.visible_version += 1
        self.visible_report = None

    # -- changes ----------------------------------------------------------------------

    def apply(self, change: Participant | Answer) -> None:
        """One change, ours or another process's, in the order it was written."""
        if isinstance(change, Answer):
            code = change.participant
            if self.full is not None:
                self.full.record(code, change.item, change.value)
                self.full_report = None
            if code in self.released:
                if self.visible is not None:
                    self.visible.record(code, change.item, change.value)
                self._visible_changed()
            if code not in self.answered:
                self.answered.add(code)
                who = self.participants[code]
                if who.finished:
                    self._joins_order(who)
            return
        known = self.participants.get(change.code)
        self._add(change)
        if known is None:
            for tally in (self.full, self.visible):
                if tally is not None:
                    tally.add_participant(change)
        if change.finished and (known is None or not known.finished):
            if change.code in self.answered:
                self._joins_order(change)

    # -- reports ----------------------------------------------------------------------

    def _tally(self, *, visible: bool) -> Tally:
        from coherence_tui.domain.scoring import Tally

        live = self._live
        tally = Tally(
            live.head.scoring,
            k=live.head.k,
            departments=live.head.departments,
            session=live.name,
            language=live.language,
        )
        for participant in self.participants.values():
            tally.add_participant(participant)
        answers = live.store.all_answers()
        for code in self.participants:
            if visible and code not in self.released:
                continue
            for item, value in answers.get(code, {}).items():
                tally.record(code, item, value)
        return tally

    def report(self, *, intervals: bool = True) -> Report:
        """What the room may see; without ``intervals``, a report whose intervals, stool
        confidence and recommendations are pending (not kept: the full one follows)."""
        if self.visible_report is None:
            if self.visible is None:
                self.visible = self._tally(visible=True)
            if not intervals:
                return self.visible.report(intervals=False)
            self.visible_report = self.visible.report()
        return self.visible_report

    def whole_report(self) -> Report:
        if self.full_report is None:
            if self.full is None:
                self.full = self._tally(visible=False)
            self.full_report = self.full.report()
        return self.full_report

    def forget_tallies(self) -> None:
        """The language changed: reports are built afresh (recommendation sentences follow)."""
        self.full = self.visible = None
        self.full_report = self.visible_report = None
        self._visible_changed()
