"""The command line: argument parsing and ``main``; each command lives in ``new``,
``files`` or ``run``, and the work in the layers below.

Exit codes: 0 ok, 1 a user error (one line on stderr, never a traceback),
2 usage. Screens (and so Textual) are imported only by the commands that open
one, so ``report`` and ``export`` start fast; a supervised kiosk's parent imports
nothing but this module, ``paths`` and ``supervisor`` (no store, no pydantic).
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence

from coherence_tui import __version__
from coherence_tui.cli.common import Start
from coherence_tui.cli.files import (
    cmd_archive,
    cmd_export,
    cmd_import,
    cmd_questionnaires,
    cmd_report,
)
from coherence_tui.cli.new import PIN_ENV, cmd_new
from coherence_tui.cli.run import _app_with_session, cmd_demo, cmd_home, cmd_serve
from coherence_tui.errors import CoherenceError


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--sessions-dir",
        metavar="DIR",
        help="where session files live (default: $COHERENCE_SESSIONS_DIR or ./sessions)",
    )
    common.add_argument("--lang", choices=("en", "pl"), help="interface language")

    parser = argparse.ArgumentParser(
        prog="coherence-tui",
        parents=[common],
        description="Live workshops that diagnose how coherent customer service is.",
    )
    parser.add_argument("--version", action="version", version=f"coherence-tui {__version__}")
    parser.set_defaults(func=cmd_home)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", parents=[common], help="open a ready demo session")
    demo.add_argument("--report", action="store_true", help="print the demo report instead")
    demo.set_defaults(func=cmd_demo)

    new = sub.add_parser("new", parents=[common], help="create a session, print its path")
    new.add_argument("name", metavar="NAME")
    new.add_argument(
        "--questionnaire",
        required=True,
        metavar="ID|FILE.toml",
        help="a questionnaire id (see 'questionnaires') or the path to a TOML file",
    )
    new.add_argument("--departments", metavar="A,B", help="comma-separated department names")
    new.add_argument(
        "--languages",
        metavar="en,pl,uk,ru",
        help="languages a participant may choose at the kiosk (default: the questionnaire's "
        "own); the others come from the files of the same name in those languages",
    )
    new.add_argument(
        "--k",
        type=int,
        default=3,
        help="anonymity threshold (default 3; 1 or 2 makes a rehearsal session)",
    )
    new.add_argument(
        "--pin",
        help="facilitator PIN, 4-12 digits; visible to other users: prefer the prompt or "
        f"${PIN_ENV} (default without a terminal: a random one, printed)",
    )
    new.add_argument("--revealed", action="store_true", help="show results from the start")
    new.add_argument(
        "--prediction-round",
        action="store_true",
        help="board and management estimate the front line's favourable %% for the "
        "questionnaire's predict statements after their own answers",
    )
    new.set_defaults(func=cmd_new)

    screens: tuple[tuple[str, Start, str], ...] = (
        ("run", "run", "facilitated workshop: kiosk, dashboard behind the PIN"),
        ("kiosk", "kiosk", "participant-only locked kiosk"),
        ("dashboard", "dashboard", "read-only live dashboard for a projector"),
    )
    for name, start, text in screens:
        command = sub.add_parser(name, parents=[common], help=text)
        command.add_argument("session", metavar="SESSION")
        command.set_defaults(func=_app_with_session(start))

    serve = sub.add_parser(
        "serve", parents=[common], help="serve the locked kiosk to phones and browsers"
    )
    serve.add_argument("session", metavar="SESSION")
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only; 0.0.0.0: the room)",
    )
    serve.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    serve.add_argument(
        "--max-kiosks", type=int, default=40, metavar="N", help="kiosks at once (default 40)"
    )
    serve.add_argument(
        "--public-url",
        metavar="URL",
        help="the address phones use, when it is not this machine's (a proxy, a name)",
    )
    serve.add_argument(
        "--warm",
        type=int,
        default=30,
        metavar="N",
        help="kiosks kept started for phones about to arrive (default 30, ~20 MB each)",
    )
    serve.add_argument(
        "--no-preload",
        action="store_true",
        help="start a fresh Python process per phone instead of forking a pre-loaded one",
    )
    serve.set_defaults(func=cmd_serve)

    report = sub.add_parser("report", parents=[common], help="scores, stool, gaps, recommendations")
    report.add_argument("session", metavar="SESSION")
    report.add_argument("--json", action="store_true", help="the report as JSON")
    report.add_argument(
        "--compare",
        metavar="EARLIER",
        help="instead, the change since an earlier workshop on the same statements",
    )
    report.set_defaults(func=cmd_report)

    export = sub.add_parser("export", parents=[common], help="export as JSON, CSV or Markdown")
    export.add_argument("session", metavar="SESSION")
    export.add_argument(
        "--format",
        required=True,
        choices=("json", "csv", "md", "html", "actions-csv"),
        help="json, csv (answers), md, html (the client report), actions-csv (the action plan)",
    )
    export.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    export.add_argument(
        "--timestamps", action="store_true", help="add answer times (facilitator's audit only)"
    )
    export.add_argument(
        "--identifiable",
        action="store_true",
        help="keep departments shared by fewer than k people of a level (prints a warning)",
    )
    export.set_defaults(func=cmd_export)

    archive = sub.add_parser(
        "archive", parents=[common], help="archive an ended session: its action plan is final"
    )
    archive.add_argument("session", metavar="SESSION")
    archive.set_defaults(func=cmd_archive)

    imp = sub.add_parser("import", parents=[common], help="add answers from a CSV file")
    imp.add_argument("session", metavar="SESSION")
    imp.add_argument("file", metavar="FILE.csv")
    imp.add_argument(
        "--merge",
        action="store_true",
        help="add answers to participants already in the session (same level and department)",
    )
    imp.set_defaults(func=cmd_import)

    qs = sub.add_parser("questionnaires", parents=[common], help="list or validate questionnaires")
    qs.add_argument("action", nargs="?", metavar="validate")
    qs.add_argument("file", nargs="?", metavar="FILE")
    qs.set_defaults(func=cmd_questionnaires)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.entry = main  # a supervisor runs its child through the same entry point
    try:
        return int(args.func(args))
    except CoherenceError as error:
        from coherence_tui.domain.text import visible

        # Messages may quote a path or a cell as typed: shown, never acted on by the terminal.
        message = visible(" ".join(str(error).split()))
        print(f"coherence-tui: error: {message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception:
        from coherence_tui.services.supervisor import CRASH_EXIT, SUPERVISED_ENV

        if not os.environ.get(SUPERVISED_ENV):
            raise
        # A supervised kiosk that died of a bug outside the app: the traceback, then a
        # code the supervisor restarts on (exit 1 would read as a user error).
        traceback.print_exc()
        return CRASH_EXIT
