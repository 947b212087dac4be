"""The server at the websocket level: tokens, seats, the cap, and a room answering at once."""

from __future__ import annotations

import asyncio
import secrets
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import aiohttp

from coherence_tui.serve import room as room_file
from coherence_tui.storage.store import SessionStore
from tests.serve.clients import KioskClient
from tests.serve.conftest import Served, kiosk_pids

ITEMS = 8


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_requests_without_the_join_token_get_403_and_start_no_process(
    shared_server: tuple[Served, Path],
) -> None:
    server, _ = shared_server
    seat = secrets.token_urlsafe(18)
    before = kiosk_pids(server.process.pid)
    assert status_of(server.url) == 200
    assert status_of(f"{server.base}/") == 403
    assert status_of(f"{server.base}/j/aaaaaaaaaa") == 403
    assert status_of(f"{server.base}/ws/aaaaaaaaaa/{seat}") == 403
    assert status_of(f"{server.base}/check/aaaaaaaaaa/{seat}") == 403
    assert status_of(f"{server.base}/ws/{server.token}x/{seat}") == 403
    assert kiosk_pids(server.process.pid) == before == []


def test_the_page_loads_nothing_from_elsewhere_and_builds_its_websocket_from_its_origin(
    shared_server: tuple[Served, Path],
) -> None:
    server, _ = shared_server
    with urllib.request.urlopen(server.url, timeout=10) as response:
        page = response.read().decode()
        policy = response.headers["Content-Security-Policy"]
    assert 'name="viewport"' in page
    assert "http://" not in page and "https://" not in page and "ws://" not in page
    assert "0.0.0.0" not in page and "localhost" not in page
    assert "default-src 'self'" in policy
    for path in ("/static/ts/js/textual.js", "/static/ck/kiosk.js", "/static/ck/kiosk.css"):
        assert status_of(server.base + path) == 200
    assert status_of(server.base + "/static/ck/fonts/DejaVuSansMono.ttf") == 200


async def _room_at_once(server: Served, joining: int, answering: int, answers: int) -> list[bool]:
    """``joining`` phones open at once; then ``answering`` of them answer at once."""
    clients = [KioskClient(server.base, server.token) for _ in range(joining)]
    async with aiohttp.ClientSession() as http:
        await asyncio.gather(*(client.open(http) for client in clients))
        await asyncio.gather(*(client.join(total=ITEMS) for client in clients))
        reached = [client.seen(f"1 / {ITEMS}") for client in clients]

        async def answer(client: KioskClient, offset: int) -> None:
            for n in range(answers):
                key = "12345"[(n + offset) % 5]
                await client.answer(key, next_index=n + 2, total=ITEMS)

        await asyncio.gather(*(answer(c, i) for i, c in enumerate(clients[:answering])))
        await asyncio.gather(*(client.drop() for client in clients))
    return reached


def test_thirty_phones_join_at_once_and_twenty_answering_at_once_lose_no_answer(
    server: Served, session: Path
) -> None:
    reached = asyncio.run(_room_at_once(server, 30, 20, 3))
    assert reached == [True] * 30  # every phone reached the first statement
    snapshot = SessionStore.open(session).snapshot()
    assert len(snapshot.participants) == 30
    assert len(snapshot.answers) == 20 * 3
    per_person = {p.code: 0 for p in snapshot.participants}
    for answer in snapshot.answers:
        per_person[answer.participant] += 1
    assert sorted(per_person.values()) == [0] * 10 + [3] * 20


async def _answer_drop_resume(server: Served, session: Path) -> tuple[str, int | None]:
    client = KioskClient(server.base, server.token)
    async with aiohttp.ClientSession() as http:
        await client.open(http)
        await client.join(total=ITEMS)
        for n in range(5):
            await client.answer("4", next_index=n + 2, total=ITEMS)
        await client.drop()
        for _ in range(200):  # bounded: the server ends the kiosk of a closed tab
            if not kiosk_pids(server.process.pid):
                break
            await asyncio.sleep(0.05)
        assert kiosk_pids(server.process.pid) == []
        (left,) = SessionStore.open(session).snapshot().participants
        assert not left.finished  # a closed tab leaves its participant unfinished
        await client.open(http)  # the same seat: the page reconnected after a screen lock
        await client.wait_for(f"6 / {ITEMS}")
        for n in range(5, ITEMS):
            await client.answer("2", next_index=n + 2 if n + 1 < ITEMS else None, total=ITEMS)
        code = await client.wait_closed()
        await client.open(http)  # and once more after finishing: no second participant
        again = await client.wait_closed()
    return str(code), again


def test_a_dropped_phone_continues_its_participant_and_never_becomes_a_second_one(
    server: Served, session: Path
) -> None:
    closed, again = asyncio.run(_answer_drop_resume(server, session))
    assert closed == "4000" and again == 4000
    snapshot = SessionStore.open(session).snapshot()
    assert len(snapshot.participants) == 1
    (participant,) = snapshot.participants
    assert participant.finished
    values = {a.item: a.value for a in snapshot.answers}  # in the participant's own order
    assert set(values) == {f"s{n + 1}" for n in range(ITEMS)}
    assert sorted(values.values()) == sorted(1 if n < 5 else -1 for n in range(ITEMS))


async def _over_the_cap(server: Served) -> tuple[str, int | None, int, str]:
    first = KioskClient(server.base, server.token)
    second = KioskClient(server.base, server.token)
    async with aiohttp.ClientSession() as http:
        await first.open(http)
        await first.wait_for("Board")
        async with http.get(f"{server.base}/check/{server.token}/{second.seat}") as response:
            status = (await response.json())["status"]
        async with http.get(server.url) as response:
            page_status, page = response.status, await response.text()
        await second.open(http)
        code = await second.wait_closed()
        await first.drop()
    return status, code, page_status, page


def test_the_kiosk_over_the_cap_is_told_the_room_is_full(
    serve: Callable[..., Served], session: Path
) -> None:
    server = serve("--max-kiosks", "1")
    status, code, page_status, page = asyncio.run(_over_the_cap(server))
    assert status == "full" and code == 4009
    assert page_status == 503 and "The room is full" in page and "Traceback" not in page


def test_the_sidecar_names_the_link_and_is_owner_only(shared_server: tuple[Served, Path]) -> None:
    server, session = shared_server
    state = room_file.read_state(session)
    assert state is not None and state.url == server.url
    assert state.pid == server.process.pid
    assert (room_file.serve_path(session).stat().st_mode & 0o777) == 0o600


async def _rotate(server: Served, session: Path) -> tuple[int, int, str, int]:
    old = KioskClient(server.base, server.token)
    async with aiohttp.ClientSession() as http:
        await old.open(http)
        await old.join(total=ITEMS)
        room_file.request_rotation(session)
        for _ in range(100):  # bounded: the server looks every half second
            state = room_file.read_state(session)
            if state is not None and state.token != server.token:
                break
            await asyncio.sleep(0.1)
        assert state is not None
        stranger = status_of(f"{server.base}/ws/{server.token}/{secrets.token_urlsafe(18)}")
        old_page = status_of(server.url)  # the old tab may reload while its seat is mid-way
        await old.drop()
        await old.open(http)
        await old.wait_for(f"1 / {ITEMS}")
        for n in range(ITEMS):
            await old.answer("3", next_index=n + 2 if n + 1 < ITEMS else None, total=ITEMS)
        await old.wait_closed()
        after = status_of(server.url)
    return stranger, old_page, state.url, after


def test_a_rotated_token_keeps_old_tabs_working_until_their_participant_finishes(
    server: Served, session: Path
) -> None:
    stranger, old_page, new_url, after = asyncio.run(_rotate(server, session))
    assert stranger == 403
    assert old_page == 200
    assert new_url != server.url and status_of(new_url) == 200
    assert after == 403
    snapshot = SessionStore.open(session).snapshot()
    assert len(snapshot.participants) == 1 and snapshot.participants[0].finished
    assert len(snapshot.answers) == ITEMS


async def _one_through_a_spare(server: Served) -> tuple[set[int], set[int]]:
    for _ in range(300):  # bounded: the spare starts within seconds of the server
        if kiosk_pids(server.process.pid):
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.5)
    spares = set(kiosk_pids(server.process.pid))
    client = KioskClient(server.base, server.token)
    async with aiohttp.ClientSession() as http:
        await client.open(http)
        await client.wait_for("Board")
        serving = set(kiosk_pids(server.process.pid))  # before a new spare is started
        await client.join(total=ITEMS)
        for n in range(ITEMS):
            await client.answer("5", next_index=n + 2 if n + 1 < ITEMS else None, total=ITEMS)
        assert await client.wait_closed() == 4000
    return spares, serving


def test_a_warm_spare_takes_the_next_phone_at_its_size(
    serve: Callable[..., Served], session: Path
) -> None:
    server = serve("--warm", "1", "--max-kiosks", "1")  # no second spare while it serves
    spares, serving = asyncio.run(_one_through_a_spare(server))
    assert len(spares) == 1 and serving == spares  # the phone got the spare, no new process
    snapshot = SessionStore.open(session).snapshot()
    assert len(snapshot.participants) == 1 and snapshot.participants[0].finished
    assert {a.value for a in snapshot.answers} == {2} and len(snapshot.answers) == ITEMS


async def _first_statement_bytes(server: Served) -> bytes:
    client = KioskClient(server.base, server.token)
    async with aiohttp.ClientSession() as http:
        await client.open(http)
        await client.join(total=ITEMS)
        await client.drop()
    return bytes(client.screen)


def test_phones_get_colour_whatever_the_facilitators_terminal_prefers(
    shared_server: tuple[Served, Path],
) -> None:
    """The server runs with NO_COLOR=1 here; a phone's page is a display of its own."""
    import re

    server, _ = shared_server
    screen = asyncio.run(_first_statement_bytes(server))
    colours = {tuple(map(int, m)) for m in re.findall(rb"38;2;(\d+);(\d+);(\d+)", screen)}
    assert any(len(set(rgb)) > 1 for rgb in colours)  # not only greys
