"""The browser kiosk server: one locked kiosk process per phone, over the room's network.

textual-serve provides the browser side (xterm.js in ``textual.js``) and the packet
protocol between a Textual app and its server; this module is the server side, built
on aiohttp like textual-serve's own ``Server`` but with what a workshop needs:

- ``/j/TOKEN``: the page (our template: viewport tag, bundled font, no request to
  anywhere but this server). Without the current join token (or an old one a seat
  still uses): 403, and no process is started.
- ``/check/TOKEN/SEAT``: what the page's websocket would get (start, resume, done,
  full, forbidden), so the page can say so before it connects.
- ``/ws/TOKEN/SEAT``: the websocket, bridged to a kiosk process (``launch``). The
  seat decides whether the kiosk starts at the welcome screen or continues its
  participant (``seats.Room``). A websocket that closes ends its process; the
  participant stays unfinished until the seat comes back (or is idle too long).
- ``/static/...``: the page's scripts, styles and font, from memory (gzip when asked).

The room's state (URL, token, connected kiosks, seats) goes to the sidecar file the
projector's dashboard reads (``room``); the facilitator menu asks for a new token
through it.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import hashlib
import html
import logging
import os
import signal
import string
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web

from coherence_tui.i18n import t
from coherence_tui.package_files import package_folder
from coherence_tui.serve import room as room_file
from coherence_tui.serve.address import base_url
from coherence_tui.serve.bridge import (
    CLOSE_DONE,
    CLOSE_FORBIDDEN,
    CLOSE_FULL,
    STOP_SECONDS,
    AppOutput,
    Connection,
    bounded,
    encode_packet,
)
from coherence_tui.serve.launch import (
    ExecLauncher,
    ForkLauncher,
    KioskProcess,
    Launcher,
    LaunchError,
)
from coherence_tui.serve.seats import SEAT_IDLE_SECONDS, Admission, Room
from coherence_tui.serve.tokens import is_join_token, is_seat_token, seat_key

if TYPE_CHECKING:
    from coherence_tui.storage.store import SessionStore

log = logging.getLogger("coherence_tui.serve")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
DEFAULT_MAX_KIOSKS = 40


HEARTBEAT_SECONDS = 10.0
"""The server pings each phone; one that stops answering (locked) is closed after ~15 s."""
TICK_SECONDS = 0.5
IDLE_CHECK_SECONDS = 30.0
DEFAULT_WARM = 30
"""Kiosks kept started and waiting (about 20 MB each), so a room joining at once finds
its screens already built; --warm 0 starts each one when its phone arrives."""
SPARE_SIZE = (10, 3)
"""A warm spare draws for nobody at a size no phone has, so its first real frame is a
full relayout at the phone's size."""
SPARE_QUIET_SECONDS = 1.0
"""Spares are made only after a second without a join: never while a room is arriving."""
SETTINGS_CHECK_SECONDS = 2.0

ASSETS: dict[str, tuple[str, str]] = {
    "ts/js/textual.js": ("textual_serve", "static/js/textual.js"),
    "ts/css/xterm.css": ("textual_serve", "static/css/xterm.css"),
    "ck/kiosk.js": ("coherence_tui.serve", "static/kiosk.js"),
    "ck/kiosk.css": ("coherence_tui.serve", "static/kiosk.css"),
    "ck/fonts/DejaVuSansMono.ttf": ("coherence_tui.serve", "static/fonts/DejaVuSansMono.ttf"),
}
"""Everything the page loads, by URL under /static/: the page needs nothing else."""

CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".ttf": "font/ttf",
}

PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' ws: wss:; "
    "worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
"""The browser itself refuses to fetch anything from another host (no internet needed)."""


@dataclass(frozen=True, slots=True)
class Asset:
    body: bytes
    gzipped: bytes
    content_type: str
    etag: str


def load_assets() -> dict[str, Asset]:
    assets: dict[str, Asset] = {}
    for url, (package, relative) in ASSETS.items():
        body = (package_folder(package) / relative).read_bytes()
        assets[url] = Asset(
            body=body,
            gzipped=gzip.compress(body, 6, mtime=0),
            content_type=CONTENT_TYPES[Path(relative).suffix],
            etag='"' + hashlib.sha256(body).hexdigest()[:20] + '"',
        )
    return assets


def _template(name: str) -> string.Template:
    return string.Template(
        (package_folder("coherence_tui.serve") / "templates" / name).read_text("utf-8")
    )


class KioskServer:
    """Serves one session's locked kiosk to browsers; see the module docstring."""

    def __init__(
        self,
        session: Path,
        *,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        max_kiosks: int = DEFAULT_MAX_KIOSKS,
        public_url: str | None = None,
        lang: str | None = None,
        page_lang: str = "en",
        title: str = "coherence-tui",
        preload: bool = True,
        warm: int = DEFAULT_WARM,
        idle_seconds: float = SEAT_IDLE_SECONDS,
    ) -> None:
        self.session = session
        self.host = host
        self.port = port
        self.public_url = public_url
        self.lang = lang
        self.page_lang = lang or page_lang
        self.title = title
        self.preload = preload
        self.url_warning: str | None = None
        previous = room_file.read_state(session)
        self._previous = previous
        """A server that ran before: its token and the seats mid-way continue."""
        self.room = Room(
            token=previous.token if previous else None,
            old_tokens=previous.old_tokens if previous else (),
            seats=previous.seats if previous else None,
            max_kiosks=max_kiosks,
            idle_seconds=idle_seconds,
        )
        self._connections: dict[str, Connection] = {}
        self._warm = max(0, min(warm, max_kiosks))
        self._spares: list[AppOutput] = []
        self._spare_keeper: asyncio.Task[None] | None = None
        self._last_join = 0.0
        self._settings: object = None
        self._store: SessionStore | None = None
        self._launcher: Launcher = (
            ForkLauncher(session, lang=lang) if preload else ExecLauncher(session, lang=lang)
        )
        self._assets = load_assets()
        self._page = _template("kiosk.html")
        self._message = _template("message.html")
        self._runner: web.AppRunner | None = None
        self._ticker: asyncio.Task[None] | None = None
        self._written = -1
        self._base = ""
        self.on_rotate: Callable[[str], None] | None = None

    # -- addresses ---------------------------------------------------------------------

    @property
    def participant_url(self) -> str:
        return f"{self._base}/j/{self.room.token}"

    @property
    def bound_port(self) -> int:
        return self.port

    # -- life ------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen, start the kiosk launcher, write the sidecar. ``OSError`` if the port is taken."""
        previous = self._previous
        if (
            previous is not None
            and previous.pid != os.getpid()
            and room_file.pid_alive(previous.pid)
        ):
            raise OSError(f"another server (pid {previous.pid}) serves this session")
        app = web.Application()
        app.router.add_get("/", self._root)
        app.router.add_get("/j/{token}", self._page_handler)
        app.router.add_get("/check/{token}/{seat}", self._check)
        app.router.add_get("/ws/{token}/{seat}", self._websocket)
        app.router.add_get("/static/{path:.+}", self._static)
        app.on_response_prepare.append(self._headers)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port, reuse_address=True)
        try:
            await site.start()
        except OSError:
            await runner.cleanup()
            raise
        self._runner = runner
        server = site._server  # the bound socket tells the real port (--port 0 in tests)
        sockets = getattr(server, "sockets", None) or []
        if sockets:
            self.port = int(sockets[0].getsockname()[1])
        self._base, self.url_warning = base_url(self.host, self.port, public_url=self.public_url)
        try:
            await self._launcher.start()
        except LaunchError as error:
            log.warning("%s; starting one process per phone instead", error)
            self._launcher = ExecLauncher(self.session, lang=self.lang)
        self._write_state()
        self._ticker = asyncio.create_task(self._tick())
        if self._warm:
            self._spare_keeper = asyncio.create_task(self._keep_spares())

    async def stop(self) -> None:
        for task in (self._ticker, self._spare_keeper):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await self._drop_spares()
        for connection in list(self._connections.values()):
            await connection.stop()
        if self._runner is not None:
            await self._runner.cleanup()
        await self._launcher.close()
        if self.room.unfinished():
            self._write_state(pid=0)  # seats mid-way continue when the server starts again
        else:
            room_file.remove_state(self.session)

    async def launch(self, *, width: int, height: int, resume: str | None) -> KioskProcess:
        try:
            return await self._launcher.launch(width=width, height=height, resume=resume)
        except LaunchError as error:
            if isinstance(self._launcher, ExecLauncher):
                raise
            log.warning("%s; starting one process per phone instead", error)
            self._launcher = ExecLauncher(self.session, lang=self.lang)
            return await self._launcher.launch(width=width, height=height, resume=resume)

    # -- warm spares -------------------------------------------------------------------

    def take_spare(self) -> AppOutput | None:
        """A started kiosk that has drawn its first screen, for a phone that just arrived."""
        self._last_join = time.monotonic()
        while self._spares:
            spare = self._spares.pop(0)
            if spare.drawn.is_set() and not spare.task.done():
                return spare
            if not spare.task.done():
                self._spares.append(spare)  # still starting: keep it for the next phone
                return None
        return None

    async def _keep_spares(self) -> None:
        """Keep ``warm`` spares ready, started one at a time while no phone is arriving."""
        while True:
            self._spares = [spare for spare in self._spares if not spare.task.done()]
            wanted = min(self._warm, self.room.max_kiosks - len(self.room.connected))
            quiet = time.monotonic() - self._last_join >= SPARE_QUIET_SECONDS
            if len(self._spares) >= wanted or not quiet:
                await asyncio.sleep(0.25)
                continue
            try:
                process = await self.launch(width=SPARE_SIZE[0], height=SPARE_SIZE[1], resume=None)
            except LaunchError as error:
                log.warning("no warm spare: %s", error)
                await asyncio.sleep(5)
                continue
            spare = AppOutput(process)
            self._spares.append(spare)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(spare.drawn.wait(), 30)

    async def _drop_spares(self) -> None:
        spares, self._spares = self._spares, []
        for spare in spares:
            with contextlib.suppress(ConnectionError, RuntimeError):
                spare.process.stdin.write(encode_packet(b"M", b'{"type": "quit"}'))
        for spare in spares:
            try:
                await asyncio.wait_for(spare.task, STOP_SECONDS)
            except TimeoutError:
                spare.process.signal(signal.SIGKILL)
            await spare.process.reap()

    async def _recycle_spares_if_settings_changed(self) -> None:
        """Spares built before the facilitator changed language or departments are stale."""
        from coherence_tui.storage.store import SessionError, SessionStore

        try:
            if self._store is None:
                self._store = SessionStore.open(self.session)
            elif not self._store.changed():
                return  # a stat: nothing was written
            settings = self._store.snapshot().settings
        except SessionError:
            return
        if self._settings is not None and settings != self._settings and self._spares:
            await self._drop_spares()
        self._settings = settings

    def _write_state(self, *, pid: int | None = None) -> None:
        state = self.room.state(pid=os.getpid() if pid is None else pid, url=self.participant_url)
        room_file.write_state(self.session, state)
        self._written = self.room.version

    async def _tick(self) -> None:
        last_idle_check = last_settings_check = time.monotonic()
        while True:
            await asyncio.sleep(TICK_SECONDS)
            if self._warm and time.monotonic() - last_settings_check >= SETTINGS_CHECK_SECONDS:
                last_settings_check = time.monotonic()
                await self._recycle_spares_if_settings_changed()
            if room_file.take_rotation_request(self.session):
                self.room.rotate()
                if self.on_rotate is not None:
                    self.on_rotate(self.participant_url)
            if time.monotonic() - last_idle_check >= IDLE_CHECK_SECONDS:
                last_idle_check = time.monotonic()
                await self.close_idle_seats()
            if self.room.version != self._written:
                self._write_state()

    async def close_idle_seats(self) -> None:
        """Close seats away too long: finish their participants (their answers count)."""
        from coherence_tui.storage.store import SessionError, SessionStore

        for key, participant in self.room.idle():
            if participant is None:
                self.room.forget(key)
                continue
            try:
                store = SessionStore.open(self.session)
                await asyncio.to_thread(store.finish_participant, participant)
            except SessionError as error:
                log.warning("closing an idle participant: %s", error)
            self.room.finished(key, participant)

    # -- HTTP --------------------------------------------------------------------------

    async def _headers(self, request: web.Request, response: web.StreamResponse) -> None:
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Content-Type-Options"] = "nosniff"
        if not request.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
            response.headers["Content-Security-Policy"] = PAGE_POLICY

    def _message_page(self, key: str, status: int, *, retry: bool = False) -> web.Response:
        body = self._message.substitute(
            lang=self.page_lang,
            title=html.escape(self.title),
            message=html.escape(t(key, self.page_lang)),
            retry='<meta http-equiv="refresh" content="60">' if retry else "",
        )
        return web.Response(text=body, status=status, content_type="text/html")

    async def _root(self, request: web.Request) -> web.Response:
        return self._message_page("web.forbidden", 403)

    async def _page_handler(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        if not is_join_token(token) or not self.room.page_allowed(token):
            return self._message_page("web.forbidden", 403)
        if len(self.room.connected) >= self.room.max_kiosks and self.room.is_current(token):
            return self._message_page("web.full", 503, retry=True)
        lang = self.page_lang
        body = self._page.substitute(
            lang=lang,
            title=html.escape(self.title),
            token=token,
            **{
                f"msg_{key}": html.escape(t(f"web.{key}", lang), quote=True)
                for key in ("connecting", "reconnecting", "done", "full", "forbidden")
            },
        )
        return web.Response(text=body, content_type="text/html")

    def _admission(self, request: web.Request) -> tuple[Admission, str]:
        token = request.match_info["token"]
        seat = request.match_info["seat"]
        if not is_join_token(token) or not is_seat_token(seat):
            return Admission.FORBIDDEN, ""
        key = seat_key(seat)
        return self.room.admit(token, key), key

    async def _check(self, request: web.Request) -> web.Response:
        admission, _key = self._admission(request)
        status = 403 if admission is Admission.FORBIDDEN else 200
        return web.json_response({"status": admission.value}, status=status)

    async def _static(self, request: web.Request) -> web.Response:
        asset = self._assets.get(request.match_info["path"])
        if asset is None:
            raise web.HTTPNotFound()
        headers = {"ETag": asset.etag, "Cache-Control": "public, max-age=86400"}
        if request.headers.get("If-None-Match") == asset.etag:
            return web.Response(status=304, headers=headers)
        body = asset.body
        if "gzip" in request.headers.get("Accept-Encoding", ""):
            body = asset.gzipped
            headers["Content-Encoding"] = "gzip"
        headers["Vary"] = "Accept-Encoding"
        headers["Content-Type"] = asset.content_type
        return web.Response(body=body, headers=headers)

    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        admission, key = self._admission(request)
        if admission is Admission.FORBIDDEN:
            return self._message_page("web.forbidden", 403)
        ws = web.WebSocketResponse(heartbeat=HEARTBEAT_SECONDS, max_msg_size=1 << 16)
        await ws.prepare(request)
        for _ in range(3):  # one seat, one kiosk: the same tab came back before we saw it go
            previous = self._connections.pop(key, None)
            if previous is None:
                break
            await previous.stop()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(previous.ended.wait(), STOP_SECONDS * 4)
        admission = self.room.admit(request.match_info["token"], key)
        if admission is Admission.DONE:
            await ws.close(code=CLOSE_DONE)
            return ws
        if admission is Admission.FULL:
            await ws.close(code=CLOSE_FULL)
            return ws
        if admission is Admission.FORBIDDEN:
            await ws.close(code=CLOSE_FORBIDDEN)
            return ws
        resume = self.room.participant_of(key) if admission is Admission.RESUME else None
        self.room.connect(request.match_info["token"], key)
        connection = Connection(self, key, ws)
        self._connections[key] = connection
        try:
            await connection.run(
                width=bounded(request.query.get("width"), 80),
                height=bounded(request.query.get("height"), 24),
                resume=resume,
            )
        finally:
            if self._connections.get(key) is connection:
                del self._connections[key]
            if key not in self._connections:
                self.room.disconnect(key)
            connection.ended.set()
        return ws


async def serve_until_stopped(
    server: KioskServer, *, on_start: Callable[[], Awaitable[None] | None] | None = None
) -> None:
    """Run ``server`` until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(number, stop.set)
    await server.start()
    try:
        if on_start is not None:
            result = on_start()
            if result is not None:
                await result
        await stop.wait()
    finally:
        await server.stop()
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(number)


__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_MAX_KIOSKS",
    "DEFAULT_PORT",
    "KioskServer",
    "serve_until_stopped",
]
