"""Each participant's statement order: shuffled within each factor, factors interleaved.

Statements in a fixed order grouped by factor invite a halo effect and reveal the
questionnaire's structure, so every participant sees their own order. Nothing new is
stored: the order is a pure function of a seed (the participant's code) and the
questionnaire's item ids, so a resumed participant continues in the same order.

The kiosk creates the participant (and so learns the code) with their first answer, so
statement 1 is drawn before the code exists: the order is ``(first,) + interleaved(rest,
code)``. ``resumed_order`` finds ``first`` again among the answered statements. Exports
never use this order (they stay ordered by participant code, then item).
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from fractions import Fraction
from typing import TypeVar

from coherence_tui.domain.vocabulary import FACTORS, ItemLike

Item = TypeVar("Item", bound=ItemLike)
"""A statement: the questionnaire model's, or a session head's plain view (a kiosk)."""


def interleaved(items: Sequence[Item], seed: str) -> tuple[Item, ...]:
    """``items`` shuffled within each factor, the factors spread evenly through the order.

    Item ``i`` of a factor with ``n`` items sits at ``(i + 1/2) / n``: equal factors
    alternate strictly (round-robin), unequal ones as evenly as their counts allow. The
    factor order at ties is shuffled too. Deterministic in ``seed`` and the item ids.
    """
    rng = random.Random(seed + "|" + ",".join(item.id for item in items))
    factors = list(FACTORS)
    rng.shuffle(factors)
    keyed: list[tuple[Fraction, int, Item]] = []
    for rank, factor in enumerate(factors):
        own = [item for item in items if item.factor is factor]
        rng.shuffle(own)
        keyed.extend((Fraction(2 * i + 1, 2 * len(own)), rank, item) for i, item in enumerate(own))
    keyed.sort(key=lambda entry: (entry[0], entry[1]))
    return tuple(item for _, _, item in keyed)


def participant_order(items: Sequence[Item], first: Item, code: str) -> tuple[Item, ...]:
    """Statement 1 (drawn before the participant existed), then the rest by ``code``."""
    return (first, *interleaved([item for item in items if item.id != first.id], code))


def resumed_order(items: Sequence[Item], code: str, answered: Collection[str]) -> tuple[Item, ...]:
    """The order participant ``code`` was answering in, from the ids they answered.

    They answered a prefix of their order, so statement 1 is the answered item whose
    order starts with exactly the answered set. A participant with no answer yet (a
    browser kiosk creates it before statement 1) starts with the code's own first
    statement. Should none fit (answers imported or
    given by an older kiosk), the answered statements come first, then the rest by code.
    """
    done = set(answered)
    if not done:  # created before statement 1 (a browser kiosk): its first is the code's
        return participant_order(items, interleaved(items, code)[0], code)
    for first in items:
        if first.id in done:
            order = participant_order(items, first, code)
            if {item.id for item in order[: len(done)]} == done:
                return order
    base = interleaved(items, code)
    return tuple(
        [item for item in base if item.id in done] + [item for item in base if item.id not in done]
    )
