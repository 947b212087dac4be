"""Small questionnaires and workshops built in code, so domain tests need no files."""

from __future__ import annotations

import pytest

from coherence_tui.domain.model import Item, Questionnaire, Scale


def make_questionnaire(per_factor: int = 2, reverse_every: int = 0) -> Questionnaire:
    """``per_factor`` items per factor (ids D1.., R1.., B1..); every n-th item reverse-worded."""
    items = []
    n = 0
    for prefix, factor in (("D", "declarations"), ("R", "resources"), ("B", "behaviours")):
        for i in range(1, per_factor + 1):
            n += 1
            reverse = bool(reverse_every) and n % reverse_every == 0
            items.append(
                Item(
                    id=f"{prefix}{i}",
                    factor=factor,
                    area="processes",
                    text=f"Statement {prefix}{i} here",
                    reverse=reverse,
                )
            )
    return Questionnaire(
        id="pencil",
        version="1",
        language="en",
        title="Pencil workshop",
        company_type="general",
        scale=Scale(labels=("SD", "D", "N", "A", "SA"), dont_know="DK"),
        items=tuple(items),
    )


@pytest.fixture
def questionnaire() -> Questionnaire:
    return make_questionnaire()
