"""The demo workshop: 30 participants, three departments, a classic disconnect.

The board rates its declarations high; the front line rates its resources
low; management sits in between and is split on behaviours. Generated from
a fixed seed, so every demo shows the same figures. Facilitator PIN: 1234.
It runs a prediction round: the board expects far more of the front line to
agree with the predict statements than do, management somewhat more.
"""

from __future__ import annotations

import random
from pathlib import Path

from coherence_tui.domain.model import (
    Factor,
    Level,
    SessionSettings,
    SessionState,
    UpdateRule,
)
from coherence_tui.domain.pin import hash_pin
from coherence_tui.storage.questionnaires import load
from coherence_tui.storage.store import ImportRow, SessionStore

DEMO_NAME = "demo"
DEMO_PIN = "1234"
DEMO_DEPARTMENTS = ("Sales", "Customer Care", "Operations")
_SEED = 20261124

# Mean answer (-2..2, before reverse-wording) per level and factor.
_PROFILE: dict[Level, dict[Factor, float]] = {
    Level.BOARD: {Factor.DECLARATIONS: 1.6, Factor.RESOURCES: 1.0, Factor.BEHAVIOURS: 1.1},
    Level.MANAGEMENT: {Factor.DECLARATIONS: 0.9, Factor.RESOURCES: 0.1, Factor.BEHAVIOURS: 0.4},
    Level.FRONT_LINE: {Factor.DECLARATIONS: 0.4, Factor.RESOURCES: -0.9, Factor.BEHAVIOURS: 0.6},
}
_HEADCOUNT = {Level.BOARD: 4, Level.MANAGEMENT: 9, Level.FRONT_LINE: 17}
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def demo_rows(item_factors: list[tuple[str, Factor, bool]]) -> list[ImportRow]:
    """The demo's answers: deterministic, realistic spread, some don't knows."""
    rng = random.Random(_SEED)
    rows: list[ImportRow] = []
    codes: set[str] = set()
    for level, count in _HEADCOUNT.items():
        for n in range(count):
            code = ""
            while not code or code in codes:
                code = "".join(rng.choice(_CODE_ALPHABET) for _ in range(6))
            codes.add(code)
            department = None if level is Level.BOARD else DEMO_DEPARTMENTS[n % 3]
            # Management is split on behaviours: half see them well, half poorly.
            lean = 0.0
            if level is Level.MANAGEMENT:
                lean = 1.2 if n % 2 else -1.2
            stopped_early = level is Level.FRONT_LINE and n == count - 1
            for index, (item_id, factor, reverse) in enumerate(item_factors):
                if stopped_early and index >= len(item_factors) // 2:
                    break
                if rng.random() < 0.04:
                    rows.append(ImportRow(code, level, department, item_id, None))
                    continue
                mean = _PROFILE[level][factor] + (lean if factor is Factor.BEHAVIOURS else 0.0)
                value = max(-2, min(2, round(rng.gauss(mean, 0.8))))
                rows.append(
                    ImportRow(code, level, department, item_id, -value if reverse else value)
                )
    return rows


def ensure_demo(sessions_dir: Path, *, questionnaire_id: str = "general-en") -> Path:
    """Write a fresh demo session (replacing an older demo) and return its path."""
    sessions_dir.mkdir(parents=True, exist_ok=True)
    path = sessions_dir / f"{DEMO_NAME}.json"
    questionnaire = load(questionnaire_id)
    salt, digest = hash_pin(DEMO_PIN)
    settings = SessionSettings(
        k=3,
        departments=DEMO_DEPARTMENTS,
        update_rule=UpdateRule.PARTICIPANT,
        start_hidden=False,
        prediction_round=True,
        pin_salt=salt,
        pin_hash=digest,
    )
    path.unlink(missing_ok=True)
    store = SessionStore.create(
        path,
        name=DEMO_NAME,
        questionnaire=questionnaire,
        settings=settings,
        state=SessionState(revealed=True),
    )
    store.import_answers(
        demo_rows([(item.id, item.factor, item.reverse) for item in questionnaire.items])
    )
    rng = random.Random(_SEED + 1)
    expected = {Level.BOARD: 78, Level.MANAGEMENT: 62}
    for participant in store.snapshot().participants:
        if participant.level not in expected:
            continue
        for item in questionnaire.predict_items:
            guess = round(rng.gauss(expected[participant.level], 10) / 5) * 5
            store.record_prediction(participant.code, item.id, max(0, min(100, guess)))
    return path
