"""What a running ``serve`` tells the rest of the workshop, in a sidecar file.

``sessions/NAME.json.serve`` (owner-only, replaced atomically, written by the server
alone) holds the participant URL, the current join token, tokens rotated away that
still have participants mid-way, how many kiosks are connected, and the seats: for
each browser tab (by a hash of its seat token) the participant it is answering as,
for as long as that participant is unfinished. The projector's dashboard reads the
URL and the count; a restarted server reads the seats back so a phone mid-way
still continues where it was. The file is never exported; the server removes a
seat's link when its participant finishes, and the whole file when it stops with no
one mid-way.

``sessions/NAME.json.serve-rotate`` is a request from the facilitator menu (another
process) for a new join token; the server acts on it within a second.

Pure standard library: the dashboard and the menu import this, never aiohttp.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

FORMAT = "coherence-tui-serve"
SERVE_SUFFIX = ".serve"
ROTATE_SUFFIX = ".serve-rotate"


@dataclass(frozen=True, slots=True)
class Seat:
    """One browser tab's place in the room."""

    token: str
    """The join token it came in with (it keeps working for this seat after a rotation)."""
    participant: str | None = None
    """The participant it answers as, while unfinished."""
    done: bool = False
    """Its participant finished: the seat never starts another one."""
    seen: float = 0.0
    """When it was last connected (Unix time), for the idle close."""


@dataclass(frozen=True, slots=True)
class RoomState:
    """The contents of the sidecar file."""

    pid: int
    url: str
    token: str
    old_tokens: tuple[str, ...] = ()
    kiosks: int = 0
    max_kiosks: int = 0
    seats: dict[str, Seat] = field(default_factory=dict)


def serve_path(session: Path) -> Path:
    return session.with_name(session.name + SERVE_SUFFIX)


def rotate_path(session: Path) -> Path:
    return session.with_name(session.name + ROTATE_SUFFIX)


def _write_private(path: Path, payload: bytes) -> None:
    """Write ``payload`` to ``path`` atomically, readable by the owner only."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    try:
        os.write(fd, payload)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temp, path)


def write_state(session: Path, state: RoomState) -> None:
    body = asdict(state)
    body["format"] = FORMAT
    _write_private(serve_path(session), json.dumps(body, sort_keys=True).encode())


def _seat(raw: Any) -> Seat:
    return Seat(
        token=str(raw["token"]),
        participant=None if raw.get("participant") is None else str(raw["participant"]),
        done=bool(raw.get("done", False)),
        seen=float(raw.get("seen", 0.0)),
    )


def read_state(session: Path) -> RoomState | None:
    """The sidecar's state, or None when there is none (or it is not ours)."""
    try:
        raw = json.loads(serve_path(session).read_bytes())
        if raw.get("format") != FORMAT:
            return None
        return RoomState(
            pid=int(raw["pid"]),
            url=str(raw["url"]),
            token=str(raw["token"]),
            old_tokens=tuple(str(t) for t in raw.get("old_tokens", ())),
            kiosks=int(raw.get("kiosks", 0)),
            max_kiosks=int(raw.get("max_kiosks", 0)),
            seats={str(k): _seat(v) for k, v in raw.get("seats", {}).items()},
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def running_server(session: Path) -> RoomState | None:
    """The state of the server serving ``session`` now, or None when none runs."""
    state = read_state(session)
    if state is None or not pid_alive(state.pid):
        return None
    return state


def remove_state(session: Path) -> None:
    try:
        serve_path(session).unlink()
    except FileNotFoundError:
        pass


def request_rotation(session: Path) -> None:
    """Ask the running server for a new join token (the facilitator menu)."""
    _write_private(rotate_path(session), str(time.time()).encode())


def take_rotation_request(session: Path) -> bool:
    """True (once) when a new join token was asked for since the last call."""
    try:
        rotate_path(session).unlink()
    except FileNotFoundError:
        return False
    return True


class RoomWatch:
    """A screen's cheap view of the server serving its session (the dashboard's poll).

    ``poll()`` stats the sidecar and re-reads it only when it changed; whether the
    server is still alive is checked at most every ``PID_CHECK_SECONDS``.
    """

    PID_CHECK_SECONDS = 2.0

    def __init__(self, session: Path) -> None:
        self.path = serve_path(session)
        self.session = session
        self.state: RoomState | None = None
        """The running server's state, None when no server serves the session."""
        self._key: tuple[int, int, int] | None = None
        self._checked = 0.0

    def poll(self) -> bool:
        """Look again; True when ``state`` changed."""
        try:
            st = os.stat(self.path)
            key: tuple[int, int, int] | None = (st.st_ino, st.st_mtime_ns, st.st_size)
        except OSError:
            key = None
        now = time.monotonic()
        if key == self._key and now - self._checked < self.PID_CHECK_SECONDS:
            return False
        self._key = key
        self._checked = now
        state = read_state(self.session) if key is not None else None
        if state is not None and not pid_alive(state.pid):
            state = None
        changed = state != self.state
        self.state = state
        return changed
