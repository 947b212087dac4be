"""A phone on a real ``coherence-tui serve`` of a session in two languages (issue 11)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp

from coherence_tui.domain.model import Questionnaire, SessionSettings
from coherence_tui.domain.pin import hash_pin
from coherence_tui.storage.store import SessionStore
from tests.serve.clients import KioskClient
from tests.serve.conftest import Served, questionnaire, start_server

ITEMS = 8


def bilingual_session(directory: Path) -> Path:
    document = questionnaire(ITEMS).model_dump(mode="json")
    document["translations"] = {
        "uk": {
            "title": "Перевірка з телефона",
            "scale": {
                "labels": ["Зовсім ні", "Ні", "Ні так, ні ні", "Так", "Цілком так"],
                "dont_know": "Не знаю",
            },
            "items": {
                item["id"]: f"Твердження номер {n + 1} про обслуговування."
                for n, item in enumerate(document["items"])
            },
        }
    }
    salt, digest = hash_pin("2468")
    path = directory / "bilingual.json"
    SessionStore.create(
        path,
        name="bilingual",
        questionnaire=Questionnaire.model_validate(document),
        settings=SessionSettings(k=3, departments=("Sales",), pin_salt=salt, pin_hash=digest),
    )
    return path


async def _a_phone_in_ukrainian(server: Served) -> None:
    client = KioskClient(server.base, server.token)
    async with aiohttp.ClientSession() as http:
        await client.open(http)
        await client.wait_for("Українська")
        assert client.seen("English") and client.seen("Оберіть мову")
        client.mark()
        await client.press("2")
        await client.wait_for("Де ви працюєте?")
        client.mark()
        await client.press("3")  # front line
        await client.wait_for("Sales")
        client.mark()
        await client.press("1")
        await client.wait_for(f"1 / {ITEMS}")
        await client.wait_for("Твердження номер")  # the phone shuffles: any statement
        await client.wait_for("Цілком так")
        assert not client.seen("Statement number") and not client.seen("Strongly agree")
        await client.answer("5", next_index=2, total=ITEMS)
        await client.wait_for("Твердження номер")
        await client.drop()


def test_a_phone_chooses_ukrainian_and_its_answer_is_stored_by_item_id(tmp_path: Path) -> None:
    path = bilingual_session(tmp_path)
    server = start_server(path)
    try:
        asyncio.run(_a_phone_in_ukrainian(server))
    finally:
        server.stop()
    (answer,) = SessionStore.open(path).snapshot().answers
    assert answer.value == 2 and answer.item.startswith("s")  # stored by item id
