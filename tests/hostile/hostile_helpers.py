"""Helpers for the attack tests (a unique module name, so it never clashes with another
test package's helpers)."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import termios
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from coherence_tui.domain.model import Factor, Item, Questionnaire, Scale, SessionSettings
from coherence_tui.domain.pin import hash_pin
from coherence_tui.storage.questionnaires import SHIPPED_DIR
from coherence_tui.storage.store import SessionStore

PIN = "2468"

ANSI = re.compile(rb"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|.)")
"""Terminal escape sequences, to read a pseudo-terminal's output as text."""


def screen_text(raw: bytes) -> str:
    """What a terminal would show, roughly: escapes removed, text kept."""
    return ANSI.sub(b"", raw).decode("utf-8", "replace")


def questionnaire(
    *,
    title: str = "Tiny service check",
    texts: tuple[str, str, str, str] = (
        "We promise customers a reply within one day.",
        "Our systems show a customer's whole history.",
        "We call customers back when we said we would.",
        "Complaints get passed around between teams.",
    ),
    labels: tuple[str, str, str, str, str] = (
        "Strongly disagree",
        "Disagree",
        "Neither",
        "Agree",
        "Strongly agree",
    ),
) -> Questionnaire:
    """Four statements over the three factors, with whatever text an attack needs."""
    factors = (Factor.DECLARATIONS, Factor.RESOURCES, Factor.BEHAVIOURS, Factor.BEHAVIOURS)
    ids = ("d1", "r1", "b1", "b2")
    return Questionnaire(
        id="tiny",
        version="1",
        language="en",
        title=title,
        company_type="general",
        scale=Scale(labels=labels, dont_know="Don't know"),
        items=tuple(
            Item(id=i, factor=f, area="people", text=text, reverse=i == "b2")
            for i, f, text in zip(ids, factors, texts, strict=True)
        ),
    )


def make_session(
    directory: Path,
    *,
    name: str = "workshop",
    departments: tuple[str, ...] = (),
    k: int = 1,
    q: Questionnaire | None = None,
) -> Path:
    """A fresh session file (PIN ``PIN``) in ``directory``."""
    salt, digest = hash_pin(PIN)
    path = directory / f"{name}.json"
    SessionStore.create(
        path,
        name=name,
        questionnaire=q or questionnaire(),
        settings=SessionSettings(k=k, departments=departments, pin_salt=salt, pin_hash=digest),
    )
    return path


def rewrite_tables(path: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    """Edit a session's tables as a careful attacker would: the checksum recomputed."""
    document = orjson.loads(path.read_bytes())
    tables = document["tables"]
    edit(tables)
    body = orjson.dumps(tables)
    header = (
        b'{"format":"coherence-tui-session","format_version":1,"generation":%d,'
        b'"checksum":"crc32:%08x","tables":' % (document["generation"] + 1, zlib.crc32(body))
    )
    path.write_bytes(header + body + b"}\n")


def shipped_toml(directory: Path, replace: dict[str, str], name: str = "general-en") -> Path:
    """A copy of a shipped questionnaire in ``directory`` with text replaced (first match)."""
    text = (SHIPPED_DIR / f"{name}.toml").read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    path = directory / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


class Terminal:
    """A real process on a pseudo-terminal: what a kiosk's screen and keyboard are."""

    def __init__(
        self, argv: list[str], *, env: dict[str, str], cwd: Path, size: tuple[int, int] = (30, 100)
    ) -> None:
        pid, fd = pty.fork()
        if pid == 0:  # the child: becomes argv, with the pty as its controlling terminal
            try:
                os.chdir(cwd)
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        self.pid = pid
        self.fd = fd
        self.output = b""
        self.status: int | None = None
        rows, columns = size
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))

    @property
    def text(self) -> str:
        return screen_text(self.output)

    def _drain(self, seconds: float) -> None:
        ready, _, _ = select.select([self.fd], [], [], seconds)
        if ready:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:  # EIO: the other side closed
                chunk = b""
            self.output += chunk
            if not chunk:
                time.sleep(seconds)

    def read_until(
        self, wanted: Callable[[str], bool], timeout: float = 30.0, since: int | None = None
    ) -> str:
        """Read until ``wanted(text shown since now, or since output offset ``since``)``;
        fail the test with the screen if it never is."""
        start = len(self.output) if since is None else since
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if wanted(screen_text(self.output[start:])):
                return screen_text(self.output[start:])
            self._drain(0.05)
        raise AssertionError(f"not seen in {timeout} s; the terminal shows:\n{self.text[-3000:]}")

    def send(self, keys: bytes) -> None:
        os.write(self.fd, keys)

    def type(self, *keys: bytes, pause: float = 0.3) -> None:
        """Send keys one group at a time, as a person would (reading the screen meanwhile)."""
        for group in keys:
            self.send(group)
            until = time.monotonic() + pause
            while time.monotonic() < until:
                self._drain(0.05)

    def wait(self, timeout: float = 30.0) -> int:
        """The exit code (negative: killed by that signal), reading output meanwhile."""
        deadline = time.monotonic() + timeout
        while self.status is None and time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
                break
            self._drain(0.05)
        if self.status is None:
            raise AssertionError(f"still running after {timeout} s:\n{self.text[-3000:]}")
        return self.status

    def close(self) -> None:
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        os.close(self.fd)


def children_of(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (Linux /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry))
    return found
