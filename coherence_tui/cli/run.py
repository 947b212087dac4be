"""Commands that open the app or a server: the kiosk (supervised), the projector, the
demo, the home screen, and ``serve`` for browser kiosks."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from coherence_tui.cli.common import (
    Start,
    UserError,
    sessions_dir,
)

if TYPE_CHECKING:
    pass


LOCKED_STARTS: tuple[Start, ...] = ("run", "kiosk")
"""Starts that put a locked kiosk on screen: supervised from a parent process."""
SUPERVISED_STARTS: tuple[Start, ...] = (*LOCKED_STARTS, "home")
"""``home`` too: it becomes a locked kiosk once a workshop is opened from it."""


def _child_command(start: Start, args: argparse.Namespace, session: Path | None) -> list[str]:
    """The same command for the supervised child (the session already resolved)."""
    command = [sys.executable, "-m", "coherence_tui"]
    if start != "home":  # the home screen is the command line without a command
        command.append(start)
    if session is not None:
        command.append(str(session))
    if args.sessions_dir:
        command += ["--sessions-dir", args.sessions_dir]
    if args.lang:
        command += ["--lang", args.lang]
    return command


def _supervise(start: Start, args: argparse.Namespace, session: Path | None) -> int:
    """Run the app as a supervised child; a home screen hands over to its kiosk."""
    import tempfile

    from coherence_tui.services.supervisor import HANDOVER_ENV, read_handover, supervise

    command = _child_command(start, args, session)

    def run(child: Sequence[str]) -> int:
        entry: Callable[[list[str]], int] = args.entry  # ``cli.main``, set before dispatch
        return entry(list(child[3:]))  # after "python -m coherence_tui"

    if start != "home":
        return supervise(command, run=run)
    with tempfile.TemporaryDirectory(prefix="coherence-tui-") as private:
        handover = Path(private) / "handover"

        def kiosk_command() -> list[str] | None:
            opened = read_handover(handover)
            return _child_command("run", args, opened[1]) if opened else None

        env = {**os.environ, HANDOVER_ENV: str(handover)}
        # A new process each time here: the home screen's restart becomes another command.
        return supervise(command, env=env, what="the app", next_command=kiosk_command)


def _run_app(start: Start, args: argparse.Namespace, session: Path | None) -> int:
    """Run the app; a locked kiosk runs as the child of a supervisor that restarts it.

    See ``supervisor``: the parent never imports Textual; the child (``COHERENCE_SUPERVISED``
    set) runs the app once and exits ``CRASH_EXIT`` if it died of an exception.
    """
    from coherence_tui.services.supervisor import CRASH_EXIT, SUPERVISED_ENV

    supervised = bool(os.environ.get(SUPERVISED_ENV))
    if start in SUPERVISED_STARTS and not supervised:
        return _supervise(start, args, session)
    import gc

    # No collection while starting: nothing made now is garbage (about 0.1 s of collections
    # before the first frame). The app freezes all of it and switches collection back on
    # once the first frame is out (CoherenceApp._settle).
    gc.disable()
    from coherence_tui.app import CoherenceApp

    app = CoherenceApp(
        start=start, session=session, sessions_dir=sessions_dir(args), lang=args.lang
    )
    if supervised:
        # A KeyboardInterrupt raised inside the running app leaves it alive but deaf to
        # keys; a kill -INT now ends the process, which the supervisor restarts.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
    result = app.run()
    app.close_session()
    if supervised and app.return_code not in (0, None):
        return CRASH_EXIT  # Textual has printed the traceback; the supervisor restarts
    return int(result or app.return_code or 0)


def _app_with_session(start: Start) -> Callable[[argparse.Namespace], int]:
    def command(args: argparse.Namespace) -> int:
        from coherence_tui.storage.paths import resolve_session_path

        # The app opens (and so refuses a bad session) in its constructor, before the
        # terminal switches to the screen: one open, one-line errors all the same.
        return _run_app(start, args, resolve_session_path(args.session, sessions_dir(args)))

    return command


def cmd_demo(args: argparse.Namespace) -> int:
    from coherence_tui.services.demo import ensure_demo

    path = ensure_demo(sessions_dir(args))
    if args.report:
        args.session = str(path)
        args.json = False
        from coherence_tui.cli.files import cmd_report

        return cmd_report(args)
    return _run_app("demo", args, path)


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the locked kiosk to browsers (phones) until Ctrl+C."""
    import asyncio
    import logging

    from coherence_tui.serve.address import ANY_HOSTS, is_loopback
    from coherence_tui.serve.server import KioskServer, serve_until_stopped
    from coherence_tui.storage.store import SessionStore, resolve_session_path

    if args.max_kiosks < 1:
        raise UserError(f"--max-kiosks must be at least 1 (got {args.max_kiosks})")
    if args.warm < 0:
        raise UserError(f"--warm must be 0 or more (got {args.warm})")
    if not 0 <= args.port <= 65535:
        raise UserError(f"--port must be 0-65535 (got {args.port})")
    public_url = args.public_url
    if public_url is not None and not public_url.startswith(("http://", "https://")):
        raise UserError(f"--public-url must start with http:// or https:// (got {public_url!r})")
    path = resolve_session_path(args.session, sessions_dir(args))
    snapshot = SessionStore.open(path).snapshot()  # a bad session: one line, before listening
    logging.basicConfig(format="coherence-tui serve: %(message)s", level=logging.WARNING)
    server = KioskServer(
        path,
        host=args.host,
        port=args.port,
        max_kiosks=args.max_kiosks,
        public_url=public_url,
        lang=args.lang,
        page_lang=snapshot.settings.language or snapshot.questionnaire.language,
        title=snapshot.questionnaire.title,
        preload=not args.no_preload,
        warm=args.warm,
    )

    def rotated(url: str) -> None:
        print("New participant link (pages already open keep working until they finish):")
        print(url, flush=True)

    def started() -> None:
        where = f"{args.host}, port {server.port}"
        if args.host in ANY_HOSTS:
            print(
                f"Serving {snapshot.name} to the room's network ({where}): anyone on this "
                "network who has the link can answer."
            )
        elif is_loopback(args.host):
            print(
                f"Serving {snapshot.name} on this machine only ({where}); "
                "--host 0.0.0.0 opens it to the room's network."
            )
        else:
            print(f"Serving {snapshot.name} on {where}.")
        if server.url_warning:
            print(f"coherence-tui: warning: {server.url_warning}", file=sys.stderr)
        print("Participant link (the projector's dashboard shows it as a QR code):")
        print(server.participant_url)
        print(
            f"Up to {args.max_kiosks} kiosks at once. Ctrl+C stops "
            "(people mid-way continue where they were when you serve again).",
            flush=True,
        )

    server.on_rotate = rotated
    try:
        asyncio.run(serve_until_stopped(server, on_start=started))
    except OSError as error:
        reason = error.strerror or str(error)
        raise UserError(f"cannot serve on {args.host}:{args.port}: {reason}") from None
    return 0


def cmd_home(args: argparse.Namespace) -> int:
    return _run_app("home", args, None)


# -- parser --------------------------------------------------------------------
