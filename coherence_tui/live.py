"""A session in a running workshop: the store, the tally and the visible report.

Pure Python (no Textual): screens hold one ``LiveSession`` and ask it for
``report`` after ``poll()`` or after recording an answer. It applies the
session's update rule, so a screen never has to think about anonymity:

- ``UpdateRule.PARTICIPANT`` (default): the visible report counts only
  participants who have finished, so nobody can read one person's answer off
  a moving bar;
- ``UpdateRule.ANSWER``: every recorded answer counts at once.

``full_report`` counts everything (the facilitator's exports, ``report``).

CONTRACT STUB - implemented with the scoring engine (issue 2). Keep the API.
"""

from __future__ import annotations

from coherence_tui.domain.model import (
    Answer,
    Level,
    Participant,
    Questionnaire,
    SessionSettings,
    SessionState,
)
from coherence_tui.domain.report import Report
from coherence_tui.store import SessionSnapshot, SessionStore


class LiveSession:
    """One open session with an incrementally updated tally."""

    def __init__(self, store: SessionStore) -> None:
        raise NotImplementedError

    @property
    def snapshot(self) -> SessionSnapshot:
        raise NotImplementedError

    @property
    def questionnaire(self) -> Questionnaire:
        raise NotImplementedError

    @property
    def settings(self) -> SessionSettings:
        raise NotImplementedError

    @property
    def state(self) -> SessionState:
        raise NotImplementedError

    @property
    def language(self) -> str:
        """Interface language: the settings' override, else the questionnaire's."""
        raise NotImplementedError

    @property
    def report(self) -> Report:
        """What the room may see now (update rule applied). A new object after each change."""
        raise NotImplementedError

    @property
    def full_report(self) -> Report:
        """Every answer counted, finished or not."""
        raise NotImplementedError

    def poll(self) -> bool:
        """Pick up other processes' writes (cheap stat when nothing changed).

        Returns True when ``report``, ``state`` or ``settings`` changed since the last call.
        """
        raise NotImplementedError

    def start_participant(self, level: Level, department: str | None) -> Participant:
        """A new anonymous participant, durable on return."""
        raise NotImplementedError

    def record_answer(self, participant: str, item: str, value: int | None) -> Answer:
        """Durable on return; ``report`` reflects it at once under ``UpdateRule.ANSWER``."""
        raise NotImplementedError

    def answers_of(self, participant: str) -> dict[str, int | None]:
        """One participant's own answers so far (for Backspace at the kiosk)."""
        raise NotImplementedError

    def finish_participant(self, participant: str) -> None:
        """Mark done (thank-you screen, or closed by the facilitator); durable."""
        raise NotImplementedError

    def update_state(self, state: SessionState) -> None:
        raise NotImplementedError

    def update_settings(self, settings: SessionSettings) -> None:
        raise NotImplementedError

    def check_pin(self, pin: str) -> bool:
        """Whether ``pin`` is this session's facilitator PIN."""
        raise NotImplementedError
