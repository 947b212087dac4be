"""The room's batches beyond levels: departments, a k raised mid-round, mixed timestamps."""

from __future__ import annotations

from coherence_tui.domain.disclosure import finish_order, instant, released
from coherence_tui.domain.model import Level, Participant

F = Level.FRONT_LINE


def one_by_one(*codes: str) -> list[list[tuple[str, Level]]]:
    return [[(code, F)] for code in codes]


def test_a_published_department_never_grows_by_fewer_than_k_between_views() -> None:
    # k = 3: front line 3 Sales + 3 Care are on screen; then 1 Sales + 2 Care finish.
    # Released per level alone, Sales would go from 3 to 4 people: 4 x after - 3 x before
    # would be the newcomer's answers.
    departments = {c: "Sales" for c in ("S1", "S2", "S3", "S4")}
    departments |= {c: "Care" for c in ("C1", "C2", "C3", "C4", "C5")}
    first = [[(c, F) for c in ("S1", "S2", "S3", "C1", "C2", "C3")]]
    later = one_by_one("S4", "C4", "C5")
    assert released(first + later, 3) == {"S1", "S2", "S3", "C1", "C2", "C3", "S4", "C4", "C5"}
    shown = released(first + later, 3, department_of=departments)
    assert shown == {"S1", "S2", "S3", "C1", "C2", "C3"}


def test_a_department_too_small_to_publish_never_holds_the_room_back() -> None:
    departments = {"A": "Legal", "B": None, "C": None}
    assert released(one_by_one("A", "B", "C"), 3, department_of=departments) == {"A", "B", "C"}


def test_a_k_raised_mid_round_keeps_what_was_shown_and_applies_from_then_on() -> None:
    moments = one_by_one("A", "B", "C", "D", "E")
    # k was 3 for the first five finishes, then raised to 4: the pending D and E wait.
    assert released(moments, [(0, 3), (5, 4)]) == {"A", "B", "C"}
    assert released([*moments, [("F", F)]], [(0, 3), (5, 4)]) == {"A", "B", "C"}
    more = [*moments, [("F", F)], [("G", F)]]
    assert released(more, [(0, 3), (5, 4)]) == {"A", "B", "C", "D", "E", "F", "G"}
    # Replaying the whole round with k = 4 would have shown 4 people: one more than before.
    assert released(moments, 4) == {"A", "B", "C", "D"}


def test_second_and_microsecond_stamps_sort_in_the_order_they_happened() -> None:
    imported = Participant("IMP", F, finished=True, finished_at="2026-11-30T09:15:02Z")
    kiosk = Participant("KIO", F, finished=True, finished_at="2026-11-30T09:15:02.500000Z")
    assert instant("2026-11-30T09:15:02Z") < instant("2026-11-30T09:15:02.500000Z")
    assert finish_order([kiosk, imported]) == [[("IMP", F)], [("KIO", F)]]
