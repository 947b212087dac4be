"""A finished workshop on general-en in a real session file: answers, estimates, actions.

Imported by name (``from workshop import ...``): a module called ``conftest`` is
ambiguous when several test folders run together."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from coherence_tui.domain.model import Level, SessionSettings, SessionState
from coherence_tui.domain.plan import ActionDraft
from coherence_tui.storage.questionnaires import load
from coherence_tui.storage.store import ImportRow, SessionStore

HOSTILE = '<script>alert(1)</script> =HYPERLINK("x") [x](http://evil.example) | *b*'
"""Text a facilitator might type (or paste): shown as typed, never run, linked or parsed."""


def make_workshop(path: Path, *, seed: int = 7, board_mean: int = 2) -> SessionStore:
    """Board 3 (agrees), management 3, front line 4 (disagrees), two departments, a
    prediction round, two actions (one with hostile text)."""
    q = load("general-en")
    store = SessionStore.create(
        path,
        name=path.stem,
        questionnaire=q,
        settings=SessionSettings(k=3, departments=("Sales", "Care"), prediction_round=True),
    )
    rng = random.Random(seed)
    means = {Level.BOARD: board_mean, Level.MANAGEMENT: 0, Level.FRONT_LINE: -1}
    rows: list[ImportRow] = []
    for level, count in ((Level.BOARD, 3), (Level.MANAGEMENT, 3), (Level.FRONT_LINE, 4)):
        for n in range(count):
            code = f"{level.value[:2].upper()}{n}"
            for item in q.items:
                value = max(-2, min(2, means[level] + rng.choice((-1, 0, 0, 1))))
                department = "Sales" if n % 2 else "Care"
                rows.append(
                    ImportRow(code, level, department, item.id, -value if item.reverse else value)
                )
    store.import_answers(rows)  # one durable write for every answer
    for code in ("BO0", "BO1", "BO2", "MA0", "MA1", "MA2"):
        for item in q.predict_items:
            store.record_prediction(code, item.id, 80 if code.startswith("BO") else 55)
    today = datetime.now(UTC).date()
    store.add_action(
        ActionDraft(
            item="R05",
            what="Let the front line settle complaints up to 100 EUR",
            owner="Head of Customer Care",
            first_step="Draft the rule with two team leaders",
            first_step_due=today + timedelta(days=14),
            kpi="complaints settled at first contact",
            review=today + timedelta(days=90),
        )
    )
    store.add_action(
        ActionDraft(
            area="feedback",
            what=HOSTILE,
            owner="=cmd|' /C calc'!A0",
            first_step="Collect what customers say, weekly",
            first_step_due=today + timedelta(days=30),
            kpi="@SUM(1+1)",
            review=today + timedelta(days=60),
        )
    )
    store.update_state(SessionState(revealed=True, ended=True))
    return store


@pytest.fixture
def workshop(tmp_path: Path) -> SessionStore:
    return make_workshop(tmp_path / "sessions" / "acme-2026.json")
