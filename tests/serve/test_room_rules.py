"""Tokens, seats and the sidecar file: the rules of who may start a kiosk, and as whom."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
import segno

from coherence_tui.serve import address
from coherence_tui.serve import room as room_file
from coherence_tui.serve.qr import modules_of, qr_lines
from coherence_tui.serve.room import RoomState, RoomWatch, Seat
from coherence_tui.serve.seats import Admission, Room
from coherence_tui.serve.tokens import is_join_token, new_join_token, seat_key


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_join_tokens_are_random_and_readable_off_a_projector() -> None:
    tokens = {new_join_token() for _ in range(50)}
    assert len(tokens) == 50
    assert all(is_join_token(t) and not set(t) & set("il1o0") for t in tokens)


def test_a_seat_without_the_current_token_is_refused() -> None:
    room = Room(token="abcdefghjk")
    assert room.admit("abcdefghjm", seat_key("s" * 20)) is Admission.FORBIDDEN
    assert room.admit("abcdefghjk", seat_key("s" * 20)) is Admission.START
    assert not room.page_allowed("abcdefghjm") and room.page_allowed("abcdefghjk")


def test_a_seat_continues_its_participant_and_is_done_once_they_finish() -> None:
    room = Room(token="abcdefghjk")
    seat = seat_key("a" * 20)
    room.connect("abcdefghjk", seat)
    room.started(seat, "ABC234")
    room.disconnect(seat)
    assert room.admit("abcdefghjk", seat) is Admission.RESUME
    assert room.participant_of(seat) == "ABC234"
    room.finished(seat, "ABC234")
    assert room.admit("abcdefghjk", seat) is Admission.DONE
    assert room.participant_of(seat) is None  # the link is gone with the participant
    assert room.unfinished() == 0


def test_after_a_rotation_old_tokens_work_only_for_their_seats_until_done() -> None:
    room = Room(token="abcdefghjk")
    mid_way, waiting = seat_key("m" * 20), seat_key("w" * 20)
    room.connect("abcdefghjk", mid_way)
    room.started(mid_way, "ABC234")
    new = room.rotate()
    assert new != "abcdefghjk"
    assert room.admit("abcdefghjk", waiting) is Admission.FORBIDDEN
    assert room.admit("abcdefghjk", mid_way) is Admission.RESUME
    assert room.page_allowed("abcdefghjk")
    room.finished(mid_way, "ABC234")
    assert not room.page_allowed("abcdefghjk")
    assert room.admit(new, waiting) is Admission.START


def test_the_cap_counts_connected_seats_but_not_the_seat_coming_back() -> None:
    room = Room(token="abcdefghjk", max_kiosks=2)
    first, second, third = (seat_key(c * 20) for c in "abc")
    room.connect("abcdefghjk", first)
    room.connect("abcdefghjk", second)
    assert room.admit("abcdefghjk", third) is Admission.FULL
    assert room.admit("abcdefghjk", first) is Admission.START  # its own old connection
    room.disconnect(second)
    assert room.admit("abcdefghjk", third) is Admission.START


def test_seats_away_longer_than_the_idle_close_are_closed() -> None:
    clock = Clock()
    room = Room(token="abcdefghjk", idle_seconds=60, clock=clock)
    answering, browsing, here = (seat_key(c * 20) for c in "abc")
    for seat in (answering, browsing, here):
        room.connect("abcdefghjk", seat)
    room.started(answering, "ABC234")
    room.disconnect(answering)
    room.disconnect(browsing)
    clock.now += 59
    assert room.idle() == []
    clock.now += 2
    assert sorted(room.idle()) == sorted([(answering, "ABC234"), (browsing, None)])


def test_the_sidecar_is_owner_only_and_round_trips(tmp_path: Path) -> None:
    session = tmp_path / "room.json"
    state = RoomState(
        pid=1, url="http://192.0.2.7:8765/j/abcdefghjk", token="abcdefghjk", kiosks=3,
        max_kiosks=40, seats={"k": Seat(token="abcdefghjk", participant="ABC234", seen=5.0)},
    )  # fmt: skip
    room_file.write_state(session, state)
    assert room_file.serve_path(session).stat().st_mode & 0o777 == 0o600
    assert room_file.read_state(session) == state
    assert room_file.running_server(session) is not None  # pid 1 is alive
    room_file.request_rotation(session)
    assert room_file.take_rotation_request(session)
    assert not room_file.take_rotation_request(session)


def test_the_dashboard_forgets_a_server_that_died(tmp_path: Path) -> None:
    session = tmp_path / "room.json"
    watch = RoomWatch(session)
    assert not watch.poll() and watch.state is None
    room_file.write_state(session, RoomState(pid=1, url="http://x/j/abcdefghjk", token="t"))
    assert watch.poll() and watch.state is not None
    room_file.write_state(session, RoomState(pid=2**22 + 17, url="u", token="t"))  # no such pid
    assert watch.poll() and watch.state is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", ""])
def test_a_server_open_to_the_room_gives_its_lan_address_never_0000_or_localhost(
    host: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(address, "lan_address", lambda: "192.168.1.23")
    url, warning = address.base_url(host, 8765)
    parts = urlsplit(url)  # parsed, never requested
    assert (parts.hostname, parts.port, warning) == ("192.168.1.23", 8765, None)


def test_public_url_wins_and_a_lone_machine_is_warned(monkeypatch: pytest.MonkeyPatch) -> None:
    assert address.base_url("0.0.0.0", 1, public_url="https://room.example/")[0] == (
        "https://room.example"
    )
    monkeypatch.setattr(address, "lan_address", lambda: None)
    url, warning = address.base_url("0.0.0.0", 8765)
    assert warning is not None and "--public-url" in warning
    assert address.base_url("::1", 8765)[0] == "http://[::1]:8765"


def test_the_real_lan_address_is_never_a_loopback_or_any_address() -> None:
    found = address.lan_address()
    assert found is None or not address.is_loopback(found) and found != "0.0.0.0"


def test_the_qr_code_draws_exactly_segnos_modules_and_fits_80x24() -> None:
    url = "http://192.168.100.200:8765/j/abcdefghjk"
    lines = qr_lines(url)
    assert len(lines) <= 19 and max(len(line) for line in lines) <= 35
    code = segno.make(url, error="m", boost_error=False)
    expected = [[not dark for dark in row] for row in code.matrix_iter(border=2)]
    drawn = modules_of(lines)[: len(expected)]
    assert drawn == expected


def test_the_server_closes_an_idle_seat_like_the_facilitator_closes_a_participant(
    session: Path,
) -> None:
    import asyncio

    from coherence_tui.domain.model import Level
    from coherence_tui.serve.server import KioskServer
    from coherence_tui.storage.store import SessionStore

    store = SessionStore.open(session)
    participant = store.add_participant(Level.BOARD, "Sales")
    store.record_answer(participant.code, "s1", 2)
    server = KioskServer(session, idle_seconds=0)
    seat = seat_key("i" * 20)
    server.room.connect(server.room.token, seat)
    server.room.started(seat, participant.code)
    server.room.disconnect(seat)
    asyncio.run(server.close_idle_seats())
    (closed,) = SessionStore.open(session).snapshot().participants
    assert closed.finished  # their answers count, like the facilitator's 'n'
    assert server.room.is_done(seat) and server.room.unfinished() == 0
