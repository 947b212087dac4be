"""``coherence-tui serve`` on the command line: what it prints, and one-line errors."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.serve.conftest import Served


def serve_fails(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coherence_tui", "serve", *args],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_serve_prints_the_participant_url_on_a_line_of_its_own(
    shared_server: tuple[Served, Path],
) -> None:
    server, _ = shared_server
    text = "".join(server.output)
    assert "this machine only" in text and "--host 0.0.0.0" in text
    (line,) = [line for line in server.output if line.startswith("http")]
    parts = urlsplit(line.strip())
    assert parts.hostname == "127.0.0.1" and parts.path == f"/j/{server.token}"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--max-kiosks", "0"], "--max-kiosks must be at least 1"),
        (["--public-url", "ftp://x"], "--public-url must start with http"),
        (["--port", "70000"], "--port must be 0-65535"),
    ],
)
def test_bad_options_are_one_line_errors(session: Path, args: list[str], message: str) -> None:
    done = serve_fails(str(session), *args)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and message in done.stderr


def test_a_missing_session_is_a_one_line_error(tmp_path: Path) -> None:
    done = serve_fails(str(tmp_path / "nope.json"))
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr


def test_a_port_in_use_is_a_one_line_error(session: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = serve_fails(str(session), "--port", str(port))
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert f"cannot serve on 127.0.0.1:{port}" in done.stderr


def test_one_session_is_served_by_one_server(serve: Callable[..., Served], session: Path) -> None:
    serve()
    done = serve_fails(str(session), "--port", "0")
    assert done.returncode == 1 and "another server" in done.stderr
