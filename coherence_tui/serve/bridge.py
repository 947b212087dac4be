"""One phone's websocket bridged to its kiosk process (textual-serve's packet protocol).

``AppOutput`` reads a kiosk's screen from the moment it starts (a warm spare draws for
nobody until a phone takes it); ``Connection`` joins it to a browser's websocket:
keys, taps and sizes in, frames out, seat events to the room, and the kiosk stopped
when the browser goes away.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiohttp import WSMsgType, web

from coherence_tui.serve.launch import KioskProcess, LaunchError

if TYPE_CHECKING:
    from coherence_tui.serve.server import KioskServer

log = logging.getLogger("coherence_tui.serve")

CLOSE_DONE = 4000
"""The seat's participant finished (the page says thank you and stays)."""
CLOSE_FORBIDDEN = 4003
CLOSE_FULL = 4009
CLOSE_APP_ENDED = 4011
"""The kiosk process ended without finishing its participant: the page reconnects."""

STOP_SECONDS = 3.0
"""How long a kiosk gets to quit (then SIGTERM, then SIGKILL)."""
MAX_SIZE = 500


def bounded(value: str | None, default: int) -> int:
    try:
        number = int(value or default)
    except ValueError:
        return default
    return max(10, min(number, MAX_SIZE))


def encode_packet(kind: bytes, payload: bytes) -> bytes:
    return kind + len(payload).to_bytes(4, "big") + payload


class AppOutput:
    """Reads a kiosk's screen output from the moment it starts.

    Until a browser is attached (``sink``), the packets that set the terminal up (the
    first few, before the first frame) are kept and the frames are dropped: a warm
    spare draws at a tiny size for nobody. ``attach`` replays the set-up to the browser
    and from then on every frame goes to it.
    """

    FRAME = 200
    """A packet this long is a frame, not a terminal mode switch."""

    def __init__(self, process: KioskProcess) -> None:
        self.process = process
        self.sink: Callable[[bytes], Awaitable[None]] | None = None
        self.prelude: list[bytes] = []
        self.drawn = asyncio.Event()
        """The app has drawn its first screen: it takes input from now on."""
        self.task = asyncio.create_task(self._pump())
        self.errors = asyncio.create_task(self._stderr())

    async def attach(self, sink: Callable[[bytes], Awaitable[None]]) -> None:
        for packet in self.prelude:
            await sink(packet)
        self.sink = sink

    async def _pump(self) -> None:
        stdout = self.process.stdout
        for _ in range(10):
            line = await stdout.readline()
            if not line or line == b"__GANGLION__\n":
                break
        try:
            while True:
                header = await stdout.readexactly(5)
                payload = await stdout.readexactly(int.from_bytes(header[1:], "big"))
                if header[:1] != b"D":
                    continue
                if len(payload) > self.FRAME:
                    self.drawn.set()
                sink = self.sink
                if sink is not None:
                    with contextlib.suppress(ConnectionError, RuntimeError):
                        await sink(payload)
                elif not self.drawn.is_set():
                    self.prelude.append(payload)
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        finally:
            self.drawn.set()

    async def _stderr(self) -> None:
        lines = 0
        while line := await self.process.stderr.readline():
            lines += 1
            if lines <= 50:
                text = line.decode("utf-8", "replace").rstrip()
                log.warning("kiosk %s: %s", self.process.pid, text)


class Connection:
    """One phone's websocket bridged to its kiosk process."""

    def __init__(self, server: KioskServer, key: str, ws: web.WebSocketResponse) -> None:
        self.server = server
        self.key = key
        self.ws = ws
        self.process: KioskProcess | None = None
        self.ended = asyncio.Event()
        """Set once the connection is over and its seat is free again."""
        self.size = (0, 0)
        """The terminal size the app has (a repeated resize would cost a full relayout)."""

    async def run(self, *, width: int, height: int, resume: str | None) -> None:
        self.size = (width, height)
        spare = self.server.take_spare() if resume is None else None
        if spare is not None:
            output = spare
            await output.attach(self.ws.send_bytes)
            await self._send_meta(
                output.process, {"type": "resize", "width": width, "height": height}
            )
        else:
            try:
                process = await self.server.launch(width=width, height=height, resume=resume)
            except LaunchError as error:
                log.error("%s", error)
                await self.ws.close(code=CLOSE_APP_ENDED)
                return
            output = AppOutput(process)
            await output.attach(self.ws.send_bytes)
        process = output.process
        self.process = process
        focus = asyncio.create_task(self._focus_when_drawn(output))
        seat_events = asyncio.create_task(self._seat_events(process))
        from_browser = asyncio.create_task(self._from_browser(process))
        try:
            await asyncio.wait({output.task, from_browser}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            if not output.task.done():
                await self._stop_app(process, output.task)
            for task in (from_browser, focus):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(seat_events, STOP_SECONDS)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(output.errors, STOP_SECONDS)
            await process.reap()
        if not self.ws.closed:
            done = self.server.room.is_done(self.key)
            await self.ws.close(code=CLOSE_DONE if done else CLOSE_APP_ENDED)

    async def _focus_when_drawn(self, output: AppOutput) -> None:
        """A kiosk on a phone always looks focused: Textual's web driver starts it blurred
        (dimmed), and a phone's page rarely tells it otherwise."""
        await output.drawn.wait()
        await self._send_meta(output.process, {"type": "focus"})

    @staticmethod
    async def _send_meta(process: KioskProcess, meta: dict[str, object]) -> None:
        with contextlib.suppress(ConnectionError, RuntimeError):
            process.stdin.write(encode_packet(b"M", json.dumps(meta).encode()))
            await process.stdin.drain()

    async def stop(self) -> None:
        """End this connection (its tab came back on a new one, or the server stops)."""
        await self.ws.close()

    async def _stop_app(self, process: KioskProcess, from_app: asyncio.Task[None]) -> None:
        await self._send_meta(process, {"type": "quit"})
        for number in (None, signal.SIGTERM, signal.SIGKILL):
            if number is not None:
                process.signal(number)
            try:
                await asyncio.wait_for(asyncio.shield(from_app), STOP_SECONDS)
                return
            except TimeoutError:
                continue

    async def _from_browser(self, process: KioskProcess) -> None:
        """Forward keys, taps and sizes to the app until the browser goes away."""
        stdin = process.stdin
        async for message in self.ws:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
                kind = envelope[0]
            except (ValueError, TypeError, IndexError, KeyError):
                continue
            if kind == "stdin" and isinstance(envelope[1], str):
                packet = encode_packet(b"D", envelope[1].encode("utf-8"))
            elif kind == "resize" and isinstance(envelope[1], dict):
                size = (
                    bounded(str(envelope[1].get("width")), 80),
                    bounded(str(envelope[1].get("height")), 24),
                )
                if size == self.size:
                    continue  # textual.js repeats the size it connected with: no relayout
                self.size = size
                meta = {"type": "resize", "width": size[0], "height": size[1]}
                packet = encode_packet(b"M", json.dumps(meta).encode())
            elif kind == "ping":
                with contextlib.suppress(ConnectionError, RuntimeError):
                    await self.ws.send_json(["pong", str(envelope[1])[:32]])
                continue
            else:
                continue
            try:
                stdin.write(packet)
                await stdin.drain()
            except (ConnectionError, RuntimeError):
                return

    async def _seat_events(self, process: KioskProcess) -> None:
        room = self.server.room
        while line := await process.seat.readline():
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if isinstance(event.get("participant"), str):
                room.started(self.key, event["participant"])
            elif isinstance(event.get("finished"), str):
                room.finished(self.key, event["finished"])
