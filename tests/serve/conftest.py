"""Fixtures for the browser-kiosk tests: a real session file and a real ``coherence-tui serve``.

Every server here binds to 127.0.0.1 and is reached there only; nothing is ever sent
to this machine's LAN address.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from coherence_tui.domain.model import Factor, Item, Questionnaire, Scale, SessionSettings
from coherence_tui.domain.pin import hash_pin
from coherence_tui.storage.store import SessionStore

FACTORS = (Factor.DECLARATIONS, Factor.RESOURCES, Factor.BEHAVIOURS)


def questionnaire(items: int) -> Questionnaire:
    """``items`` short statements over the three factors."""
    return Questionnaire(
        id="serve-test",
        version="1",
        language="en",
        title="Phone check",
        company_type="general",
        scale=Scale(
            labels=("Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree"),
            dont_know="Don't know",
        ),
        items=tuple(
            Item(
                id=f"s{n + 1}",
                factor=FACTORS[n % 3],
                area="people",
                text=f"Statement number {n + 1} about how we serve customers.",
            )
            for n in range(items)
        ),
    )


def make_session(
    directory: Path, *, items: int = 8, departments: tuple[str, ...] = ("Sales", "Care")
) -> Path:
    salt, digest = hash_pin("2468")
    path = directory / "room.json"
    SessionStore.create(
        path,
        name="room",
        questionnaire=questionnaire(items),
        settings=SessionSettings(k=3, departments=departments, pin_salt=salt, pin_hash=digest),
    )
    return path


class Served:
    """A running ``coherence-tui serve`` subprocess and its participant URL."""

    def __init__(self, process: subprocess.Popen[str], url: str, output: list[str]) -> None:
        self.process = process
        self.url = url
        self.output = output
        parts = urlsplit(url)
        assert parts.hostname == "127.0.0.1", url  # tests only ever talk to loopback
        self.base = f"{parts.scheme}://{parts.netloc}"
        self.token = parts.path.rsplit("/", 1)[-1]

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        assert self.process.stderr is not None
        return self.process.stderr.read()


def start_server(session: Path, *extra: str) -> Served:
    """``coherence-tui serve SESSION --port 0`` on loopback; returns once it printed its URL.

    No warm spares unless asked (``--warm N``): each test decides which path it takes.
    """
    warm = () if "--warm" in extra else ("--warm", "0")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "coherence_tui",
            "serve",
            str(session),
            "--port",
            "0",
            *warm,
            *extra,
        ],  # fmt: skip
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert process.stdout is not None
    output: list[str] = []
    for line in process.stdout:  # bounded: the server prints four lines, then waits
        output.append(line)
        if line.startswith("http"):
            return Served(process, line.strip(), output)
        if len(output) > 20:
            break
    process.kill()
    _, errors = process.communicate(timeout=10)
    raise AssertionError(f"serve printed no URL: {output} {errors}")


@pytest.fixture
def session(tmp_path: Path) -> Path:
    return make_session(tmp_path)


@pytest.fixture
def serve(session: Path) -> Iterator[Callable[..., Served]]:
    """Start servers for ``session`` (or another); all are stopped afterwards."""
    started: list[Served] = []

    def _serve(*extra: str, path: Path | None = None) -> Served:
        served = start_server(path or session, *extra)
        started.append(served)
        return served

    yield _serve
    for served in started:
        served.stop()


@pytest.fixture
def server(serve: Callable[..., Served]) -> Served:
    return serve()


def kiosk_pids(server_pid: int) -> list[int]:
    """The kiosk processes under a server (children of its zygote, or its own children)."""
    import psutil

    parent = psutil.Process(server_pid)
    return [
        child.pid
        for child in parent.children(recursive=True)
        if not (
            child.ppid() == server_pid and "coherence_tui.serve.zygote" in " ".join(child.cmdline())
        )
    ]


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, Path]]:
    """One server for a module's tests that only look (a server start is a second or two)."""
    session = make_session(tmp_path_factory.mktemp("shared"))
    served = start_server(session)
    yield served, session
    served.stop()
