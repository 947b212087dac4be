"""Keeps a locked kiosk on screen: a small parent process that restarts the app when it dies.

``run`` and ``kiosk`` do not run the app in their own process. They start it as a
child (the same command, marked by ``COHERENCE_SUPERVISED``) and wait. The command
line's child is a ``fork`` of the small parent that goes on to run the command (no
second interpreter to start, no second import of the command line: the parent imported
nothing heavy, so the child starts as clean as a new process); ``supervise`` also runs
any command line as a new process. When the child dies by any signal (``kill -TERM``,
``kill -9``, the kernel's out-of-memory killer) or of an unhandled exception (exit
code ``CRASH_EXIT``), the parent puts the terminal back in order and starts it again:
the new kiosk shows the welcome card, and nothing is lost (every answer is on disk
before the next statement shows, and the PIN lock-out lives beside the session). The
parent stops, with the child's code, when the child exits normally: 0 (the facilitator
quit), 1 (a user error, one line on stderr: starting again would not help) or 2
(usage). More than ``MAX_RESTARTS_PER_MINUTE`` restarts within a minute end it with
one line and exit 1.

The home screen (``coherence-tui`` alone) is supervised the same way: once it opens
a workshop, the child says so in the ``HANDOVER_ENV`` file and a restart brings back
that workshop's locked kiosk, never the unlocked home screen.

The parent itself ignores ctrl+c, ctrl+\\ and ctrl+z typed between two children (the
terminal is briefly in cooked mode then); ``SIGTERM`` and ``SIGHUP`` sent to the parent
are passed to the child and end both: that is how an administrator, or a closed
terminal, stops a supervised kiosk.

Pure Python and small: it never imports Textual.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

SUPERVISED_ENV = "COHERENCE_SUPERVISED"
"""Set in the child's environment: run the app itself, exit ``CRASH_EXIT`` on a crash."""
HANDOVER_ENV = "COHERENCE_SUPERVISOR_HANDOVER"
"""A file the child writes when it turns into a kiosk (the home screen opened a workshop):
``run`` and the session path, one a line. The next restart is that kiosk, not home."""
CRASH_EXIT = 70
"""The child's exit code when the app died of an unhandled exception (BSD's EX_SOFTWARE)."""
FINAL_CODES = frozenset({0, 1, 2})
"""Child exit codes that end supervision: quit, user error, usage."""
MAX_RESTARTS_PER_MINUTE = 5
RESTART_DELAY = 0.5
"""Seconds between a death and the next start (a crash loop never spins)."""

_TERMINAL_RESET = (
    "\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l"  # mouse reporting off
    "\x1b[?2004l\x1b[?1004l"  # bracketed paste and focus events off
    "\x1b[0m\x1b[?25h"  # plain text, cursor visible
)
_CLEAR = "\x1b[2J\x1b[H"
_LEAVE_ALTERNATE_SCREEN = "\x1b[?1049l"


def read_handover(path: Path) -> tuple[str, Path] | None:
    """What a child handed over (see ``HANDOVER_ENV``): ``("run", session path)``, if anything."""
    try:
        start, session = path.read_text(encoding="utf-8").splitlines()[:2]
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return (start, Path(session)) if start == "run" and session else None


def write_handover(session: Path) -> None:
    """In a supervised child: from now on, a restart opens ``session`` as a locked kiosk."""
    target = os.environ.get(HANDOVER_ENV)
    if not target:
        return
    from coherence_tui.storage.fileio import write_private

    try:
        write_private(Path(target), f"run\n{session}\n".encode())
    except OSError:
        pass  # the supervisor would restart the home screen instead: no worse than before


def describe_exit(code: int) -> str:
    """How a child ended, for the one-line messages: ``killed by SIGKILL``, ``exit code 70``."""
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    if code == CRASH_EXIT:
        return "an unexpected error"
    return f"exit code {code}"


class _Terminal:
    """The terminal as it was before the first child: put back after a child dies unclean."""

    def __init__(self, stdin: TextIO, stdout: TextIO) -> None:
        self._stdout = stdout if stdout.isatty() else None
        self._fd: int | None = None
        self._mode: list[Any] | None = None
        try:
            import termios

            if stdin.isatty():
                self._fd = stdin.fileno()
                self._mode = termios.tcgetattr(self._fd)
        except (ImportError, OSError, ValueError):
            self._mode = None

    def restore(self, *, clear: bool, leave_alternate_screen: bool = False) -> None:
        if self._mode is not None and self._fd is not None:
            import termios

            try:
                termios.tcsetattr(self._fd, termios.TCSANOW, self._mode)
            except OSError:
                pass
        if self._stdout is not None:
            reset = _TERMINAL_RESET + (_CLEAR if clear else "")
            if leave_alternate_screen:
                reset += _LEAVE_ALTERNATE_SCREEN
            try:
                self._stdout.write(reset)
                self._stdout.flush()
            except OSError:
                pass


@contextmanager
def _signals(on_stop: Callable[[int], None]) -> Iterator[None]:
    """While supervising: keyboard signals do nothing to us, TERM and HUP call ``on_stop``.

    Python-level handlers (never ``SIG_IGN``) so that the child, after ``exec``, starts
    with every signal at its default, exactly as an unsupervised app would.
    """

    def ignore(signum: int, frame: FrameType | None) -> None:
        pass

    def stop(signum: int, frame: FrameType | None) -> None:
        on_stop(signum)

    wanted: dict[int, Callable[[int, FrameType | None], None]] = {
        signal.SIGINT: ignore,
        signal.SIGTERM: stop,
    }
    for name, extra in (("SIGQUIT", ignore), ("SIGTSTP", ignore), ("SIGHUP", stop)):
        if hasattr(signal, name):
            wanted[getattr(signal, name)] = extra
    previous: dict[int, Any] = {}
    for signum, handler in wanted.items():
        previous[signum] = signal.signal(signum, handler)
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


class _Forked:
    """A child made by ``os.fork`` that runs ``run(command)`` and exits with its code."""

    def __init__(
        self, run: Callable[[Sequence[str]], int], command: Sequence[str], env: Mapping[str, str]
    ) -> None:
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child; measured by the tests through /proc
            code = CRASH_EXIT
            try:
                # As a new process starts: every signal at its default, the child's
                # environment, a fresh KeyboardInterrupt for ctrl+c.
                for name in ("SIGTERM", "SIGHUP", "SIGQUIT", "SIGTSTP"):
                    if hasattr(signal, name):
                        signal.signal(getattr(signal, name), signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.default_int_handler)
                os.environ.clear()
                os.environ.update(env)
                code = run(command)
            except SystemExit as end:
                code = end.code if isinstance(end.code, int) else (0 if end.code is None else 1)
            except BaseException:
                import traceback

                traceback.print_exc()
            finally:
                for stream in (sys.stdout, sys.stderr):
                    try:
                        stream.flush()
                    except (OSError, ValueError):
                        pass
                os._exit(code & 0xFF)
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self) -> int:
        while self.returncode is None:
            try:
                _, status = os.waitpid(self.pid, 0)
            except InterruptedError:  # pragma: no cover - PEP 475 retries for us
                continue
            self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.returncode is None:
            os.kill(self.pid, signum)


def supervise(
    command: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    what: str = "the kiosk",
    delay: float = RESTART_DELAY,
    limit: int = MAX_RESTARTS_PER_MINUTE,
    next_command: Callable[[], Sequence[str] | None] | None = None,
    clock: Callable[[], float] = time.monotonic,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    run: Callable[[Sequence[str]], int] | None = None,
) -> int:
    """Run ``command`` until it ends normally; start it again whenever it dies.

    ``next_command``, asked before each restart, may name another command to start
    instead (the home screen's child became a kiosk: restart the kiosk). With ``run``,
    the child is a fork of this process that calls ``run(command)`` (the command line
    passes its own ``main``); without, ``command`` is started as a new process.

    Returns the child's final exit code (0, 1 or 2), 1 after too many restarts, or
    128 + the signal that asked us to stop (SIGTERM, SIGHUP).
    """
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    terminal = _Terminal(stdin, stdout)
    child_env = {**(env if env is not None else os.environ), SUPERVISED_ENV: "1"}
    stopping: list[int] = []
    child: subprocess.Popen[bytes] | _Forked | None = None

    def on_stop(signum: int) -> None:
        stopping.append(signum)
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    deaths: list[float] = []
    with _signals(on_stop):
        while True:
            if run is not None:
                child = _Forked(run, command, child_env)
            else:
                child = subprocess.Popen(list(command), env=child_env)
            code = child.wait()
            if stopping:
                terminal.restore(clear=False, leave_alternate_screen=code < 0)
                return 128 + stopping[0]
            if code in FINAL_CODES:
                return code
            now = clock()
            deaths = [t for t in deaths if now - t < 60.0] + [now]
            if len(deaths) > limit:
                terminal.restore(clear=False, leave_alternate_screen=True)
                print(
                    f"coherence-tui: error: {what} stopped unexpectedly {len(deaths)} times in "
                    f"a minute (last: {describe_exit(code)}); not restarting it again",
                    file=stderr,
                )
                return 1
            terminal.restore(clear=code < 0)  # a killed app left its screen behind
            print(
                f"coherence-tui: {what} stopped unexpectedly ({describe_exit(code)}); "
                "restarting it (answers are safe)",
                file=stderr,
                flush=True,
            )
            time.sleep(delay)
            if stopping:
                return 128 + stopping[0]
            command = (next_command() if next_command else None) or command
