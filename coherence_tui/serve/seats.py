"""The room's join token and its seats: who may start a kiosk, and as whom.

Pure Python (no aiohttp, no Textual), driven by the server; every rule of issue 9
and 15 about tokens and seats lives here:

- A page or websocket needs the current join token. After a rotation, an old token
  keeps working only for the seats that joined with it and are not done.
- A seat (a random token kept by one browser tab) that has started a participant
  continues that participant on every reconnect; a seat whose participant finished
  is done and never starts another one.
- At most ``max_kiosks`` seats are connected at once (the server counts them here).
- A seat away longer than ``idle_seconds`` is closed: its unfinished participant is
  finished like one the facilitator closes (their answers count), a seat that never
  started one is forgotten.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from enum import StrEnum

from coherence_tui.serve.room import RoomState, Seat
from coherence_tui.serve.tokens import new_join_token, same_token

SEAT_IDLE_SECONDS = 15 * 60
"""A phone away this long (locked in a pocket, tab closed) has left: close its participant."""


class Admission(StrEnum):
    START = "start"
    """A new seat, or one that has not started a participant yet: the welcome screen."""
    RESUME = "resume"
    """Continue the seat's unfinished participant."""
    DONE = "done"
    """The seat's participant finished: say thank you, start nothing."""
    FULL = "full"
    """``max_kiosks`` seats are connected: try again in a minute."""
    FORBIDDEN = "forbidden"
    """No valid join token for this seat: 403, start nothing."""


class Room:
    """Tokens, seats and connections of one served session."""

    def __init__(
        self,
        *,
        token: str | None = None,
        old_tokens: tuple[str, ...] = (),
        seats: dict[str, Seat] | None = None,
        max_kiosks: int = 40,
        idle_seconds: float = SEAT_IDLE_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.token = token or new_join_token()
        self._old_tokens = list(old_tokens)
        self.seats: dict[str, Seat] = dict(seats or {})
        self.max_kiosks = max_kiosks
        self.idle_seconds = idle_seconds
        self._clock = clock
        self.connected: set[str] = set()
        self.version = 0
        """Bumped on every change worth writing to the sidecar."""
        self._prune_tokens()

    # -- tokens --------------------------------------------------------------------

    def _changed(self) -> None:
        self.version += 1

    @property
    def old_tokens(self) -> tuple[str, ...]:
        return tuple(self._old_tokens)

    def _prune_tokens(self) -> None:
        """Forget old tokens no live seat holds any more."""
        held = {s.token for s in self.seats.values() if not s.done}
        self._old_tokens = [t for t in self._old_tokens if t in held]

    def rotate(self) -> str:
        """A new join token; seats that joined with the old one keep working until done."""
        self._old_tokens.append(self.token)
        self.token = new_join_token()
        self._prune_tokens()
        self._changed()
        return self.token

    def is_current(self, token: str) -> bool:
        return same_token(token, self.token)

    def page_allowed(self, token: str) -> bool:
        """The page may load: the current token, or an old one some seat still uses."""
        return self.is_current(token) or any(same_token(token, t) for t in self._old_tokens)

    # -- seats ---------------------------------------------------------------------

    def admit(self, token: str, seat: str) -> Admission:
        """What a websocket of ``seat`` (its key) coming with ``token`` gets."""
        known = self.seats.get(seat)
        if not self.is_current(token) and (known is None or not same_token(token, known.token)):
            return Admission.FORBIDDEN
        if known is not None and known.done:
            return Admission.DONE
        others = len(self.connected - {seat})
        if others >= self.max_kiosks:
            return Admission.FULL
        if known is not None and known.participant is not None:
            return Admission.RESUME
        return Admission.START

    def participant_of(self, seat: str) -> str | None:
        known = self.seats.get(seat)
        return known.participant if known is not None else None

    def connect(self, token: str, seat: str) -> None:
        """A kiosk process now runs for ``seat`` (call after ``admit`` said START/RESUME)."""
        self.connected.add(seat)
        known = self.seats.get(seat)
        if known is None:
            self.seats[seat] = Seat(token=token, seen=self._clock())
        else:
            self.seats[seat] = replace(known, seen=self._clock())
        self._changed()

    def disconnect(self, seat: str) -> None:
        self.connected.discard(seat)
        known = self.seats.get(seat)
        if known is not None:
            self.seats[seat] = replace(known, seen=self._clock())
        self._changed()

    def started(self, seat: str, participant: str) -> None:
        """The seat's kiosk started ``participant`` (the link the seat resumes with)."""
        known = self.seats.get(seat)
        if known is not None and not known.done:
            self.seats[seat] = replace(known, participant=participant, seen=self._clock())
            self._changed()

    def finished(self, seat: str, participant: str) -> None:
        """The seat's participant finished: drop the link, the seat is done."""
        known = self.seats.get(seat)
        if known is not None and known.participant in (participant, None):
            self.seats[seat] = replace(known, participant=None, done=True)
            self._prune_tokens()
            self._changed()

    def is_done(self, seat: str) -> bool:
        known = self.seats.get(seat)
        return known is not None and known.done

    def idle(self) -> list[tuple[str, str | None]]:
        """Seats away longer than ``idle_seconds``: (seat, its unfinished participant or None)."""
        limit = self._clock() - self.idle_seconds
        return [
            (key, seat.participant)
            for key, seat in self.seats.items()
            if key not in self.connected and not seat.done and seat.seen < limit
        ]

    def forget(self, seat: str) -> None:
        """A seat that never started a participant and left."""
        if self.seats.pop(seat, None) is not None:
            self._prune_tokens()
            self._changed()

    def unfinished(self) -> int:
        return sum(1 for seat in self.seats.values() if seat.participant is not None)

    def state(self, *, pid: int, url: str) -> RoomState:
        """What the sidecar file holds now."""
        return RoomState(
            pid=pid,
            url=url,
            token=self.token,
            old_tokens=self.old_tokens,
            kiosks=len(self.connected),
            max_kiosks=self.max_kiosks,
            seats=dict(self.seats),
        )
