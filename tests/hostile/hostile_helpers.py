"""Helpers for the attack tests (a unique module name, so it never clashes with another
test package's helpers)."""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from coherence_tui.domain.model import Factor, Item, Questionnaire, Scale, SessionSettings
from coherence_tui.domain.pin import hash_pin
from coherence_tui.questionnaires import SHIPPED_DIR
from coherence_tui.store import SessionStore

PIN = "2468"

ANSI = re.compile(rb"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|.)")
"""Terminal escape sequences, to read a pseudo-terminal's output as text."""


def screen_text(raw: bytes) -> str:
    """What a terminal would show, roughly: escapes removed, text kept."""
    return ANSI.sub(b"", raw).decode("utf-8", "replace")


def questionnaire(
    *,
    title: str = "Tiny service check",
    texts: tuple[str, str, str, str] = (
        "We promise customers a reply within one day.",
        "Our systems show a customer's whole history.",
        "We call customers back when we said we would.",
        "Complaints get passed around between teams.",
    ),
    labels: tuple[str, str, str, str, str] = (
        "Strongly disagree",
        "Disagree",
        "Neither",
        "Agree",
        "Strongly agree",
    ),
) -> Questionnaire:
    """Four statements over the three factors, with whatever text an attack needs."""
    factors = (Factor.DECLARATIONS, Factor.RESOURCES, Factor.BEHAVIOURS, Factor.BEHAVIOURS)
    ids = ("d1", "r1", "b1", "b2")
    return Questionnaire(
        id="tiny",
        version="1",
        language="en",
        title=title,
        company_type="general",
        scale=Scale(labels=labels, dont_know="Don't know"),
        items=tuple(
            Item(id=i, factor=f, area="people", text=text, reverse=i == "b2")
            for i, f, text in zip(ids, factors, texts, strict=True)
        ),
    )


def make_session(
    directory: Path,
    *,
    name: str = "workshop",
    departments: tuple[str, ...] = (),
    k: int = 1,
    q: Questionnaire | None = None,
) -> Path:
    """A fresh session file (PIN ``PIN``) in ``directory``."""
    salt, digest = hash_pin(PIN)
    path = directory / f"{name}.json"
    SessionStore.create(
        path,
        name=name,
        questionnaire=q or questionnaire(),
        settings=SessionSettings(k=k, departments=departments, pin_salt=salt, pin_hash=digest),
    )
    return path


def rewrite_tables(path: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    """Edit a session's tables as a careful attacker would: the checksum recomputed."""
    document = orjson.loads(path.read_bytes())
    tables = document["tables"]
    edit(tables)
    body = orjson.dumps(tables)
    header = (
        b'{"format":"coherence-tui-session","format_version":1,"generation":%d,'
        b'"checksum":"crc32:%08x","tables":' % (document["generation"] + 1, zlib.crc32(body))
    )
    path.write_bytes(header + body + b"}\n")


def shipped_toml(directory: Path, replace: dict[str, str], name: str = "general-en") -> Path:
    """A copy of a shipped questionnaire in ``directory`` with text replaced (first match)."""
    text = (SHIPPED_DIR / f"{name}.toml").read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    path = directory / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path
