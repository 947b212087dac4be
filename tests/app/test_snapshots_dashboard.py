"""Snapshots of the projector dashboard on the deterministic demo session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from coherence_tui.app import CoherenceApp
from coherence_tui.domain.model import SessionState
from coherence_tui.services.demo import ensure_demo
from coherence_tui.storage.store import SessionStore


@pytest.fixture
def demo_session(tmp_path: Path) -> Path:
    return ensure_demo(tmp_path)


@pytest.mark.parametrize("lang", ["en", "pl"])
@pytest.mark.parametrize(
    "size", [(80, 24), (120, 40), (200, 50)], ids=["80x24", "120x40", "200x50"]
)
def test_dashboard_snapshot(
    snap_compare: Any, demo_session: Path, size: tuple[int, int], lang: str
) -> None:
    # The stool, the key figures and the gap bars at every size, nothing cut in Polish.
    app = CoherenceApp(start="dashboard", session=demo_session, lang=lang)
    assert snap_compare(app, terminal_size=size)


def test_dashboard_snapshot_favourable_metric_at_80x24(
    snap_compare: Any, demo_session: Path
) -> None:
    # m moves every figure: stool legs and seat, key figures, gap bars in % points.
    app = CoherenceApp(start="dashboard", session=demo_session)
    assert snap_compare(app, press=["m"], terminal_size=(80, 24))


def test_dashboard_snapshot_every_recommendation_in_polish(
    snap_compare: Any, demo_session: Path
) -> None:
    app = CoherenceApp(start="dashboard", session=demo_session, lang="pl")
    assert snap_compare(app, press=["r"], terminal_size=(80, 24))


def test_dashboard_snapshot_high_contrast(snap_compare: Any, demo_session: Path) -> None:
    store = SessionStore.open(demo_session)
    store.update_settings(store.head().settings.model_copy(update={"high_contrast": True}))
    app = CoherenceApp(start="dashboard", session=demo_session)
    assert snap_compare(app, terminal_size=(120, 40))


def test_dashboard_snapshot_favourable_metric_for_front_line(
    snap_compare: Any, demo_session: Path
) -> None:
    app = CoherenceApp(start="dashboard", session=demo_session)
    assert snap_compare(app, press=["g", "g", "g", "m"], terminal_size=(120, 40))


def test_dashboard_snapshot_results_hidden(snap_compare: Any, demo_session: Path) -> None:
    SessionStore.open(demo_session).update_state(SessionState(revealed=False))
    app = CoherenceApp(start="dashboard", session=demo_session)
    assert snap_compare(app, terminal_size=(80, 24))
