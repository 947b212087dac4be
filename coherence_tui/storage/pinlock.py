"""Wrong facilitator PINs, counted per session in a sidecar that every process shares.

``NAME.json.pin`` beside the session file holds ``{"failures": n, "locked_until": t}``
(wall-clock seconds). Every attempt reads it, checks the PIN and writes the outcome
while holding the session's lock, so a second kiosk on the same session, or a kiosk
restarted after a crash or a kill, sees the same count and the same lock-out: five
wrong PINs in a row, whichever process saw them, lock every prompt for 60 seconds.
Two processes guessing at once get five checks between them, not five each.

The file is written like an export (owner-only, atomic). If it cannot be read or
written, no PIN is checked (``SessionError``): a guess that cannot be counted is not
allowed. A file that is not ours to read (damaged, hand-edited) counts as four wrong
PINs: one more wrong PIN locks the prompt, the right one clears it.

Pure Python: no Textual.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import orjson

from coherence_tui.domain.pin import MAX_ATTEMPTS, Lockout
from coherence_tui.storage.fileio import write_private
from coherence_tui.storage.store import SessionError, SessionStore

SUFFIX = ".pin"


class SessionPinGuard:
    """The lock-out of one session's facilitator PIN, shared through ``NAME.json.pin``."""

    def __init__(self, store: SessionStore, clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self._clock = clock
        self.path = store.sidecar(SUFFIX)

    def _read(self) -> Lockout:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return Lockout()
        except OSError as error:
            raise SessionError(
                f"{self.path}: cannot read the PIN attempts ({error.strerror})"
            ) from None
        try:
            record: Any = orjson.loads(raw)
            failures, locked_until = record["failures"], record["locked_until"]
            if type(failures) is not int or not 0 <= failures < MAX_ATTEMPTS:
                raise ValueError(failures)
            return Lockout(failures, float(locked_until))
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            return Lockout(MAX_ATTEMPTS - 1)

    def _write(self, lockout: Lockout) -> None:
        record = {"failures": lockout.failures, "locked_until": lockout.locked_until}
        try:
            write_private(self.path, orjson.dumps(record))
        except OSError as error:
            raise SessionError(
                f"{self.path}: cannot record the PIN attempt ({error.strerror}); "
                "no PIN is checked until it can be"
            ) from None

    def seconds_locked(self) -> int:
        """Whole seconds until PINs are accepted again (0 when open or unreadable)."""
        try:
            return self._read().seconds_locked(self._clock())
        except SessionError:
            return 0  # attempt() says why, and refuses

    @property
    def attempts_left(self) -> int:
        try:
            return self._read().attempts_left
        except SessionError:
            return 0

    def attempt(self, candidate: str, check: Callable[[str], bool]) -> bool | None:
        """Check ``candidate`` and count the outcome for every process of this session.

        Returns True for the right PIN, False for a wrong one, ``None`` without checking
        while the prompt is locked. Raises ``SessionError`` if the attempt cannot be
        recorded (then nothing was checked).
        """
        with self._store.locked():
            lockout = self._read()
            now = self._clock()
            if lockout.seconds_locked(now):
                return None
            right = check(candidate)
            if right:
                if lockout != Lockout():
                    self._write(lockout.after_success())
            else:
                self._write(lockout.after_failure(now))
            return right
