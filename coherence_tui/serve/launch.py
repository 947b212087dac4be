"""Starting one kiosk process per phone: forked from the zygote, or a fresh interpreter.

Both give the server the same ``KioskProcess``: the app's stdin/stdout (textual-serve's
packet protocol), its stderr and the seat pipe, and no shell anywhere in between.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from coherence_tui.serve.kiosk_main import web_environment

READ_LIMIT = 1 << 20


class LaunchError(Exception):
    """A kiosk process could not be started."""


@dataclass
class KioskProcess:
    """One running kiosk, seen from the server."""

    pid: int
    stdin: asyncio.StreamWriter
    stdout: asyncio.StreamReader
    stderr: asyncio.StreamReader
    seat: asyncio.StreamReader
    popen: asyncio.subprocess.Process | None = None

    def signal(self, number: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, number)

    async def reap(self) -> None:
        """Collect the exit status of a process we started ourselves (not a zygote's child)."""
        if self.popen is not None:
            await self.popen.wait()


class Launcher(Protocol):
    async def start(self) -> None: ...

    async def launch(self, *, width: int, height: int, resume: str | None) -> KioskProcess: ...

    async def close(self) -> None: ...


async def _reader(fd: int) -> asyncio.StreamReader:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=READ_LIMIT)
    await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(fd, "rb", buffering=0)
    )
    return reader


async def _writer(fd: int) -> asyncio.StreamWriter:
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.connect_write_pipe(
        asyncio.streams.FlowControlMixin, os.fdopen(fd, "wb", buffering=0)
    )
    return asyncio.StreamWriter(transport, protocol, None, loop)


def _lang_args(lang: str | None) -> list[str]:
    return ["--lang", lang] if lang else []


class ForkLauncher:
    """Kiosks forked from a pre-loaded zygote (see ``zygote``)."""

    def __init__(self, session: Path, *, lang: str | None) -> None:
        self.session = session
        self.lang = lang
        self._control: socket.socket | None = None
        self._zygote: asyncio.subprocess.Process | None = None
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self._zygote = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "coherence_tui.serve.zygote",
                str(self.session),
                "--control-fd",
                str(theirs.fileno()),
                *_lang_args(self.lang),
                pass_fds=(theirs.fileno(),),
                stdin=asyncio.subprocess.DEVNULL,
            )
        finally:
            theirs.close()
        ours.setblocking(False)
        self._control = ours
        ready = await asyncio.get_running_loop().sock_recv(ours, 256)
        if not ready:
            raise LaunchError("the kiosk launcher (zygote) did not start; see the error above")

    async def launch(self, *, width: int, height: int, resume: str | None) -> KioskProcess:
        control = self._control
        if control is None:
            raise LaunchError("the kiosk launcher is not running")
        stdin_r, stdin_w = os.pipe()
        stdout_r, stdout_w = os.pipe()
        stderr_r, stderr_w = os.pipe()
        seat_r, seat_w = os.pipe()
        theirs = [stdin_r, stdout_w, stderr_w, seat_w]
        request = json.dumps({"width": width, "height": height, "resume": resume}).encode()
        try:
            async with self._lock:
                socket.send_fds(control, [request], theirs)
                reply = await asyncio.get_running_loop().sock_recv(control, 256)
        except OSError as error:
            for fd in (stdin_w, stdout_r, stderr_r, seat_r):
                os.close(fd)
            raise LaunchError(f"the kiosk launcher stopped: {error}") from None
        finally:
            for fd in theirs:
                os.close(fd)
        pid = json.loads(reply).get("pid") if reply else None
        if not isinstance(pid, int):
            for fd in (stdin_w, stdout_r, stderr_r, seat_r):
                os.close(fd)
            raise LaunchError("the kiosk launcher stopped")
        return KioskProcess(
            pid=pid,
            stdin=await _writer(stdin_w),
            stdout=await _reader(stdout_r),
            stderr=await _reader(stderr_r),
            seat=await _reader(seat_r),
        )

    async def close(self) -> None:
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._zygote is not None:
            try:
                await asyncio.wait_for(self._zygote.wait(), 5)
            except TimeoutError:
                self._zygote.send_signal(signal.SIGKILL)
                await self._zygote.wait()
            self._zygote = None


class ExecLauncher:
    """One fresh interpreter per kiosk (``python -m coherence_tui.serve.kiosk_main``)."""

    def __init__(self, session: Path, *, lang: str | None) -> None:
        self.session = session
        self.lang = lang

    async def start(self) -> None:
        return None

    async def launch(self, *, width: int, height: int, resume: str | None) -> KioskProcess:
        seat_r, seat_w = os.pipe()
        environment = {**web_environment(os.environ), "COLUMNS": str(width), "ROWS": str(height)}
        try:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "coherence_tui.serve.kiosk_main",
                str(self.session),
                "--seat-fd",
                str(seat_w),
                *_lang_args(self.lang),
                *(["--resume", resume] if resume else []),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env=environment,
                pass_fds=(seat_w,),
                limit=READ_LIMIT,
            )
        except OSError as error:
            os.close(seat_r)
            raise LaunchError(f"cannot start a kiosk: {error}") from None
        finally:
            os.close(seat_w)
        assert process.stdin and process.stdout and process.stderr
        return KioskProcess(
            pid=process.pid,
            stdin=process.stdin,
            stdout=process.stdout,
            stderr=process.stderr,
            seat=await _reader(seat_r),
            popen=process,
        )

    async def close(self) -> None:
        return None
