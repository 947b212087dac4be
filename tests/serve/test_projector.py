"""The projector's join code and the facilitator's new link, against the server's sidecar."""

from __future__ import annotations

import os
from pathlib import Path

from coherence_tui.app import CoherenceApp
from coherence_tui.screens.facilitator import FacilitatorScreen
from coherence_tui.serve import room as room_file
from coherence_tui.serve.qr import modules_of
from coherence_tui.serve.room import RoomState
from coherence_tui.widgets.join_code import JoinCode
from tests.serve.test_kiosk_touch import wait_for

URL = "http://192.0.2.7:8765/j/abcdefghjk"


def serving(session: Path, *, kiosks: int = 0) -> None:
    """A sidecar as a running server writes it (this test process stands in for it)."""
    state = RoomState(pid=os.getpid(), url=URL, token="abcdefghjk", kiosks=kiosks, max_kiosks=40)
    room_file.write_state(session, state)


async def test_the_projector_shows_the_join_code_while_a_server_runs(session: Path) -> None:
    app = CoherenceApp(start="dashboard", session=session)
    async with app.run_test(size=(80, 24)) as pilot:
        join = app.screen.query_one(JoinCode)
        await pilot.pause()
        assert not join.display  # no server yet
        serving(session, kiosks=7)
        await wait_for(pilot, lambda: join.display and join.region.height > 0)  # laid out
        assert (join.url, join.kiosks, join.max_kiosks) == (URL, 7, 40)
        assert join.region.height >= len(join.lines()) + 3  # the whole code is on screen
        assert len(modules_of(join.lines())[0]) <= join.content_region.width
        await pilot.press("j")
        await pilot.pause()
        assert not join.display  # the facilitator hid it
        await pilot.press("j")
        await pilot.pause()
        assert join.display
        room_file.remove_state(session)
        await wait_for(pilot, lambda: not join.display)


async def test_the_facilitator_menu_asks_the_server_for_a_new_link(session: Path) -> None:
    serving(session)
    app = CoherenceApp(start="run", session=session)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f12", *"2468", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, FacilitatorScreen))
        screen = app.screen
        assert isinstance(screen, FacilitatorScreen) and "rotate" in screen.entries()
        await pilot.press("o")
        await pilot.pause()
    assert room_file.take_rotation_request(session)


async def test_the_menu_offers_no_new_link_without_a_server(session: Path) -> None:
    app = CoherenceApp(start="run", session=session)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f12", *"2468", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, FacilitatorScreen))
        screen = app.screen
        assert isinstance(screen, FacilitatorScreen) and "rotate" not in screen.entries()
        await pilot.press("l")
        await pilot.pause()
    assert not room_file.take_rotation_request(session)
