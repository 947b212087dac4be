"""A Tally that reports between changes equals one built afresh from the same data.

``Tally.report()`` reuses what did not change since the last report (versions per
group and per item, ``domain.memo``). Here a Tally is fed a workshop one change at a
time in random order: participants join (some into departments the Tally did not know
yet), answer, change their answers, answer don't know, and between random changes the
report is compared with that of a fresh ``Tally.from_answers`` of the data so far,
figure by figure: exact fractions decide, floats must be the very same floats. A stale
cache shows up as a difference. Reports without intervals (a projector's first frame)
come in between too, compared with a fresh Tally's.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coherence_tui.domain.disclosure import audit_departments, audit_shape
from coherence_tui.domain.model import Answer, Level, Participant
from coherence_tui.domain.report import Report
from coherence_tui.domain.scoring import Tally
from tests.domain.strategies import DEPARTMENT_NAMES, STAMP, VALUE, Workshop, workshops
from tests.domain.test_scoring_by_hand import pencil_workshop

Change = tuple[str, str, str, int | None]
"""("answer", participant, item, value) or ("join", participant, "", None)."""


@dataclass
class SoFar:
    """What a Tally has been fed so far, to build a fresh one from."""

    w: Workshop
    known_departments: list[str]
    people: list[Participant] = field(default_factory=list)
    answers: dict[tuple[str, str], int | None] = field(default_factory=dict)

    def fresh(self) -> Tally:
        return Tally.from_answers(
            self.w.questionnaire(),
            self.people,
            [Answer(c, i, v, STAMP) for (c, i), v in self.answers.items()],
            k=self.w.k,
            departments=self.known_departments,
            session=self.w.session,
        )


def same_report(got: Report, expected: Report) -> None:
    assert list(got.groups) == list(expected.groups)
    for key, group in expected.groups.items():
        assert got.groups[key] == group, key
    assert got.gaps == expected.gaps
    for item_id, item in expected.items.items():
        assert got.items[item_id] == item, item_id
    assert got.recommendations == expected.recommendations
    assert got == expected


@st.composite
def change_streams(draw: st.DrawFn) -> tuple[Workshop, list[str], list[Change]]:
    """A workshop, the departments the Tally knows at first, and the workshop as a stream
    of joins and answers (each final answer after up to two it replaces), shuffled so
    that everybody joins before their first answer."""
    w = draw(workshops(ks=(1, 2, 3)))
    known = w.departments[: draw(st.integers(0, len(w.departments)))]
    pending: dict[str, list[Change]] = {c: [] for c, _lv, _d in w.people}
    for (code, item), final in w.answers.items():
        for value in [*draw(st.lists(VALUE, max_size=2)), final]:
            pending[code].append(("answer", code, item, value))
    joined: list[str] = []
    waiting = [c for c, _lv, _d in w.people]
    stream: list[Change] = []
    while waiting or any(pending[c] for c in joined):
        ready = [c for c in joined if pending[c]]
        if waiting and (not ready or draw(st.integers(0, 3)) == 0):
            code = waiting.pop(draw(st.integers(0, len(waiting) - 1)))
            joined.append(code)
            stream.append(("join", code, "", None))
        else:
            code = ready[draw(st.integers(0, len(ready) - 1))]
            stream.append(pending[code].pop(0))
    return w, known, stream


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(change_streams(), st.data())
def test_reports_between_changes_equal_a_fresh_tally(
    stream: tuple[Workshop, list[str], list[Change]], data: st.DataObject
) -> None:
    w, known, changes = stream
    people = {p.code: p for p in w.participants()}
    so_far = SoFar(w, list(known))
    tally = Tally(w.questionnaire(), k=w.k, departments=known, session=w.session)
    for kind, code, item, value in changes:
        if kind == "join":
            tally.add_participant(people[code])
            so_far.people.append(people[code])
        else:
            tally.record(code, item, value)
            so_far.answers[(code, item)] = value
        look = data.draw(st.integers(0, 4))
        if look == 0:
            same_report(tally.report(), so_far.fresh().report())
        elif look == 1:  # a first frame: must neither use nor leave a full report's parts
            same_report(tally.report(intervals=False), so_far.fresh().report(intervals=False))
    same_report(tally.report(intervals=False), so_far.fresh().report(intervals=False))
    same_report(tally.report(), so_far.fresh().report())
    same_report(tally.report(), so_far.fresh().report())


CELL_KEYS = [(lv, dept) for lv in Level for dept in (None, *DEPARTMENT_NAMES[:3])]


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 4),
    st.lists(
        st.sampled_from([0, 0, 0, 1, 1, 2, 3, 4, 6]),
        min_size=len(CELL_KEYS),
        max_size=len(CELL_KEYS),
    ),
    st.lists(st.integers(0, 3), min_size=len(CELL_KEYS), max_size=len(CELL_KEYS)),
    st.randoms(use_true_random=False),
)
def test_cells_of_the_same_shape_get_the_same_audit(
    k: int, sizes: list[int], growth: list[int], rnd: random.Random
) -> None:
    """The Tally reuses an audit while ``audit_shape`` holds: cells at k or above grow."""
    cells = {cell: n for cell, n in zip(CELL_KEYS, sizes, strict=True) if n}
    grown = {
        cell: n + (extra if n >= k else 0)
        for (cell, n), extra in zip(cells.items(), growth, strict=False)
    }
    shuffled = list(grown.items())
    rnd.shuffle(shuffled)
    grown = dict(shuffled)
    if audit_shape(grown, k) == audit_shape(cells, k):
        assert audit_departments(grown, k) == audit_departments(cells, k)


def test_a_tally_whose_k_or_language_is_reassigned_reports_afresh() -> None:
    """Nothing reassigns them today; if something does, no memo outlives the change."""
    tally = pencil_workshop(k=2)
    tally.report()
    tally.k = 3
    same_report(tally.report(), pencil_workshop(k=3).report())
    tally.language = "pl"
    fresh = pencil_workshop(k=3)
    fresh.language = "pl"
    polish = tally.report()
    same_report(polish, fresh.report())
    assert polish.recommendations
    assert polish.recommendations != pencil_workshop(k=3).report().recommendations
