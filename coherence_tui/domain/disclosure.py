"""What may be shown: k, the departments' subtraction audit, batched room releases.

DESIGN.md *Anonymity*, in three pure functions a report, a screen or an export
asks before it shows anything:

- ``publishable``: a group of at least ``k`` counting participants;
- ``audit_departments``: which departments can be published next to the
  levels and ``all`` without any set of 1..k-1 people being recoverable by
  adding and subtracting published figures;
- ``released``: which finished participants the room may see, in batches of
  0 or at least ``k`` people per level.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from functools import lru_cache

from coherence_tui.domain.vocabulary import LEVELS, Level, Participant

Cell = tuple[Level, str | None]
"""(level, department or ``None``): the smallest block of people the figures can address."""

AUDIT_BUDGET = 200_000
"""Subsets the audit may try for one department. Past it (only with a large k and many
tiny cells) the department is suppressed: not proven safe counts as unsafe."""


class Suppression(StrEnum):
    """Why a group shows no figure (``suppressed_reason`` in ``report --json``)."""

    FEWER_THAN_K = "fewer_than_k"
    SUBTRACTION = "subtraction"


def publishable(n: int, k: int) -> bool:
    """A group may show figures once at least ``k`` of its participants answered anything."""
    return n >= k


def department_order(counts: Mapping[str, int]) -> list[str]:
    """Largest first; ties by name in code-point order (as Python's ``sorted``)."""
    return sorted(counts, key=lambda name: (-counts[name], name))


@dataclass(frozen=True, slots=True)
class Audit:
    """The outcome of the subtraction audit for one session's departments."""

    order: tuple[str, ...]
    """Departments in the order they were tried (largest n first)."""
    suppressed: Mapping[str, Suppression]
    """Departments that may not be published, with the reason."""

    def admitted(self, department: str) -> bool:
        return department not in self.suppressed


def audit_departments(cells: Mapping[Cell, int], k: int) -> Audit:
    """Admit departments one by one, largest first, while no small set becomes exposed.

    ``cells`` maps (level, department-or-None) to its counting participants. The
    published equations are each publishable level, ``all`` (equal level weights) and
    every department admitted so far, each a linear combination of the cells' sums. A
    set of cells holding 1..k-1 people is exposed when its indicator vector lies in the
    span of those equations; empty cells are left out.
    """
    live = [cell for cell, n in cells.items() if n > 0]
    index = {cell: i for i, cell in enumerate(live)}
    level_n = {lv: sum(cells.get(c, 0) for c in live if c[0] is lv) for lv in LEVELS}
    equations: list[list[Fraction]] = []
    published_levels = [lv for lv in LEVELS if publishable(level_n[lv], k)]
    for lv in published_levels:
        equations.append(_indicator(index, (c for c in live if c[0] is lv)))
    if published_levels:
        equations.append(
            [Fraction(1, level_n[c[0]]) if c[0] in published_levels else Fraction(0) for c in live]
        )
    dept_n: dict[str, int] = {}
    for (_lv, dept), n in cells.items():
        if dept is not None:
            dept_n[dept] = dept_n.get(dept, 0) + n
    order = department_order(dept_n)
    suppressed: dict[str, Suppression] = {}
    for dept in order:
        if not publishable(dept_n[dept], k):
            suppressed[dept] = Suppression.FEWER_THAN_K
            continue
        trial = [*equations, _indicator(index, (c for c in live if c[1] == dept))]
        if _exposes(trial, [cells[c] for c in live], k):
            suppressed[dept] = Suppression.SUBTRACTION
        else:
            equations = trial
    return Audit(order=tuple(order), suppressed=suppressed)


AuditShape = tuple[frozenset[tuple[Cell, int]], tuple[str, ...]]


def audit_shape(cells: Mapping[Cell, int], k: int) -> AuditShape:
    """All ``audit_departments(cells, k)`` depends on: cells of equal shape, equal audits.

    The shape is each cell's size capped at ``k`` and the order the departments are
    tried in. A cell's exact size matters only below ``k``: only such cells can form an
    exposed set, and their sizes bound its head count. Above it, what counts is that a
    level or department holds at least ``k`` (a sum of sizes reaches ``k`` exactly when the
    capped sum does) and the equations, which are indicators of cells, except ``all``'s:
    its weights are the levels' sizes, but it is a combination of the publishable
    levels' own equations, so it never changes their span. Nor does the order the cells
    are listed in change the outcome: a set is exposed or not in any order, and the
    search tries the same subsets when none is. A scoring engine reuses an audit while
    its shape holds (a new participant in a large cell changes nothing).
    """
    dept_n: dict[str, int] = {}
    for (_lv, dept), n in cells.items():
        if dept is not None:
            dept_n[dept] = dept_n.get(dept, 0) + n
    capped = frozenset((cell, min(n, k)) for cell, n in cells.items())
    return capped, tuple(department_order(dept_n))


def _indicator(index: Mapping[Cell, int], members: Iterable[Cell]) -> list[Fraction]:
    row = [Fraction(0)] * len(index)
    for cell in members:
        row[index[cell]] = Fraction(1)
    return row


def _null_space(rows: Sequence[Sequence[Fraction]], width: int) -> list[list[Fraction]]:
    """A basis of {x : row . x = 0 for every row}, by exact Gauss-Jordan elimination."""
    matrix = [list(row) for row in rows]
    pivots: list[int] = []
    r = 0
    for col in range(width):
        pivot = next((i for i in range(r, len(matrix)) if matrix[i][col] != 0), None)
        if pivot is None:
            continue
        matrix[r], matrix[pivot] = matrix[pivot], matrix[r]
        lead = matrix[r][col]
        matrix[r] = [v / lead for v in matrix[r]]
        for i in range(len(matrix)):
            if i != r and matrix[i][col] != 0:
                factor = matrix[i][col]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[r], strict=True)]
        pivots.append(col)
        r += 1
        if r == len(matrix):
            break
    basis = []
    for free in (c for c in range(width) if c not in pivots):
        vector = [Fraction(0)] * width
        vector[free] = Fraction(1)
        for row, col in enumerate(pivots):
            vector[col] = -matrix[row][free]
        basis.append(vector)
    return basis


def _exposes(rows: Sequence[Sequence[Fraction]], sizes: Sequence[int], k: int) -> bool:
    """Whether some set of cells holding 1..k-1 people has its indicator in the rows' span.

    A vector lies in the row space exactly when it is orthogonal to the null space, so
    each cell gets a signature (its entries in the null-space basis) and a set is
    exposed when its signatures sum to zero. Only cells of at most k-1 people can
    belong to such a set; they are searched depth-first with their head count bounded.
    """
    width = len(sizes)
    small = [i for i in range(width) if sizes[i] <= k - 1]
    if not small:
        return False  # no cell of 1..k-1 people: no set of them to expose (no algebra needed)
    basis = _null_space(rows, width)
    signature = {i: tuple(vector[i] for vector in basis) for i in small}
    zero = tuple(Fraction(0) for _ in basis)
    tried = 0

    def search(start: int, people: int, total: tuple[Fraction, ...]) -> bool:
        nonlocal tried
        for pos in range(start, len(small)):
            cell = small[pos]
            grown = people + sizes[cell]
            if grown > k - 1:
                continue
            tried += 1
            if tried > AUDIT_BUDGET:
                return True
            summed = tuple(a + b for a, b in zip(total, signature[cell], strict=True))
            if summed == zero or search(pos + 1, grown, summed):
                return True
        return False

    return search(0, 0, zero)


KSchedule = Sequence[tuple[int, int]]
"""k during a round: (people already finished when it took effect, k), in order."""


def k_in_force(schedule: KSchedule, finished: int) -> int:
    """The k that applies once ``finished`` people have finished."""
    k = schedule[0][1]
    for since, value in schedule:
        if since <= finished:
            k = value
    return k


def published_departments(cells: Mapping[Cell, int], k: int) -> frozenset[str]:
    """Departments a view of these people publishes: publishable and admitted by the audit."""
    return _published(tuple(cells.items()), k)


@lru_cache(maxsize=512)
def _published(cells: tuple[tuple[Cell, int], ...], k: int) -> frozenset[str]:
    """``published_departments``, remembered: a replay of the room's batches asks about the
    same view twice (after one batch, before the next), and every process replays alike."""
    audit = audit_departments(dict(cells), k)
    return frozenset(d for d in audit.order if d not in audit.suppressed)


class Releases:
    """``released``, fed one finish moment at a time: the same answer without a replay.

    A live session keeps one and adds each new finish as it happens (in the stored order);
    ``released`` itself is this class fed every moment at once, so both agree by
    construction. Feeding a moment costs at most one subtraction audit, whatever the
    number of people who finished before.
    """

    def __init__(
        self,
        k: int | KSchedule,
        *,
        department_of: Mapping[str, str | None] | None = None,
    ) -> None:
        self._schedule: KSchedule = [(0, k)] if isinstance(k, int) else k
        self._department_of = department_of
        self._pending: dict[Level, list[str]] = {lv: [] for lv in LEVELS}
        self._out: set[str] = set()
        self._shown: dict[Cell, int] = {}
        self._seen = 0

    @property
    def released(self) -> frozenset[str]:
        return frozenset(self._out)

    def add(self, moment: Sequence[tuple[str, Level]]) -> bool:
        """The next moment's finishes (everyone who finished at it); True if a batch left."""
        now_k = k_in_force(self._schedule, self._seen)
        self._seen += len(moment)
        pending = self._pending
        for code, level in moment:
            pending[level].append(code)
        if not all(len(codes) == 0 or len(codes) >= now_k for codes in pending.values()):
            return False
        department_of = self._department_of
        batch: dict[Cell, int] = {}
        for level, codes in pending.items():
            for code in codes:
                cell = (level, department_of.get(code) if department_of else None)
                batch[cell] = batch.get(cell, 0) + 1
        if department_of is not None and not _departments_move_by_k(self._shown, batch, now_k):
            return False
        for cell, n in batch.items():
            self._shown[cell] = self._shown.get(cell, 0) + n
        released = False
        for codes in pending.values():
            released = released or bool(codes)
            self._out.update(codes)
            codes.clear()
        return released


def released(
    finishes: Iterable[Sequence[tuple[str, Level]]],
    k: int | KSchedule,
    *,
    department_of: Mapping[str, str | None] | None = None,
) -> frozenset[str]:
    """The finished participants the room may see, replaying finishes in their order.

    ``finishes`` are the moments people finished, in order, each with everyone who
    finished at that moment (one kiosk's thank-you, or a whole imported batch).
    Newly finished people wait until every level holds 0 or at least ``k`` of them,
    then are released together, so no two consecutive room views differ by 1..k-1
    people of a level. Every process replays the same stored order, so two projectors
    and a restarted one show the same batches.

    Beyond DESIGN.md (which names levels only): with ``department_of``, a department the
    room sees both before and after a batch must also gain 0 or at least k people, or
    ``4 x after - 3 x before`` of that department would give one newcomer's answers.
    ``k`` may be a schedule (``KSchedule``): a k raised mid-round applies from then on,
    and what was released under the old k stays released.
    """
    releases = Releases(k, department_of=department_of)
    for moment in finishes:
        releases.add(moment)
    return releases.released


def _departments_move_by_k(shown: Mapping[Cell, int], batch: Mapping[Cell, int], k: int) -> bool:
    """Whether every department published before and after the batch gains 0 or >= k people."""
    gained: dict[str, int] = {}
    for (_lv, department), n in batch.items():
        if department is not None:
            gained[department] = gained.get(department, 0) + n
    few = {department for department, n in gained.items() if 0 < n < k}
    if not few:
        return True  # every department gains 0 or at least k: no audit needed to know it
    after = dict(shown)
    for cell, n in batch.items():
        after[cell] = after.get(cell, 0) + n
    stable = published_departments(shown, k) & published_departments(after, k)
    return not (stable & few)


REHEARSAL_BELOW = 3
"""A session with k below this is a rehearsal: the dashboard says so on screen."""


def is_rehearsal(k: int) -> bool:
    return k < REHEARSAL_BELOW


def check_k_change(current: int, wanted: int, *, has_answers: bool) -> str | None:
    """Why ``wanted`` may not replace ``current`` as k; ``None`` when it may.

    People answered believing small groups were hidden, so k is never lowered once a
    session has answers (raising it is always fine), and never goes below 3 unless the
    session was created as a rehearsal (with k 1 or 2).
    """
    if wanted < 1:
        return "k must be at least 1"
    if wanted < current and has_answers:
        return f"k cannot be lowered below {current} once the session has answers"
    if is_rehearsal(wanted) and not is_rehearsal(current):
        return f"k cannot go below {REHEARSAL_BELOW} (only a session created as a rehearsal can)"
    return None


def finish_order(participants: Iterable[Participant]) -> list[list[tuple[str, Level]]]:
    """Finished participants grouped by the moment they finished, in order, for ``released``.

    People stored with the same ``finished_at`` (an import, or an old file's one-second
    timestamps) finished at one moment.
    """
    moments: dict[str, list[tuple[str, Level]]] = {}
    for p in sorted((p for p in participants if p.finished), key=lambda p: p.code):
        moments.setdefault(instant(p.finished_at), []).append((p.code, p.level))
    return [moments[when] for when in sorted(moments)]


def instant(stamp: str | None) -> str:
    """An ISO 8601 UTC stamp made sortable as text: second stamps get ``.000000``.

    Older files (and imports) stamp to the second, kiosks to the microsecond; without
    this, ``...:00.5Z`` would sort before ``...:00Z``.
    """
    if not stamp:
        return ""
    if len(stamp) == 20 and stamp.endswith("Z"):  # 2026-11-30T09:15:02Z
        return stamp[:-1] + ".000000Z"
    return stamp
