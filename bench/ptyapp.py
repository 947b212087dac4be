"""Programs in pseudo-terminals, for the benches: start, type keys, wait for what they paint.

A ``PtyApp`` is one process (with its process group) on the slave side of a pty of a
given size, ``TERM=xterm-256color``. The bench reads the master side without blocking
and looks for *markers*: bytes the program writes when a frame shows something (a
statement's counter ``7 / 30``, the welcome card's hint). Textual writes a changed
widget's lines whole, so a short marker arrives in one piece.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

ESCAPES = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-Za-z]|\x1b[=>]")
"""CSI sequences (cursor moves, colours), charset and keypad switches."""


def plain(raw: bytes) -> bytes:
    """Terminal output without its escape sequences (a marker may hold a colour change)."""
    return ESCAPES.sub(b"", raw)


class PtyApp:
    """One program in a pseudo-terminal of ``size`` (columns, rows)."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        size: tuple[int, int],
        env: Mapping[str, str] | None = None,
        cwd: Path = REPO,
    ) -> None:
        self.argv = list(argv)
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        full_env = {
            **(env if env is not None else os.environ),
            "TERM": "xterm-256color",
            "COLUMNS": str(size[0]),
            "LINES": str(size[1]),
        }
        full_env.pop("TEXTUAL", None)
        # As an installed tool runs: its modules compiled once (pip compiles a wheel's at
        # install), not compiled again at every start.
        full_env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            self.argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=full_env,
            cwd=cwd,
            start_new_session=True,
        )
        os.close(slave)
        os.set_blocking(master, False)
        self.fd = master
        self.seen = b""
        """Everything read so far, escape sequences removed."""
        self.closed = False

    def read(self) -> bytes:
        """What arrived since the last call (escapes removed); ``b""`` when nothing did."""
        chunks = []
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except BlockingIOError:
                break
            except OSError:  # EIO: the program closed its terminal
                self.closed = True
                break
            if not chunk:
                self.closed = True
                break
            chunks.append(chunk)
        if not chunks:
            return b""
        text = plain(b"".join(chunks))
        self.seen += text
        return text

    def press(self, keys: bytes) -> float:
        """Type ``keys``; returns the time just after they were written."""
        os.write(self.fd, keys)
        return time.perf_counter()

    def wait_for(self, markers: Iterable[bytes], timeout: float, *, since: int = 0) -> bytes:
        """Read until one of ``markers`` appears after offset ``since`` of ``seen``."""
        wanted = tuple(markers)
        deadline = time.perf_counter() + timeout
        while True:
            tail = self.seen[since:] if since < len(self.seen) else b""
            for marker in wanted:
                if marker in tail:
                    return marker
            left = deadline - time.perf_counter()
            if left <= 0 or self.closed:
                raise TimeoutError(
                    f"{self.argv[-1]}: none of {wanted!r} within {timeout} s; "
                    f"screen tail {self.seen[-300:]!r}"
                )
            select.select([self.fd], [], [], min(left, 0.2))
            self.read()

    def children(self) -> list[int]:
        """Process ids of this program's direct children (a supervisor's app)."""
        try:
            text = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in text.split()]

    def stop(self) -> None:
        """Kill the program's whole process group and close the terminal."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait()
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def uss_mb(pid: int) -> float | None:
    """Unique set size of a process in MB: its private pages (``smaps_rollup``)."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    kib = 0
    for line in text.splitlines():
        if line.startswith(("Private_Clean:", "Private_Dirty:")):
            kib += int(line.split()[1])
    return round(kib / 1024, 1)


def time_to_marker(
    argv: Sequence[str], markers: Iterable[bytes], *, size: tuple[int, int], timeout: float = 30.0
) -> float:
    """Seconds from spawning ``argv`` in a pty to one of ``markers`` arriving on it."""
    return times_to_markers(argv, [markers], size=size, timeout=timeout)[0]


def times_to_markers(
    argv: Sequence[str],
    stages: Sequence[Iterable[bytes]],
    *,
    size: tuple[int, int],
    timeout: float = 30.0,
) -> list[float]:
    """Seconds from spawning ``argv`` in a pty to each stage, in order: one of the stage's
    markers arriving after the previous stage's."""
    app = PtyApp(argv, size=size)
    try:
        times: list[float] = []
        for markers in stages:
            app.wait_for(markers, timeout)
            times.append(time.perf_counter() - app.started)
        return times
    finally:
        app.stop()
