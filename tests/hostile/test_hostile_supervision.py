"""Supervision: a locked kiosk that dies by any signal or exception comes back on its own,
at the welcome card; a facilitator who quits is not restarted.

Attack from issue 8: ``kill -TERM`` or ``kill -9`` of a kiosk left the terminal at a
shell prompt under a stale screen (the restart covered Python exceptions only).

The kiosk runs for real on a pseudo-terminal; signals are real; the children of the
supervisor are found through /proc.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_helpers import PIN, Terminal, children_of, make_session

from coherence_tui.services.supervisor import CRASH_EXIT, describe_exit, supervise
from coherence_tui.storage.store import SessionStore

pytestmark = pytest.mark.skipif(
    not os.path.isdir("/proc/self"), reason="finds the supervised child through /proc"
)

REPO = Path(__file__).resolve().parents[2]
WELCOME = "Press Enter to start"
F12 = b"\x1b[24~"


def on_welcome_card(text: str) -> bool:
    return WELCOME in text


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[Terminal]:
    """``coherence-tui kiosk workshop`` on a pseudo-terminal, showing its welcome card."""
    make_session(tmp_path / "sessions")
    crash = tmp_path / "crash"
    crash.mkdir()
    (crash / "sitecustomize.py").write_text(CRASH_ONCE)
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "COHERENCE_SESSIONS_DIR": str(tmp_path / "sessions"),
        "PYTHONPATH": os.pathsep.join([str(crash), str(REPO)]),
        "CRASH_MARKER": str(tmp_path / "crashed-once"),
    }
    env.pop("COHERENCE_SUPERVISED", None)
    terminal = Terminal(
        [sys.executable, "-m", "coherence_tui", "kiosk", "workshop"], env=env, cwd=tmp_path
    )
    try:
        terminal.read_until(on_welcome_card)
        yield terminal
    finally:
        terminal.close()


CRASH_ONCE = textwrap.dedent(
    """
    # Test only: the first supervised kiosk to start a participant dies of a bug.
    # The supervisor's child is a fork of it (no new interpreter runs this file again),
    # so the bug is planted when the kiosk screen's module is loaded, in the child.
    import importlib.abc
    import importlib.util
    import os
    import sys

    marker = os.environ.get("CRASH_MARKER")

    def plant(kiosk):
        if os.environ.get("COHERENCE_SUPERVISED") and marker and not os.path.exists(marker):

            def crash(self, department):
                open(marker, "w").close()
                raise RuntimeError("injected bug")

            kiosk.KioskScreen._begin = crash

    class PlantOnImport(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name != "coherence_tui.screens.kiosk":
                return None
            sys.meta_path.remove(self)
            spec = importlib.util.find_spec(name)
            run = spec.loader.exec_module

            def exec_module(module):
                run(module)
                plant(module)

            spec.loader.exec_module = exec_module
            return spec

    sys.meta_path.insert(0, PlantOnImport())
    """
)


def the_app(terminal: Terminal) -> int:
    """The one process the supervisor runs now."""
    (child,) = children_of(terminal.pid)
    return child


@pytest.mark.parametrize(
    "sig",
    [signal.SIGKILL, signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGQUIT],
    ids=lambda s: s.name,
)
def test_a_kiosk_killed_by_a_signal_comes_back_at_the_welcome_card(
    kiosk: Terminal, sig: signal.Signals
) -> None:
    first = the_app(kiosk)
    kiosk.send(b"\r")  # a participant starts ...
    kiosk.read_until(lambda text: "Board" in text)

    os.kill(first, sig)

    shown = kiosk.read_until(on_welcome_card)
    assert f"stopped unexpectedly (killed by {sig.name})" in shown
    second = the_app(kiosk)
    assert second != first
    assert kiosk.status is None, "the supervisor is still running"


def test_a_kiosk_that_dies_of_an_exception_comes_back_and_keeps_its_answers(
    kiosk: Terminal, tmp_path: Path
) -> None:
    first = the_app(kiosk)
    kiosk.send(b"\r")
    kiosk.read_until(lambda text: "Board" in text)
    kiosk.send(b"1")  # the injected bug fires as the participant begins

    shown = kiosk.read_until(on_welcome_card)
    assert "stopped unexpectedly (an unexpected error)" in shown
    assert the_app(kiosk) != first
    kiosk.send(b"\r")
    kiosk.read_until(lambda text: "Board" in text)
    kiosk.send(b"3")
    kiosk.read_until(lambda text: "1 / 4" in text)
    kiosk.send(b"5")
    kiosk.read_until(lambda text: "2 / 4" in text)
    answers = SessionStore.open(tmp_path / "sessions" / "workshop.json").snapshot().answers
    assert [a.value for a in answers] == [2]


def test_a_facilitator_who_quits_is_not_restarted(kiosk: Terminal) -> None:
    kiosk.send(F12)
    kiosk.read_until(lambda text: "PIN" in text)
    kiosk.send(PIN.encode() + b"\r")
    kiosk.read_until(lambda text: "Quit" in text)
    kiosk.send(b"q")
    kiosk.read_until(lambda text: "Yes" in text)
    kiosk.send(b"y")

    assert kiosk.wait() == 0
    assert "stopped unexpectedly" not in kiosk.text
    assert children_of(kiosk.pid) == []


def test_terminating_the_supervisor_ends_the_kiosk_too(kiosk: Terminal) -> None:
    child = the_app(kiosk)
    os.kill(kiosk.pid, signal.SIGTERM)
    assert kiosk.wait() == 128 + signal.SIGTERM
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)


# -- the restart policy, with small real children -------------------------------------------


def child(code: str, tmp_path: Path) -> list[str]:
    """A child process that counts its starts in ``tmp_path/starts`` and then runs ``code``."""
    prelude = f"open({str(tmp_path / 'starts')!r}, 'a').write('x')\n"
    return [sys.executable, "-c", prelude + textwrap.dedent(code)]


def starts(tmp_path: Path) -> int:
    return len((tmp_path / "starts").read_text())


def test_more_than_five_deaths_in_a_minute_stop_the_restarts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    command = child("import os, signal; os.kill(os.getpid(), signal.SIGKILL)", tmp_path)

    code = supervise(command, delay=0)

    assert code == 1 and starts(tmp_path) == 6
    err = capsys.readouterr().err
    assert err.count("restarting it (answers are safe)") == 5
    assert err.splitlines()[-1] == (
        "coherence-tui: error: the kiosk stopped unexpectedly 6 times in a minute "
        "(last: killed by SIGKILL); not restarting it again"
    )


def test_deaths_spread_over_more_than_a_minute_keep_being_restarted(tmp_path: Path) -> None:
    now = [0.0]

    def clock() -> float:
        now[0] += 13.0  # each death 13 s after the one before: at most 5 in any minute
        return now[0]

    script = f"""
        import os, signal, sys
        if len(open({str(tmp_path / "starts")!r}).read()) < 9:
            os.kill(os.getpid(), signal.SIGTERM)
        sys.exit(0)
    """
    assert supervise(child(script, tmp_path), delay=0, clock=clock) == 0
    assert starts(tmp_path) == 9


@pytest.mark.parametrize(("exit_code", "runs"), [(0, 1), (1, 1), (2, 1), (CRASH_EXIT, 6), (3, 6)])
def test_only_a_normal_end_stops_the_supervisor(tmp_path: Path, exit_code: int, runs: int) -> None:
    result = supervise(child(f"raise SystemExit({exit_code})", tmp_path), delay=0)
    assert starts(tmp_path) == runs
    assert result == (exit_code if runs == 1 else 1)


def test_exit_descriptions_name_the_signal() -> None:
    assert describe_exit(-9) == "killed by SIGKILL"
    assert describe_exit(CRASH_EXIT) == "an unexpected error"


def test_the_supervisor_never_imports_textual() -> None:
    code = (
        "import sys, coherence_tui.services.supervisor, coherence_tui.cli\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_workshop_opened_from_the_home_screen_comes_back_as_its_locked_kiosk(
    tmp_path: Path,
) -> None:
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "COHERENCE_SESSIONS_DIR": str(tmp_path / "sessions"),
        "LANG": "C.UTF-8",
    }
    env.pop("COHERENCE_SUPERVISED", None)
    home = Terminal([sys.executable, "-m", "coherence_tui"], env=env, cwd=tmp_path, size=(50, 120))
    try:
        home.read_until(lambda text: "e.g. acme-2026-03" in text)
        pin = PIN.encode()
        typed = len(home.output)
        home.type(b"acme", b"\t", b"\t", b"\t", b"\t", pin, b"\t", pin, b"\r")
        home.read_until(on_welcome_card, since=typed)
        first = the_app(home)

        os.kill(first, signal.SIGKILL)

        home.read_until(on_welcome_card)
        second = the_app(home)
        assert second != first
        with open(f"/proc/{second}/cmdline", "rb") as handle:
            command = handle.read().split(b"\0")
        assert command[3] == b"run" and command[4].endswith(b"sessions/acme.json")
        home.send(b"\x11")  # ctrl+q: refused, the kiosk is locked
        home.send(F12)
        home.read_until(lambda text: "PIN" in text)
    finally:
        home.close()
    assert (tmp_path / "sessions" / "acme.json").is_file()
