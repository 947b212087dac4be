"""Version counters and one-value-per-slot memos: how a report reuses what did not change.

A ``Tally`` bumps a ``Versions`` counter for everything an answer touches (its groups,
and each group's sums of the item). A part of a report (a group's scores, a gap, an
item's figures) is remembered in a ``Memo`` under a *slot* (what it is: ``"board"``,
a gap's key, an item id) with a *stamp*: the counters, and anything else, it was
computed from. Asked again with the same stamp, the memo returns the same object;
with another stamp it computes afresh and forgets the old value, so a memo holds at
most one value per slot however long the session runs.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class Versions:
    """Change counters by name; a name never bumped is at version 0."""

    __slots__ = ("_counts",)

    def __init__(self) -> None:
        self._counts: dict[Hashable, int] = {}

    def __getitem__(self, name: Hashable) -> int:
        return self._counts.get(name, 0)

    def bump(self, *names: Hashable) -> None:
        """``names`` changed: whatever was computed from their old versions is stale."""
        counts = self._counts
        for name in names:
            counts[name] = counts.get(name, 0) + 1


class Memo(Generic[V]):
    """One remembered value per slot, valid while the slot's stamp is unchanged."""

    __slots__ = ("_entries",)

    def __init__(self) -> None:
        self._entries: dict[Hashable, tuple[Hashable, V]] = {}

    def get(self, slot: Hashable, stamp: Hashable, compute: Callable[[], V]) -> V:
        """The value remembered for ``slot`` if it was computed at ``stamp``, else
        ``compute()`` (remembered at ``stamp`` in place of the old value)."""
        entry = self._entries.get(slot)
        if entry is not None and entry[0] == stamp:
            return entry[1]
        value = compute()
        self._entries[slot] = (stamp, value)
        return value

    def clear(self) -> None:
        self._entries.clear()
