"""LiveSession follows the session one change at a time, and only builds what is asked for."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import coherence_tui.storage.journal_log as journal_module
from coherence_tui.domain import scoring
from coherence_tui.domain.model import Level, SessionSettings, SessionState
from coherence_tui.services.live import LiveSession
from coherence_tui.storage.store import ImportRow, SessionStore
from tests.domain.conftest import make_questionnaire

Q = make_questionnaire(per_factor=2)
ITEMS = [item.id for item in Q.items]
DEPARTMENTS = ("Sales", "Care", "IT")


def new_session(tmp_path: Path, *, k: int) -> Path:
    path = tmp_path / "room.json"
    SessionStore.create(
        path,
        name="room",
        questionnaire=Q,
        settings=SessionSettings(k=k, departments=DEPARTMENTS),
        state=SessionState(revealed=True),
    )
    return path


def fresh(path: Path) -> LiveSession:
    return LiveSession(SessionStore.open(path))


@pytest.mark.parametrize(
    ("seed", "checkpoint"), [(3, 1000), (17, 1000), (5, 7)], ids=["journal", "journal-2", "folds"]
)
def test_a_live_session_following_a_busy_room_always_equals_a_fresh_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int, checkpoint: int
) -> None:
    """Two kiosks and an importer, departments, k raised mid-round, late answers of people
    who finished (a merged import does that), a checkpoint every few changes or none, the
    session ended at the end: the projector's incremental view, and a kiosk's own, equal a
    session opened afresh after every step."""
    monkeypatch.setattr(journal_module, "JOURNAL_CHECKPOINT", checkpoint)
    path = new_session(tmp_path, k=2)
    projector = fresh(path)
    assert projector.report.answers == 0  # the view exists from here on, kept up to date
    kiosk = fresh(path)
    other = SessionStore.open(path)
    rng = random.Random(seed)
    open_codes: dict[str, str] = {}  # code -> "kiosk" | "other"
    finished: list[str] = []
    imports = 0
    for step in range(120):
        roll = rng.random()
        writer = rng.choice(["kiosk", "other"])
        mine = [c for c, w in open_codes.items() if w == writer]
        if roll < 0.2 or not mine:
            level, department = rng.choice(list(Level)), rng.choice([*DEPARTMENTS, None])
            if writer == "kiosk":
                code = kiosk.start_participant(level, department).code
            else:
                code = other.add_participant(level, department).code
            open_codes[code] = writer
        elif roll < 0.33:
            code = rng.choice(mine)
            (kiosk.finish_participant if writer == "kiosk" else other.finish_participant)(code)
            del open_codes[code]
            finished.append(code)
        elif roll < 0.35:
            imports += 1
            other.import_answers(
                [ImportRow(f"IMP{imports}", Level.BOARD, "Sales", item, 1) for item in ITEMS[:3]]
            )
        elif roll < 0.36 and step > 40 and projector.settings.k == 2:
            kiosk.update_settings(kiosk.settings.model_copy(update={"k": 3}))
        elif roll < 0.42 and finished:
            other.record_answer(rng.choice(finished), rng.choice(ITEMS), rng.choice([None, 2]))
        else:
            value = rng.choice([None, -2, -1, 0, 1, 2])
            record = kiosk.record_answer if writer == "kiosk" else other.record_answer
            record(rng.choice(mine), rng.choice(ITEMS), value)
        if rng.random() < 0.3:
            kiosk.poll()
        projector.poll()
        now = fresh(path)
        assert projector.report.to_json() == now.report.to_json(), (seed, step)
        assert projector.full_report.to_json() == now.full_report.to_json(), (seed, step)
        if step % 10 == 0:
            kiosk.poll()
            assert kiosk.report.to_json() == now.report.to_json(), (seed, step)
    kiosk.update_state(kiosk.state.model_copy(update={"ended": True}))
    projector.poll()
    assert projector.report.to_json() == fresh(path).report.to_json()
    assert projector.report.to_json() == projector.full_report.to_json(), "ended: all count"


def test_a_kiosk_that_only_collects_answers_never_scores_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[str] = []
    real_init = scoring.Tally.__init__

    def counting_init(self: scoring.Tally, *args: object, **kwargs: object) -> None:
        built.append("tally")
        real_init(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(scoring.Tally, "__init__", counting_init)
    path = new_session(tmp_path, k=1)
    other = SessionStore.open(path)
    kiosk = fresh(path)
    for round_number in range(3):
        someone = other.add_participant(Level.BOARD, "IT")
        other.record_answer(someone.code, ITEMS[0], 2)
        other.finish_participant(someone.code)
        kiosk.poll()
        person = kiosk.start_participant(Level.FRONT_LINE, "Care")
        for item in ITEMS:
            kiosk.poll()
            kiosk.record_answer(person.code, item, round_number - 1)
        kiosk.finish_participant(person.code)
    assert built == []
    assert len(SessionStore.open(path).snapshot().answers) == 3 * (len(ITEMS) + 1)
    assert kiosk.report.group(Level.FRONT_LINE).n == 3  # built the moment it is asked for
    assert built == ["tally"]
