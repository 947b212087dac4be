"""A browser kiosk at the websocket level: what textual.js sends and receives, no browser.

Used by the concurrency tests and by ``make bench``. The client talks to a server on
loopback only (the caller's URL), and every wait is bounded.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time

import aiohttp

WAIT_SECONDS = 60.0


class KioskClient:
    """One phone: a seat, a websocket, and the bytes of the screen it was sent."""

    def __init__(
        self, base: str, token: str, *, seat: str | None = None, width: int = 40, height: int = 44
    ) -> None:
        self.base = base
        self.token = token
        self.seat = seat or secrets.token_urlsafe(18)
        self.width = width
        self.height = height
        self.screen = bytearray()
        self._mark = 0
        self._arrived = asyncio.Event()
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None
        self.close_code: int | None = None

    @property
    def ws_url(self) -> str:
        origin = self.base.replace("http://", "ws://", 1)
        return f"{origin}/ws/{self.token}/{self.seat}?width={self.width}&height={self.height}"

    async def open(self, http: aiohttp.ClientSession) -> None:
        self.screen.clear()
        self._mark = 0
        self.close_code = None
        self._ws = await http.ws_connect(self.ws_url, heartbeat=None, max_msg_size=0)
        await self._ws.send_str(
            json.dumps(["resize", {"width": self.width, "height": self.height}])
        )
        self._reader = asyncio.create_task(self._read(self._ws))

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for message in ws:
            if message.type == aiohttp.WSMsgType.BINARY:
                self.screen += message.data
                self._arrived.set()
        self.close_code = ws.close_code
        self._arrived.set()

    def mark(self) -> None:
        """Look for text only in what arrives from now on."""
        self._mark = len(self.screen)

    def seen(self, text: str) -> bool:
        return text.encode() in self.screen[self._mark :]

    async def wait_for(self, text: str, seconds: float = WAIT_SECONDS) -> float:
        """Wait until ``text`` was drawn since the last ``mark``; returns the seconds waited."""
        started = time.monotonic()
        deadline = started + seconds
        while not self.seen(text):
            if self._reader is not None and self._reader.done():
                raise AssertionError(f"closed ({self.close_code}) before {text!r} showed")
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{text!r} did not show within {seconds} s")
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), left)
            except TimeoutError:
                pass
        return time.monotonic() - started

    async def wait_closed(self, seconds: float = WAIT_SECONDS) -> int | None:
        if self._reader is not None:
            await asyncio.wait_for(self._reader, seconds)
        return self.close_code

    async def press(self, keys: str) -> None:
        assert self._ws is not None
        await self._ws.send_str(json.dumps(["stdin", keys]))

    async def drop(self) -> None:
        """Cut the connection the way a locked phone does (the seat stays with the page)."""
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            await self._reader

    async def join(self, *, total: int, instruction: bool = False) -> None:
        """From the level question (a phone's first screen) to the first statement.

        ``instruction``: the questionnaire has an instruction card (format 2), tapped away.
        """
        await self.wait_for("Board")
        self.mark()
        await self.press("1")
        await self.wait_for("Sales")
        self.mark()
        await self.press("1")
        if instruction:
            await self.wait_for("Before you start")
            self.mark()
            await self.press("\r")
        await self.wait_for(f"1 / {total}")

    async def answer(self, key: str, *, next_index: int | None, total: int) -> None:
        """Answer the statement on screen and wait for the next one (or the thank-you)."""
        self.mark()
        await self.press(key)
        await self.wait_for(f"{next_index} / {total}" if next_index else "Thank you")
