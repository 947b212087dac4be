"""Copies of the bench's session for the UI benches (the original is never touched)."""

from __future__ import annotations

import shutil
from pathlib import Path

from coherence_tui.domain.model import SessionSettings, SessionState
from coherence_tui.storage.store import ImportRow, SessionStore


def english_copy(source: Path, folder: Path) -> Path:
    """The session as it is, in English (the benches look for English words)."""
    path = folder / source.name
    shutil.copy2(source, path)
    store = SessionStore.open(path)
    store.update_settings(store.snapshot().settings.model_copy(update={"language": "en"}))
    return path


def rehearsal_copy(source: Path, folder: Path) -> Path:
    """The session's answers in a rehearsal session (k = 1), revealed, in English.

    With k = 1 every finished participant reaches the room at once, so a participant's
    last answer and finish move the dashboard (with k = 3 most finishes wait for a batch).
    """
    old = SessionStore.open(source).snapshot()
    path = folder / f"rehearsal-{source.name}"
    store = SessionStore.create(
        path,
        name="rehearsal",
        questionnaire=old.questionnaire,
        settings=SessionSettings(k=1, departments=old.settings.departments, language="en"),
        state=SessionState(revealed=True),
    )
    people = {p.code: p for p in old.participants}
    store.import_answers(
        [
            ImportRow(
                a.participant,
                people[a.participant].level,
                people[a.participant].department,
                a.item,
                a.value,
            )
            for a in old.answers
        ]
    )
    return path
