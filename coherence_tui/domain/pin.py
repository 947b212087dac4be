"""The facilitator PIN: stored only as a salted scrypt hash; wrong guesses lock it for a while.

A PIN is 4-12 ASCII digits exactly as typed: ``"1234\\n"`` or Arabic-Indic digits are
refused, never trimmed or converted (such a PIN would be accepted at ``new`` and then
never match at the kiosk).

The lock-out is pure arithmetic on a ``Lockout`` value and a wall-clock time, so it can
live in a file that every process of a session shares (see ``coherence_tui.storage.pinlock``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from math import ceil

from coherence_tui.domain.text import describe_character, find_control

PIN_PATTERN = re.compile(r"[0-9]{4,12}")
"""A valid PIN, matched with ``fullmatch`` (``$`` would let a trailing newline through)."""

MAX_ATTEMPTS = 5
"""Wrong PINs in a row that lock the prompt."""
LOCK_SECONDS = 60.0
"""How long the prompt stays locked after ``MAX_ATTEMPTS`` wrong PINs."""

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
"""scrypt cost: about 40 ms and 16 MB per check (see the README's Security section)."""


def validate_pin(pin: str) -> str:
    """The PIN if it is 4-12 digits 0-9 exactly; ``ValueError`` otherwise (never echoing it)."""
    if not PIN_PATTERN.fullmatch(pin):
        found = find_control(pin)
        hint = f" (it holds {describe_character(found[1])})" if found else ""
        raise ValueError(f"the facilitator PIN must be 4 to 12 digits 0-9{hint}")
    return pin


def hash_pin(pin: str, salt: str | None = None) -> tuple[str, str]:
    """``(salt, hash)`` in hex for a valid PIN; a new random salt unless one is given."""
    validate_pin(pin)
    salt = salt or secrets.token_hex(16)
    digest = hashlib.scrypt(
        pin.encode(), salt=bytes.fromhex(salt), n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    return salt, digest.hex()


def check_pin(pin: str, salt: str | None, pin_hash: str | None) -> bool:
    """Whether ``pin`` matches the stored hash (constant-time compare)."""
    if not salt or not pin_hash or not PIN_PATTERN.fullmatch(pin):
        return False
    return hmac.compare_digest(hash_pin(pin, salt)[1], pin_hash)


def random_pin() -> str:
    """A fresh 6-digit PIN, for sessions created without one."""
    return f"{secrets.randbelow(10**6):06d}"


@dataclass(frozen=True, slots=True)
class Lockout:
    """Wrong PINs in a row and, after ``MAX_ATTEMPTS`` of them, until when the prompt is locked.

    ``locked_until`` is wall-clock time (seconds since the epoch), so that every process
    and a restarted one agree on it.
    """

    failures: int = 0
    locked_until: float = 0.0

    def seconds_locked(self, now: float) -> int:
        """Whole seconds until PINs are accepted again (0 when open).

        Never more than ``LOCK_SECONDS``: a clock set back cannot lock the prompt for longer.
        """
        return max(0, ceil(min(self.locked_until - now, LOCK_SECONDS)))

    @property
    def attempts_left(self) -> int:
        return MAX_ATTEMPTS - self.failures

    def after_failure(self, now: float) -> Lockout:
        failures = self.failures + 1
        if failures >= MAX_ATTEMPTS:
            return Lockout(0, now + LOCK_SECONDS)
        return Lockout(failures, self.locked_until)

    def after_success(self) -> Lockout:
        return Lockout()
