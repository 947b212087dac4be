"""Real session files in ``tmp_path`` and real subprocesses: nothing here mocks the storage."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
import pytest
from store_helpers import Tables, encode_session, small_questionnaire, writer_command, writer_env

from coherence_tui.domain.model import Questionnaire, SessionSettings
from coherence_tui.storage.store import SessionStore


@pytest.fixture
def questionnaire() -> Questionnaire:
    return small_questionnaire()


@pytest.fixture
def session_path(tmp_path: Path) -> Path:
    return tmp_path / "sessions" / "workshop.json"


@pytest.fixture
def store(session_path: Path, questionnaire: Questionnaire) -> SessionStore:
    return SessionStore.create(
        session_path,
        name="workshop",
        questionnaire=questionnaire,
        settings=SessionSettings(k=3, departments=("Sales", "Support")),
    )


@pytest.fixture
def rewrite_tables() -> Callable[[Path, Callable[[Tables], None]], bytes]:
    """Edit a session's tables as a careful hand-editor would: checksum recomputed."""

    def rewrite(path: Path, edit: Callable[[Tables], None]) -> bytes:
        document = orjson.loads(path.read_bytes())
        edit(document["tables"])
        raw = encode_session(document["tables"], generation=document["generation"] + 1)
        path.write_bytes(raw)
        return raw

    return rewrite


@pytest.fixture
def start_writer() -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """Start ``session_writer.py`` with arguments; its stdout is a pipe of ack lines."""
    started: list[subprocess.Popen[str]] = []

    def start(*args: object) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            writer_command(*args),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=writer_env(),
        )
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
