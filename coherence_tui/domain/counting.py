"""Who counts: one rule for the dashboard, ``report``, the menu and the exports.

A participant *counts* once they gave at least one answer (a don't know counts),
whether they finished, stopped half-way, or were closed by the facilitator (closing
marks them finished: their answers count). Someone who picked a level and answered
nothing does not count anywhere. ``finished`` only says who reached the end.

The room's view (dashboard, projector, while answers still come in) shows the figures of
the counting participants released so far (``disclosure``: batches of 0 or at least k
finished people per level); its participation line still counts everyone who counts,
so it says the same numbers as ``report`` and the exports.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from coherence_tui.domain.vocabulary import LEVELS, Level, Participant


@dataclass(frozen=True, slots=True)
class LevelCount:
    """How many of one level count, and how many of those finished."""

    counted: int = 0
    finished: int = 0

    @property
    def unfinished(self) -> int:
        """Counting participants who have not (yet) reached the end."""
        return self.counted - self.finished


def counts(participant: Participant, answered: Collection[str]) -> bool:
    """The rule: at least one answer, finished or not."""
    return participant.code in answered


def who_counts(
    participants: Iterable[Participant], answered: Collection[str]
) -> dict[Level, LevelCount]:
    """Per level (every level present, in ``LEVELS`` order): who counts, who finished."""
    counted = dict.fromkeys(LEVELS, 0)
    finished = dict.fromkeys(LEVELS, 0)
    for participant in participants:
        if counts(participant, answered):
            counted[participant.level] += 1
            finished[participant.level] += participant.finished
    return {level: LevelCount(counted[level], finished[level]) for level in LEVELS}
