"""The answer journal's file format: one checksummed line per change, appended and fsync'ed.

While a workshop runs, a kiosk's answer is not a rewrite of the whole session file but
one line appended to ``NAME.json.journal`` beside it (``coherence_tui.storage.store`` decides
when, and folds the lines back into the session file). This module only knows the
format; it does no I/O.

A line is eight lowercase hex digits, a space, one JSON value and ``\\n``. The digits
are the CRC-32 of the JSON bytes *chained* from the line before (``zlib.crc32(json,
previous)``, the first line from 0), so a changed, removed, repeated or reordered line
breaks every checksum after it, like a hand edit of the session file breaks its own.

The first line is the header; it names the session file generation and checksum the
journal continues (a journal whose header does not match the session file beside it
has already been folded into it, and is ignored)::

    {"journal":"coherence-tui","version":1,"generation":17,"checksum":"crc32:0a1b2c3d"}

Every other line is one change, a JSON array::

    ["participant", DOC_ID, CODE, LEVEL, DEPARTMENT_OR_NULL, CREATED_AT]
    ["answer", CODE, ITEM, VALUE_OR_NULL, ANSWERED_AT]
    ["finish", CODE, FINISHED_AT]

Bytes after the last ``\\n`` are an append that never finished (its writer died, or is
still writing): never acknowledged, so never read.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

import orjson

SUFFIX = ".journal"
"""``NAME.json.journal`` beside the session file (its symlink target's, like the lock)."""
FORMAT = "coherence-tui"
VERSION = 1
_CRC_DIGITS = 8
_HEX = frozenset(b"0123456789abcdef")


class JournalDamaged(Exception):
    """A line that is not what a writer wrote; the message names the line, not the path."""


@dataclass(frozen=True, slots=True)
class Header:
    """The session file generation (and its checksum) that a journal continues."""

    generation: int
    checksum: int


@dataclass(frozen=True, slots=True)
class Lines:
    """What ``split`` found in a stretch of journal bytes."""

    values: list[Any]
    """The decoded JSON value of every complete line, in order."""
    ends: list[int]
    """For each value, the offset (within the bytes given) just past its line."""
    crc: int
    """The chained CRC after the last complete line."""


def encode(value: Any, previous: int) -> tuple[bytes, int]:
    """One line holding ``value`` after a line whose chained CRC was ``previous``."""
    payload = orjson.dumps(value)
    crc = zlib.crc32(payload, previous)
    return b"%08x %s\n" % (crc, payload), crc


def header(generation: int, checksum: int) -> Any:
    """The first line's value for a journal continuing this session file."""
    return {
        "journal": FORMAT,
        "version": VERSION,
        "generation": generation,
        "checksum": f"crc32:{checksum:08x}",
    }


def parse_header(value: Any) -> Header:
    """The header's content; ``JournalDamaged`` if ``value`` is no header of ours."""
    if (
        not isinstance(value, dict)
        or set(value) != {"journal", "version", "generation", "checksum"}
        or value["journal"] != FORMAT
    ):
        raise JournalDamaged("the first line is not a coherence-tui journal header")
    if value["version"] != VERSION:
        raise JournalDamaged(f"journal version {value['version']!r} is not one this reads")
    generation, checksum = value["generation"], value["checksum"]
    if type(generation) is not int or generation < 1:
        raise JournalDamaged(f"the header's generation {generation!r} is not a number")
    if (
        not isinstance(checksum, str)
        or len(checksum) != 14
        or not checksum.startswith("crc32:")
        or not set(checksum[6:].encode()) <= _HEX
    ):
        raise JournalDamaged(f"the header's checksum {checksum!r} is not crc32:8 hex digits")
    return Header(generation, int(checksum[6:], 16))


def split(raw: bytes, previous: int, first_line: int) -> Lines:
    """Check and decode the complete lines of ``raw`` (journal bytes after a complete line).

    ``previous`` is the chained CRC before ``raw``, ``first_line`` the number of its first
    line (1 for the header), for messages. Bytes after the last newline are left alone.
    Raises ``JournalDamaged`` at the first line that is not exactly as a writer wrote it.
    """
    values: list[Any] = []
    ends: list[int] = []
    crc = previous
    start = 0
    number = first_line
    while True:
        end = raw.find(b"\n", start)
        if end < 0:
            break
        line = raw[start:end]
        if (
            len(line) <= _CRC_DIGITS + 1
            or line[_CRC_DIGITS] != 0x20
            or not set(line[:_CRC_DIGITS]) <= _HEX
        ):
            raise JournalDamaged(f"line {number} is not a checksummed journal line")
        payload = line[_CRC_DIGITS + 1 :]
        crc = zlib.crc32(payload, crc)
        if crc != int(line[:_CRC_DIGITS], 16):
            raise JournalDamaged(
                f"checksum mismatch at line {number}: the journal was edited outside "
                "coherence-tui or is damaged"
            )
        try:
            values.append(orjson.loads(payload))
        except orjson.JSONDecodeError:
            raise JournalDamaged(f"line {number} is not valid JSON") from None
        start = end + 1
        ends.append(start)
        number += 1
    return Lines(values, ends, crc)
