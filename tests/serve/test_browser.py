"""A real phone-sized headless Chromium answers through ``coherence-tui serve``.

Debian's chromium (installed by ``make test`` where it can be), driven by Playwright
with that executable (Playwright's own browser download is never used). Every request
the page makes to anywhere but the server is intercepted, aborted and recorded; there
must be none.
"""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from coherence_tui.storage.store import SessionStore
from tests.serve.conftest import Served, kiosk_pids

ITEMS = 8
PHONE = {"width": 390, "height": 844}
WAIT_MS = 30_000

CHROMIUM_PATHS = ("/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser")

FIND = """(text) => {
  const rows = Array.from(document.querySelectorAll('.xterm-rows > div'));
  const size = window.ckTerminalSize;
  if (!rows.length || !size) return null;
  const screen = document.querySelector('.xterm-screen').getBoundingClientRect();
  const rowHeight = screen.height / rows.length;
  const cellWidth = screen.width / size.width;
  for (let r = rows.length - 1; r >= 0; r--) {
    const line = rows[r].textContent.replace(/\\u00a0/g, ' ');
    const c = line.indexOf(text);
    if (c >= 0) return {x: screen.x + (c + text.length / 2) * cellWidth,
                        y: screen.y + (r + 0.5) * rowHeight, rowHeight: rowHeight};
  }
  return null;
}"""
"""Where ``text`` is on the terminal (xterm.js's DOM renderer keeps each row as text)."""


def chromium() -> str | None:
    found = shutil.which("chromium")
    for path in CHROMIUM_PATHS:
        if os.access(path, os.X_OK):
            return path
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium()
    if executable is None:
        pytest.skip("no chromium here (make test installs Debian's chromium when run as root)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=["--no-sandbox", "--disable-gpu"]
        )
        yield browser
        browser.close()


class Phone:
    """One phone: a browser context the size of a phone, every outside request refused."""

    def __init__(self, browser: Any, server: Served) -> None:
        self.server = server
        self.origin = urlsplit(server.url).netloc
        self.outside: list[str] = []
        self.context = browser.new_context(
            viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
        )
        self.context.route("**/*", self._route)
        self.page: Any = None

    def _route(self, route: Any) -> None:
        if urlsplit(route.request.url).netloc == self.origin:
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def open(self, url: str) -> None:
        self.page = self.context.new_page()
        self.page.on("websocket", self._websocket)
        self.page.goto(url)
        self.page.wait_for_function("() => window.ckScreens >= 1", timeout=WAIT_MS, polling=100)

    def _websocket(self, websocket: Any) -> None:
        if urlsplit(websocket.url).netloc != self.origin:
            self.outside.append(websocket.url)

    def find(self, text: str) -> dict[str, float]:
        handle = self.page.wait_for_function(FIND, arg=text, timeout=WAIT_MS, polling=100)
        return dict(handle.json_value())

    def tap(self, text: str) -> None:
        spot = self.find(text)
        self.page.touchscreen.tap(spot["x"], spot["y"])

    def answer(self, label: str, then: str) -> None:
        self.tap(label)
        self.find(then)


@pytest.fixture
def phone(browser: Any, server: Served) -> Iterator[Phone]:
    phone = Phone(browser, server)
    yield phone
    phone.context.close()


def _finish(phone: Phone, start: int) -> None:
    for n in range(start, ITEMS):
        phone.answer("4  Agree", f"{n + 2} / {ITEMS}" if n + 1 < ITEMS else "Thank you")
    phone.page.wait_for_selector("#ck-overlay.ck-shown", timeout=WAIT_MS)
    assert "answers are saved" in phone.page.inner_text("#ck-message")


def test_a_phone_answers_by_taps_and_nothing_leaves_the_server(
    phone: Phone, session: Path, tmp_path: Path
) -> None:
    phone.open(phone.server.url)
    level = phone.find("Board")
    assert level["rowHeight"] * 3 >= 44  # a target of 3 rows is a 44 px thumb
    phone.tap("Board")
    phone.tap("Sales")
    phone.find(f"1 / {ITEMS}")
    assert phone.page.evaluate("document.fonts.check('16px \"Roboto Mono\"')")
    phone.page.screenshot(path=str(tmp_path / "statement.png"))
    phone.answer("Strongly disagree", f"2 / {ITEMS}")
    _finish(phone, 1)
    assert phone.outside == []
    snapshot = SessionStore.open(session).snapshot()
    (participant,) = snapshot.participants
    assert participant.finished and participant.department == "Sales"
    # Each participant sees their own statement order: compare what was answered, not where.
    values = {a.item: a.value for a in snapshot.answers}
    assert set(values) == {f"s{n + 1}" for n in range(ITEMS)}
    assert sorted(values.values()) == sorted([-2, *[1] * (ITEMS - 1)])


def test_a_phone_that_loses_its_connection_continues_where_it_was(
    phone: Phone, server: Served, session: Path
) -> None:
    phone.open(server.url)
    phone.tap("Management")
    phone.tap("Care")
    for n in range(5):
        phone.answer("2  Disagree", f"{n + 2} / {ITEMS}")
    seat_url = phone.page.url
    assert "#seat=" in seat_url
    # The connection drops (here: its kiosk process dies); the page reconnects by itself.
    (pid,) = kiosk_pids(server.process.pid)
    os.kill(pid, signal.SIGKILL)
    phone.page.wait_for_function("() => window.ckScreens >= 2", timeout=WAIT_MS, polling=100)
    phone.find(f"6 / {ITEMS}")
    phone.answer("2  Disagree", f"7 / {ITEMS}")
    # The tab is closed, then opened again from history: same URL, same seat.
    phone.page.close()
    phone.open(seat_url)
    phone.find(f"7 / {ITEMS}")
    _finish(phone, 6)
    assert phone.outside == []
    snapshot = SessionStore.open(session).snapshot()
    assert len(snapshot.participants) == 1 and snapshot.participants[0].finished
    values = {a.item: a.value for a in snapshot.answers}  # in the participant's own order
    assert set(values) == {f"s{n + 1}" for n in range(ITEMS)}
    assert sorted(values.values()) == sorted(-1 if n < 6 else 1 for n in range(ITEMS))
