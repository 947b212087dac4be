"""Helpers shared by the store tests and their conftest (a unique module name, so it
never clashes with another test package's helpers)."""

from __future__ import annotations

import os
import sys
import zlib
from pathlib import Path
from typing import Any

import orjson

from coherence_tui.domain.model import Item, Questionnaire, Scale

REPO = Path(__file__).resolve().parents[2]
WRITER = Path(__file__).with_name("session_writer.py")

Tables = dict[str, Any]


def small_questionnaire() -> Questionnaire:
    """Two statements per factor: enough to exercise every code path, small enough to read."""
    items = [
        Item(id=f"{prefix}{n}", factor=factor, area="processes", text=f"Statement {prefix}{n} here")
        for prefix, factor in (("D", "declarations"), ("R", "resources"), ("B", "behaviours"))
        for n in (1, 2)
    ]
    return Questionnaire(
        id="store-test",
        version="1",
        language="en",
        title="Store test",
        company_type="general",
        scale=Scale(labels=("SD", "D", "N", "A", "SA"), dont_know="DK"),
        items=tuple(items),
    )


def encode_session(tables: Tables, *, generation: int = 1, format_version: int = 1) -> bytes:
    """Bytes laid out exactly as the store writes them, with a correct checksum."""
    body = orjson.dumps(tables)
    header = (
        b'{"format":"coherence-tui-session","format_version":%d,"generation":%d,'
        b'"checksum":"crc32:%08x","tables":' % (format_version, generation, zlib.crc32(body))
    )
    return header + body + b"}\n"


def writer_command(*args: object) -> list[str]:
    return [sys.executable, str(WRITER), *(str(arg) for arg in args)]


def writer_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(REPO), env.get("PYTHONPATH"))))
    env["PYTHONUNBUFFERED"] = "1"
    return env
