"""Fixtures for the app tests: real session files in ``tmp_path``, a small questionnaire."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Input

from coherence_tui.domain.model import Factor, Item, Questionnaire, Scale, SessionSettings
from coherence_tui.domain.pin import hash_pin
from coherence_tui.storage.store import SessionStore

PIN = "2468"


@pytest.fixture(autouse=True)
def _steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Input cursors never blink, so snapshots are stable."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


def small_questionnaire(language: str = "en") -> Questionnaire:
    """Four statements over the three factors, one of them reversed."""
    return Questionnaire(
        id="tiny",
        version="1",
        language=language,
        title="Tiny service check",
        company_type="general",
        scale=Scale(
            labels=("Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree"),
            dont_know="Don't know",
        ),
        items=(
            Item(
                id="d1",
                factor=Factor.DECLARATIONS,
                area="feedback",
                text="We promise customers a reply within one day.",
            ),
            Item(
                id="r1",
                factor=Factor.RESOURCES,
                area="it",
                text="Our systems show a customer's whole history.",
            ),
            Item(
                id="b1",
                factor=Factor.BEHAVIOURS,
                area="people",
                text="We call customers back when we said we would.",
            ),
            Item(
                id="b2",
                factor=Factor.BEHAVIOURS,
                area="complaints",
                text="Complaints get passed around between teams.",
                reverse=True,
            ),
        ),
    )


def make_session(
    directory: Path,
    *,
    name: str = "workshop",
    departments: tuple[str, ...] = (),
    language: str = "en",
) -> Path:
    """A fresh session file with the test PIN."""
    salt, digest = hash_pin(PIN)
    path = directory / f"{name}.json"
    SessionStore.create(
        path,
        name=name,
        questionnaire=small_questionnaire(language),
        settings=SessionSettings(k=1, departments=departments, pin_salt=salt, pin_hash=digest),
    )
    return path


@pytest.fixture
def new_session() -> Callable[..., Path]:
    """``make_session`` for tests that need more than one session or other settings."""
    return make_session


@pytest.fixture
def session_path(tmp_path: Path) -> Path:
    return make_session(tmp_path)


@pytest.fixture
def session_with_departments(tmp_path: Path) -> Path:
    return make_session(tmp_path, departments=("Sales", "Support"))
