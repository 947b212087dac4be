"""Fixtures for every test: the kiosk shows statements in the questionnaire's own order.

Participants see their own shuffled order (``coherence_tui.domain.order``); tests that
press keys for particular statements rely on item order, so it is pinned here unless a
test is marked ``shuffled`` (the shuffle's own tests). Kiosks in subprocesses (browser
tests) shuffle as in production.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import pytest

from coherence_tui.domain.model import Item
from coherence_tui.screens import kiosk


class ItemOrder:
    """The questionnaire's own order for every participant."""

    @staticmethod
    def first(items: Sequence[Item], seed: str) -> tuple[Item, ...]:
        return tuple(items)

    @staticmethod
    def participant(items: Sequence[Item], first: Item, code: str) -> tuple[Item, ...]:
        return tuple(items)

    @staticmethod
    def resumed(items: Sequence[Item], code: str, answered: Collection[str]) -> tuple[Item, ...]:
        return tuple(items)


@pytest.fixture(autouse=True)
def _item_order(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.node.get_closest_marker("shuffled") is None:
        monkeypatch.setattr(kiosk, "STATEMENT_ORDER", ItemOrder())
