"""One browser kiosk: the locked app in ``web`` mode, started by the server.

A light entry point: it imports the kiosk's screens and nothing of the dashboard,
the charts, the exports or the command line, so a phone costs what a kiosk needs.
Run as ``python -m coherence_tui.serve.kiosk_main SESSION`` (one process per phone)
or called by a forked child of ``zygote`` (the default: already imported).

Its standard input and output speak textual-serve's packet protocol (Textual's
``WebDriver``); ``--seat-fd`` is the pipe for the seat's events (``SeatLink``).
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import importlib
import os
import signal
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

WEB_ENVIRONMENT = {
    "TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver",
    "TEXTUAL_FPS": "60",
    "TEXTUAL_COLOR_SYSTEM": "truecolor",
    "TERM_PROGRAM": "textual",
}
"""What textual-serve sets for an app it runs; Textual reads some of it at import."""

NOT_FOR_PHONES = ("NO_COLOR", "TEXTUAL_ALLOW_SIGNALS", "COLUMNS", "LINES")
"""The facilitator's terminal preferences: a phone's page is a display of its own."""


def web_environment(base: Mapping[str, str]) -> dict[str, str]:
    """``base`` as a browser kiosk needs it."""
    environment = {k: v for k, v in base.items() if k not in NOT_FOR_PHONES}
    environment.update(WEB_ENVIRONMENT)
    return environment


_PR_SET_PDEATHSIG = 1


def end_with_parent() -> None:
    """Ask Linux for SIGTERM when our parent dies, so no kiosk outlives its server."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        pass


PRELOAD = (
    "coherence_tui.app",
    "coherence_tui.screens.kiosk",
    "coherence_tui.screens.pin",
    "coherence_tui.serve.seat_link",
    "textual.drivers.web_driver",
    "textual.drivers._input_reader",
    "textual.widgets._content_switcher",
    "textual.widgets._label",
    "textual.widgets._progress_bar",
    "textual.layouts.horizontal",
    "textual.layouts.factory",
    "textual.layouts.stream",
    "textual.drivers.headless_driver",
    "textual.pilot",
    "textual.renderables.bar",
    "textual.scrollbar",
    "textual.eta",
)
"""Every module a browser kiosk runs, Textual's lazily loaded ones included."""


def preload() -> None:
    """Import everything a kiosk runs (the zygote does this once, before forking)."""
    for name in PRELOAD:
        importlib.import_module(name)
    from rich._unicode_data import load

    load()  # rich's table of character widths, which the first frame would load


def run_kiosk(session: Path, *, lang: str | None, resume: str | None, seat_fd: int | None) -> int:
    """Run one browser kiosk until its participant finishes or the server stops it."""
    from coherence_tui.app import CoherenceApp
    from coherence_tui.serve.seat_link import SeatLink
    from coherence_tui.storage.store import SessionError

    try:
        app = CoherenceApp(
            start="web",
            session=session,
            lang=lang,
            resume=resume,
            seat=SeatLink(seat_fd) if seat_fd is not None else None,
        )
    except SessionError as error:
        print(f"coherence-tui: error: {error}", file=sys.stderr)
        return 1
    app.run()
    return int(app.return_code or 0)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="coherence_tui.serve.kiosk_main")
    parser.add_argument("session", type=Path)
    parser.add_argument("--lang", choices=("en", "pl"))
    parser.add_argument("--resume", metavar="CODE")
    parser.add_argument("--seat-fd", type=int)
    args = parser.parse_args(argv)
    for name in NOT_FOR_PHONES[:2]:
        os.environ.pop(name, None)
    for name, value in WEB_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    end_with_parent()
    return run_kiosk(args.session, lang=args.lang, resume=args.resume, seat_fd=args.seat_fd)


if __name__ == "__main__":
    sys.exit(main())
