"""Join tokens (in the participant URL) and seat tokens (kept by each browser tab).

Pure standard library.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

JOIN_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
"""Lower case letters and digits without look-alikes (i/l/1, o/0): read off a projector."""

JOIN_LENGTH = 10
"""About 50 bits: enough that nobody outside the room guesses it in a workshop's time."""

JOIN_TOKEN = re.compile(rf"^[{JOIN_ALPHABET}]{{{JOIN_LENGTH}}}$")

SEAT_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
"""What a page may send as its seat: random, made by the page itself (kiosk.js)."""


def new_join_token() -> str:
    """A fresh random join token."""
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_LENGTH))


def is_join_token(text: str) -> bool:
    return bool(JOIN_TOKEN.fullmatch(text))


def is_seat_token(text: str) -> bool:
    return bool(SEAT_TOKEN.fullmatch(text))


def same_token(a: str, b: str) -> bool:
    """Constant-time comparison (a wrong token must not be found a letter at a time)."""
    return hmac.compare_digest(a.encode(), b.encode())


def seat_key(seat: str) -> str:
    """What the server stores for a seat: a hash, so its file never holds a usable seat."""
    return hashlib.sha256(seat.encode()).hexdigest()[:32]
