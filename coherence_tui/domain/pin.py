"""The facilitator PIN: stored only as a salted scrypt hash."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

PIN_PATTERN = re.compile(r"^[0-9]{4,12}$")


def validate_pin(pin: str) -> str:
    """The PIN if it is 4-12 digits; ``ValueError`` otherwise."""
    if not PIN_PATTERN.match(pin):
        raise ValueError("the facilitator PIN must be 4 to 12 digits")
    return pin


def hash_pin(pin: str, salt: str | None = None) -> tuple[str, str]:
    """``(salt, hash)`` in hex for a valid PIN; a new random salt unless one is given."""
    validate_pin(pin)
    salt = salt or secrets.token_hex(16)
    digest = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=2**14, r=8, p=1, dklen=32)
    return salt, digest.hex()


def check_pin(pin: str, salt: str | None, pin_hash: str | None) -> bool:
    """Whether ``pin`` matches the stored hash (constant-time compare)."""
    if not salt or not pin_hash or not PIN_PATTERN.match(pin):
        return False
    return hmac.compare_digest(hash_pin(pin, salt)[1], pin_hash)


def random_pin() -> str:
    """A fresh 6-digit PIN, for sessions created without one."""
    return f"{secrets.randbelow(10**6):06d}"
