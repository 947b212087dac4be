"""A damaged, hand-edited or too-new session file is refused in one line and never touched."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from store_helpers import Tables, encode_session

from coherence_tui.domain.model import Level
from coherence_tui.storage.store import (
    FORMAT_VERSION,
    SessionCorrupt,
    SessionError,
    SessionStore,
    SessionTooNew,
    list_sessions,
)

Rewrite = Callable[[Path, Callable[[Tables], None]], bytes]


@pytest.fixture
def workshop(store: SessionStore) -> SessionStore:
    """A closed session (everything folded into the one file) with two participants and a
    few answers; writing to it again opens a journal beside it."""
    for level, values in ((Level.BOARD, (2, 1)), (Level.FRONT_LINE, (-1, None))):
        person = store.add_participant(level, "Sales")
        store.record_answer(person.code, "D1", values[0])
        store.record_answer(person.code, "R1", values[1])
    store.close()
    assert not store.journal_path.exists()
    return store


def first_participant(tables: Tables) -> dict[str, Any]:
    return next(iter(tables["participants"].values()))


def damage_bytes(how: str, raw: bytes) -> bytes:
    if how == "truncated":
        return raw[: len(raw) // 2]
    if how == "cut before the closing brace":
        return raw.rstrip()[:-1]
    if how == "empty":
        return b""
    if how == "not JSON":
        return b"this is not a session\n"
    if how == "a hand-edited answer":
        return raw.replace(b'[2,"', b'[1,"', 1)
    if how == "one flipped byte":
        middle = len(raw) // 2
        return raw[:middle] + bytes([raw[middle] ^ 0x01]) + raw[middle + 1 :]
    if how == "pretty-printed":
        return orjson.dumps(orjson.loads(raw), option=orjson.OPT_INDENT_2)
    if how == "a plain TinyDB file":
        return b'{"_default": {"1": {"value": 2}}}'
    if how == "a JSON list":
        return b"[1, 2, 3]"
    raise AssertionError(how)


BYTE_DAMAGE = [
    ("truncated", "not valid JSON"),
    ("cut before the closing brace", "not valid JSON"),
    ("empty", "the file is empty"),
    ("not JSON", "not valid JSON"),
    ("a hand-edited answer", "checksum mismatch"),
    ("one flipped byte", ""),
    ("pretty-printed", "header was rewritten"),
    ("a plain TinyDB file", "not a coherence-tui session file"),
    ("a JSON list", "not a coherence-tui session file"),
]


def assert_refused(
    path: Path, error: type[SessionError], reason: str, action: Callable[[], object]
) -> None:
    """``action`` raises ``error`` in one line naming the path, and the file keeps its bytes."""
    before = path.read_bytes()
    stat_before = os.stat(path)
    with pytest.raises(error) as refused:
        action()
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    assert reason in message
    assert path.read_bytes() == before
    assert os.stat(path).st_mtime_ns == stat_before.st_mtime_ns


@pytest.mark.parametrize(("how", "reason"), BYTE_DAMAGE, ids=[how for how, _ in BYTE_DAMAGE])
def test_a_damaged_file_is_refused_on_open_and_left_byte_for_byte(
    workshop: SessionStore, session_path: Path, how: str, reason: str
) -> None:
    session_path.write_bytes(damage_bytes(how, session_path.read_bytes()))
    assert_refused(session_path, SessionCorrupt, reason, lambda: SessionStore.open(session_path))


@pytest.mark.parametrize(("how", "reason"), BYTE_DAMAGE, ids=[how for how, _ in BYTE_DAMAGE])
def test_a_store_already_open_refuses_to_write_over_a_file_damaged_under_it(
    workshop: SessionStore, session_path: Path, how: str, reason: str
) -> None:
    person = workshop.snapshot().participants[0]
    session_path.write_bytes(damage_bytes(how, session_path.read_bytes()))
    assert_refused(
        session_path, SessionCorrupt, reason, lambda: workshop.record_answer(person.code, "B1", 1)
    )
    assert_refused(
        session_path, SessionCorrupt, reason, lambda: workshop.add_participant(Level.BOARD)
    )
    assert_refused(session_path, SessionCorrupt, reason, workshop.snapshot)


SCHEMA_DAMAGE: list[tuple[str, Callable[[Tables], None], str]] = [
    (
        "answer out of range",
        lambda t: first_participant(t)["answers"].update(D1=[7, "2026-01-01T00:00:00Z"]),
        "not -2..2 or null",
    ),
    (
        "answer to an unknown item",
        lambda t: first_participant(t)["answers"].update(X9=[1, "2026-01-01T00:00:00Z"]),
        "'X9', which is not in the questionnaire",
    ),
    (
        "answer without a timestamp",
        lambda t: first_participant(t)["answers"].update(D1=[1]),
        "not [value, answered_at]",
    ),
    ("unknown level", lambda t: first_participant(t).update(level="ceo"), "unknown level 'ceo'"),
    ("missing code", lambda t: first_participant(t).pop("code"), "participant keys"),
    ("no session table", lambda t: t.pop("session"), "exactly one document"),
    ("a stray table", lambda t: t.update(_default={}), "unknown table"),
    (
        "k below one",
        lambda t: t["session"]["1"]["settings"].update(k=0),
        "settings.k",
    ),
    (
        "questionnaire without items of one factor",
        lambda t: t["session"]["1"]["questionnaire"].update(
            items=[
                i for i in t["session"]["1"]["questionnaire"]["items"] if i["factor"] != "resources"
            ]
        ),
        "questionnaire",
    ),
    (
        "duplicate participant code",
        lambda t: t["participants"].update({"99": dict(first_participant(t))}),
        "appears twice",
    ),
]


@pytest.mark.parametrize(
    ("how", "edit", "reason"), SCHEMA_DAMAGE, ids=[how for how, _, _ in SCHEMA_DAMAGE]
)
def test_a_hand_edited_file_with_a_valid_checksum_but_invalid_data_is_refused(
    workshop: SessionStore,
    session_path: Path,
    rewrite_tables: Rewrite,
    how: str,
    edit: Callable[[Tables], None],
    reason: str,
) -> None:
    rewrite_tables(session_path, edit)
    assert_refused(session_path, SessionCorrupt, reason, lambda: SessionStore.open(session_path))
    assert_refused(
        session_path, SessionCorrupt, reason, lambda: workshop.add_participant(Level.BOARD)
    )


def test_a_file_from_a_newer_coherence_tui_is_refused_as_too_new(
    workshop: SessionStore, session_path: Path
) -> None:
    tables = orjson.loads(session_path.read_bytes())["tables"]
    newer = FORMAT_VERSION + 1
    session_path.write_bytes(encode_session(tables, generation=40, format_version=newer))
    assert_refused(
        session_path, SessionTooNew, "newer coherence-tui", lambda: SessionStore.open(session_path)
    )
    assert_refused(
        session_path,
        SessionTooNew,
        f"format version {newer}",
        lambda: workshop.add_participant(Level.BOARD),
    )


def test_the_test_encoder_matches_the_store_so_the_schema_cases_test_the_schema(
    workshop: SessionStore, session_path: Path
) -> None:
    document = orjson.loads(session_path.read_bytes())
    raw = encode_session(document["tables"], generation=document["generation"])
    assert raw == session_path.read_bytes()


def test_leftover_temporary_files_are_ignored_and_swept_by_the_next_write(
    workshop: SessionStore, session_path: Path
) -> None:
    folder = session_path.parent
    leftovers = [
        folder / ".workshop.json.3f9a1c0b7d2e.tmp",
        folder / ".workshop.json.000000000000.tmp",
    ]
    leftovers[0].write_bytes(session_path.read_bytes()[:100])
    leftovers[1].write_bytes(b"")
    others = [
        folder / ".other.json.123456abcdef.tmp",
        folder / ".workshop.json.b.json.123456abcdef.tmp",  # session "workshop.json.b"
    ]
    for other in others:
        other.write_bytes(b"{")

    reopened = SessionStore.open(session_path)
    assert len(reopened.snapshot().answers) == 4
    assert [p.name for p in list_sessions(folder)] == ["workshop.json"]

    reopened.add_participant(Level.MANAGEMENT)

    assert not any(path.exists() for path in leftovers)
    assert all(other.exists() for other in others), "only this session's leftovers are ours"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [
            *(other.name for other in others),
            "workshop.json",
            "workshop.json.journal",
            "workshop.json.lock",
        ]
    )
