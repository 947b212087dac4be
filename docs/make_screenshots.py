"""Regenerate the README's SVG screenshots of the screens after the reveal.

    .venv/bin/python docs/make_screenshots.py

Builds the demo workshop in a temporary folder (plus an earlier one to compare with and
three actions), drives the app with Pilot and saves each screen with
``app.save_screenshot()`` into ``docs/``.
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from coherence_tui.app import CoherenceApp
from coherence_tui.domain.model import SessionState
from coherence_tui.domain.plan import ActionDraft
from coherence_tui.services.demo import DEMO_PIN, ensure_demo
from coherence_tui.storage.store import SessionStore

DOCS = Path(__file__).resolve().parent
SIZE = (120, 38)


def actions(store: SessionStore) -> None:
    today = datetime.now(UTC).date()
    for about, what, owner, step, kpi in (
        ({"item": "R11"}, "Show every agent the customer's earlier contacts", "Head of IT",
         "Pilot the contact history in the Care team", "repeat contacts per customer"),
        ({"item": "R05"}, "Let the front line settle complaints up to 100 EUR",
         "Head of Customer Care", "Draft the rule with two team leaders",
         "complaints settled at first contact"),
        ({"area": "feedback"}, "Put what customers say on every team meeting's agenda",
         "Operations director", "Add a 10-minute customer slot to the weekly meetings",
         "suggestions acted on per month"),
    ):
        store.add_action(ActionDraft.model_validate({
            **about, "what": what, "owner": owner, "first_step": step,
            "first_step_due": today + timedelta(days=21), "kpi": kpi,
            "review": today + timedelta(days=90),
        }))


async def shoot() -> None:
    with tempfile.TemporaryDirectory() as folder:
        sessions = Path(folder)
        earlier = ensure_demo(sessions)
        earlier.rename(sessions / "acme-2025.json")
        path = ensure_demo(sessions)
        store = SessionStore.open(path)
        actions(store)
        # The kiosk's prediction stage: a fresh, hidden copy of the demo.
        app = CoherenceApp(start="demo", session=path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("escape", "u")
            app.save_screenshot("after-queue.svg", str(DOCS))
            await pilot.press("down", "f")
            app.save_screenshot("after-spotlight.svg", str(DOCS))
            await pilot.press("escape", "escape", "v")
            app.save_screenshot("after-predictions.svg", str(DOCS))
            await pilot.press("escape", "h")
            app.save_screenshot("after-chain.svg", str(DOCS))
            await pilot.press("escape", "w")
            await pilot.press("enter")
            await pilot.pause()
            app.save_screenshot("after-compare.svg", str(DOCS))
            await pilot.press("escape", "a")
            app.save_screenshot("after-plan.svg", str(DOCS))
            await pilot.press("escape", "z")
            app.save_screenshot("after-closing.svg", str(DOCS))
        store.update_state(SessionState(revealed=False))
        app = CoherenceApp(start="run", session=path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("enter", "1", "1")
            for _ in store.snapshot().questionnaire.items:
                await pilot.press("4")
            await pilot.press("7")
            app.save_screenshot("after-kiosk-estimate.svg", str(DOCS))
        assert DEMO_PIN


if __name__ == "__main__":
    asyncio.run(shoot())
