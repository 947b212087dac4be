"""A small workshop built in code: three factors of three items in two areas, two of them
predict statements, so every after-the-reveal figure can be checked with a pencil."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from coherence_tui.domain.model import (
    Item,
    Level,
    Participant,
    Questionnaire,
    Scale,
)
from coherence_tui.domain.report import Report
from coherence_tui.domain.scoring import Tally


def questionnaire(qid: str = "pencil", *, reverse: Iterable[str] = ("R3",)) -> Questionnaire:
    """D1-D3, R1-R3, B1-B3; items 1-2 of each factor in ``feedback``, 3 in ``it_tools``."""
    items = []
    for prefix, factor in (("D", "declarations"), ("R", "resources"), ("B", "behaviours")):
        for i in (1, 2, 3):
            item_id = f"{prefix}{i}"
            items.append(
                Item(
                    id=item_id,
                    factor=factor,
                    area="feedback" if i < 3 else "it_tools",
                    text=f"Statement {item_id} about <b>service</b> & more",
                    reverse=item_id in set(reverse),
                    prompts=(f"What happens with {item_id}?", "Who could change it?"),
                    predict=item_id in ("R1", "B1"),
                )
            )
    # Format 1 in code (format 2 wants 8 statements a factor); the model takes prompts
    # and predict flags either way, the loader only from a format 2 file.
    return Questionnaire(
        id=qid,
        version="1",
        language="en",
        title="Pencil",
        company_type="general",
        scale=Scale(labels=("SD", "D", "N", "A", "SA"), dont_know="DK"),
        items=tuple(items),
    )


def people(spec: Mapping[Level, int], department: str | None = None) -> list[Participant]:
    """``{Level.BOARD: 3}`` -> participants B0, B1, B2 (codes by level initial)."""
    out = []
    for level, count in spec.items():
        for n in range(count):
            out.append(Participant(f"{level.value[:2].upper()}{n}", level, department))
    return out


def tally(
    q: Questionnaire,
    participants: Sequence[Participant],
    answers: Mapping[str, Mapping[str, int | None]],
    *,
    k: int = 3,
    departments: Sequence[str] = (),
) -> Tally:
    t = Tally(q, k=k, departments=departments)
    for p in participants:
        t.add_participant(p)
    for code, given in answers.items():
        for item, value in given.items():
            t.record(code, item, value)
    return t


def everyone_answers(
    participants: Sequence[Participant], value_of: Mapping[Level, int], q: Questionnaire
) -> dict[str, dict[str, int | None]]:
    """Every participant answers every item with their level's value (as answered)."""
    return {p.code: {i.id: value_of[p.level] for i in q.items} for p in participants}


def report_of(t: Tally) -> Report:
    return t.report()
