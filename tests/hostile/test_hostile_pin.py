"""The facilitator PIN: digits exactly as typed, never on the command line unwarned, and a
lock-out that every process and every restart of a session shares.

Attacks from issue 8: five wrong PINs locked only the process that saw them (a second
kiosk, or the kiosk after a restart, offered five fresh tries); ``--pin`` is visible in
``ps`` and shell history; ``--pin $'1234\\n'`` was accepted and then never matched.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hostile_helpers import PIN, Terminal, make_session
from textual.widgets import Input

from coherence_tui.app import CoherenceApp
from coherence_tui.domain.pin import LOCK_SECONDS, check_pin, validate_pin
from coherence_tui.screens.facilitator import FacilitatorScreen
from coherence_tui.screens.pin import PinScreen
from coherence_tui.services.live import LiveSession
from coherence_tui.storage.pinlock import SessionPinGuard
from coherence_tui.storage.store import SessionError, SessionStore
from tests.cli.conftest import Run

SIZE = (100, 30)
REPO = Path(__file__).resolve().parents[2]


def stored_pin_matches(path: Path, pin: str) -> bool:
    settings = SessionStore.open(path).snapshot().settings
    return check_pin(pin, settings.pin_salt, settings.pin_hash)


# -- digits exactly as typed -------------------------------------------------------------


@pytest.mark.parametrize(
    "pin", ["1234\n", " 1234", "١٢٣٤", "１２３４", "12a4", "123", "1" * 13, ""]
)
def test_a_pin_is_four_to_twelve_ascii_digits_exactly(pin: str) -> None:
    with pytest.raises(ValueError, match="4 to 12 digits 0-9"):
        validate_pin(pin)


def test_new_refuses_a_pin_with_a_trailing_newline_and_says_why(run: Run, tmp_path: Path) -> None:
    done = run("new", "acme", "--questionnaire", "general-en", "--pin", "1234\n")
    assert done.returncode == 1 and "U+000A (LF)" in done.stderr
    assert "1234" not in done.stderr, "the PIN is never echoed"
    from_env = run(
        "new", "acme", "--questionnaire", "general-en", extra_env={"COHERENCE_PIN": "١٢٣٤"}
    )
    assert from_env.returncode == 1 and "COHERENCE_PIN: the facilitator PIN" in from_env.stderr
    assert not (tmp_path / "sessions" / "acme.json").exists()


def test_pin_on_the_command_line_works_but_warns_that_others_can_see_it(
    run: Run, tmp_path: Path
) -> None:
    done = run("new", "acme", "--questionnaire", "general-en", "--pin", "2468")
    assert done.returncode == 0
    assert "warning" in done.stderr and "visible to other users" in done.stderr
    assert stored_pin_matches(tmp_path / "sessions" / "acme.json", "2468")


def test_pin_from_the_environment_is_neither_warned_about_nor_printed(
    run: Run, tmp_path: Path
) -> None:
    done = run("new", "acme", "--questionnaire", "general-en", extra_env={"COHERENCE_PIN": "97531"})
    assert done.returncode == 0 and done.stderr == ""
    assert "97531" not in done.stdout
    assert stored_pin_matches(tmp_path / "sessions" / "acme.json", "97531")


def new_on_a_terminal(tmp_path: Path) -> Terminal:
    env = {k: v for k, v in os.environ.items() if k != "COHERENCE_PIN"}
    env["COHERENCE_SESSIONS_DIR"] = str(tmp_path / "sessions")
    return Terminal(
        [sys.executable, "-m", "coherence_tui", "new", "acme", "--questionnaire", "general-en"],
        env=env,
        cwd=tmp_path,
    )


def test_new_asks_for_the_pin_twice_without_echoing_it(tmp_path: Path) -> None:
    terminal = new_on_a_terminal(tmp_path)
    try:
        terminal.read_until(lambda text: "Facilitator PIN" in text)
        terminal.send(b"864200\r")
        terminal.read_until(lambda text: "same PIN again" in text)
        terminal.send(b"864200\r")
        assert terminal.wait() == 0
    finally:
        terminal.close()
    assert "864200" not in terminal.text
    assert stored_pin_matches(tmp_path / "sessions" / "acme.json", "864200")


def test_new_refuses_two_different_pins_at_the_prompt(tmp_path: Path) -> None:
    terminal = new_on_a_terminal(tmp_path)
    try:
        terminal.read_until(lambda text: "Facilitator PIN" in text)
        terminal.send(b"864200\r")
        terminal.read_until(lambda text: "same PIN again" in text)
        terminal.send(b"864201\r")
        assert terminal.wait() == 1
    finally:
        terminal.close()
    assert "the two PINs differ" in terminal.text
    assert not (tmp_path / "sessions" / "acme.json").exists()


# -- one lock-out per session, for every process ---------------------------------------------

GUESSER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from coherence_tui.services.live import LiveSession
    from coherence_tui.storage.pinlock import SessionPinGuard
    from coherence_tui.storage.store import SessionStore

    store = SessionStore.open(Path(sys.argv[1]))
    live = LiveSession(store)
    guard = SessionPinGuard(store)
    go = Path(sys.argv[3])
    while not go.exists():
        time.sleep(0.005)
    outcomes = [guard.attempt(sys.argv[2], live.check_pin) for _ in range(5)]
    print(",".join(str(o) for o in outcomes))
    """
)


def guess(path: Path, pin: str, go: Path) -> subprocess.Popen[str]:
    """Another process (a second kiosk, or a restarted one) making five guesses."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-c", GUESSER, str(path), pin, str(go)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


async def test_wrong_pins_in_another_process_lock_this_kiosks_prompt(tmp_path: Path) -> None:
    path = make_session(tmp_path)
    go = tmp_path / "go"
    go.touch()
    other = guess(path, "0000", go)
    out, err = other.communicate(timeout=60)
    assert other.returncode == 0, err
    assert out.strip() == "False,False,False,False,False"

    app = CoherenceApp(start="run", session=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f12")
        assert isinstance(app.screen, PinScreen)
        assert app.screen.query_one(Input).disabled
        assert "Try again in" in str(app.screen.query_one("#pin-message").render())
        await pilot.press(*PIN, "enter")
        assert isinstance(app.screen, PinScreen), "the right PIN waits out the lock too"


async def test_a_restarted_kiosk_keeps_the_lock_out(tmp_path: Path) -> None:
    path = make_session(tmp_path)
    first = CoherenceApp(start="run", session=path)
    async with first.run_test(size=SIZE) as pilot:
        await pilot.press("f12")
        for _ in range(5):
            await pilot.press(*"1357", "enter")
        assert first.screen.query_one(Input).disabled

    restarted = CoherenceApp(start="run", session=path)
    async with restarted.run_test(size=SIZE) as pilot:
        assert restarted.pin_guard.seconds_locked() > 0
        await pilot.press("f12")
        assert restarted.screen.query_one(Input).disabled


def test_two_processes_guessing_at_once_get_five_checks_between_them(tmp_path: Path) -> None:
    path = make_session(tmp_path)
    go = tmp_path / "go"
    guessers = [guess(path, "0000", go), guess(path, "1111", go)]
    go.touch()
    outcomes: list[str] = []
    for process in guessers:
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        outcomes += out.strip().split(",")
    assert outcomes.count("False") == 5, outcomes
    assert outcomes.count("None") == 5, "the other five were refused unchecked"


def test_the_lock_opens_after_a_minute_and_a_clock_set_back_cannot_stretch_it(
    tmp_path: Path,
) -> None:
    store = SessionStore.open(make_session(tmp_path))
    live = LiveSession(store)
    now = [1_000_000.0]
    guard = SessionPinGuard(store, clock=lambda: now[0])
    for _ in range(5):
        assert guard.attempt("0000", live.check_pin) is False
    assert guard.attempt(PIN, live.check_pin) is None
    now[0] -= 86_400  # someone sets the clock a day back
    assert guard.seconds_locked() == LOCK_SECONDS
    now[0] += 86_400 + LOCK_SECONDS
    assert guard.seconds_locked() == 0
    assert guard.attempt(PIN, live.check_pin) is True
    assert guard.attempts_left == 5


def test_the_attempts_file_is_owner_only_and_holds_no_pin(tmp_path: Path) -> None:
    path = make_session(tmp_path)
    store = SessionStore.open(path)
    guard = SessionPinGuard(store)
    guard.attempt("0000", LiveSession(store).check_pin)
    assert os.stat(guard.path).st_mode & 0o777 == 0o600
    assert guard.path == path.with_name("workshop.json.pin")
    record = json.loads(guard.path.read_text())
    assert record["failures"] == 1 and "0000" not in guard.path.read_text()


async def test_no_pin_is_checked_when_the_attempt_cannot_be_counted(tmp_path: Path) -> None:
    path = make_session(tmp_path)
    (tmp_path / "workshop.json.pin").mkdir()  # the attempts file cannot be read or written
    with pytest.raises(SessionError, match="PIN attempts"):
        SessionPinGuard(SessionStore.open(path)).attempt(PIN, lambda pin: True)

    app = CoherenceApp(start="run", session=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f12", *PIN, "enter")
        assert not isinstance(app.screen, FacilitatorScreen)
        assert "The PIN was not checked" in str(app.screen.query_one("#pin-message").render())
        assert app.locked
