"""The command line: argument parsing only; the work is in the domain and the app.

Exit codes: 0 ok, 1 a user error (one line on stderr, never a traceback),
2 usage. Screens (and so Textual) are imported only by the commands that open
one, so ``report`` and ``export`` start fast.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import orjson

from coherence_tui import __version__

if TYPE_CHECKING:
    from coherence_tui.store import SessionStore

Start = Literal["home", "run", "kiosk", "dashboard", "demo"]

DEFAULT_SESSIONS_DIR = "sessions"


class UserError(Exception):
    """Anything the user can fix; printed as one line, exit 1."""


def _sessions_dir(args: argparse.Namespace) -> Path:
    return Path(
        args.sessions_dir or os.environ.get("COHERENCE_SESSIONS_DIR") or DEFAULT_SESSIONS_DIR
    )


def _open(args: argparse.Namespace) -> SessionStore:
    from coherence_tui.store import SessionStore, resolve_session_path

    return SessionStore.open(resolve_session_path(args.session, _sessions_dir(args)))


def _csv_list(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    return tuple(part.strip() for part in text.split(",") if part.strip())


# -- commands ------------------------------------------------------------------


def cmd_new(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from coherence_tui.domain.disclosure import is_rehearsal
    from coherence_tui.domain.model import SessionSettings, SessionState
    from coherence_tui.domain.pin import hash_pin, random_pin, validate_pin
    from coherence_tui.questionnaires import load
    from coherence_tui.store import SessionStore, resolve_session_path

    questionnaire = load(args.questionnaire)
    generated = args.pin is None
    pin = random_pin() if generated else args.pin
    try:
        validate_pin(pin)
    except ValueError as error:
        raise UserError(str(error)) from None
    salt, digest = hash_pin(pin)
    try:
        settings = SessionSettings(
            k=args.k,
            departments=_csv_list(args.departments),
            start_hidden=not args.revealed,
            language=args.lang,
            pin_salt=salt,
            pin_hash=digest,
        )
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "settings"
        raise UserError(f"{field}: {first['msg']}") from None
    path = resolve_session_path(args.name, _sessions_dir(args))
    path.parent.mkdir(parents=True, exist_ok=True)
    SessionStore.create(
        path,
        name=path.stem,
        questionnaire=questionnaire,
        settings=settings,
        state=SessionState(revealed=args.revealed),
    )
    if is_rehearsal(settings.k):
        print(
            f"warning: k = {settings.k} makes a rehearsal session: groups of fewer than 3 "
            "people show figures; never use it for a real workshop",
            file=sys.stderr,
        )
    if generated:
        print(f"Facilitator PIN: {pin} (write it down: it is stored only as a hash)")
    print(path)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from coherence_tui.export import snapshot_report

    snapshot = _open(args).snapshot()
    report = snapshot_report(snapshot, lang=args.lang)
    if args.json:
        sys.stdout.write(orjson.dumps(report.to_json(), option=orjson.OPT_INDENT_2).decode() + "\n")
        return 0
    from coherence_tui.richreport import print_report

    print_report(snapshot, report, lang=args.lang)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from coherence_tui.export import render

    snapshot = _open(args).snapshot()
    text = render(snapshot, args.format, timestamps=args.timestamps, lang=args.lang)
    if args.output:
        out = Path(args.output)
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as error:
            raise UserError(f"{out}: cannot write: {error.strerror or error}") from None
        print(out, file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from coherence_tui.answerfile import read_answer_csv

    store = _open(args)
    snapshot = store.snapshot()
    rows = read_answer_csv(Path(args.file), snapshot.questionnaire, snapshot.settings)
    added = store.import_answers(rows)
    people = len({row.participant for row in rows})
    print(f"imported {added} answers from {people} participants into {store.path}")
    return 0


def cmd_questionnaires(args: argparse.Namespace) -> int:
    from coherence_tui.questionnaires import list_shipped, load_file

    if args.action == "validate":
        if not args.file:
            raise UserError("questionnaires validate: give the FILE to validate")
        q = load_file(Path(args.file))
        print(f"ok: {args.file}: {q.id} v{q.version} ({q.language}, {len(q.items)} items)")
        return 0
    if args.action:
        raise UserError(f"questionnaires: unknown action {args.action!r} (expected validate)")
    for q in list_shipped():
        print(f"{q.id:<24} {q.language}  {len(q.items):>3} items  {q.title}")
    return 0


LOCKED_STARTS: tuple[Start, ...] = ("run", "kiosk")
MAX_RESTARTS_PER_MINUTE = 5


def _run_app(start: Start, args: argparse.Namespace, session: Path | None) -> int:
    """Run the app; a locked kiosk that crashes is started again instead of leaving a shell.

    Answers are durable before each statement shows, so a restart loses nothing; after
    ``MAX_RESTARTS_PER_MINUTE`` crashes within a minute the kiosk gives up (exit 1).
    """
    from coherence_tui.app import CoherenceApp

    crashes: list[float] = []
    while True:
        app = CoherenceApp(
            start=start, session=session, sessions_dir=_sessions_dir(args), lang=args.lang
        )
        result = app.run()
        if start not in LOCKED_STARTS or app.return_code in (0, None):
            return int(result or app.return_code or 0)
        now = time.monotonic()
        crashes = [t for t in crashes if now - t < 60] + [now]
        if len(crashes) > MAX_RESTARTS_PER_MINUTE:
            raise UserError("the kiosk keeps stopping unexpectedly; see the error above")
        print(
            "coherence-tui: the kiosk stopped unexpectedly; restarting (answers are safe)",
            file=sys.stderr,
        )
        time.sleep(1)


def _app_with_session(start: Start) -> Callable[[argparse.Namespace], int]:
    def command(args: argparse.Namespace) -> int:
        from coherence_tui.store import resolve_session_path

        # The app opens (and so refuses a bad session) in its constructor, before the
        # terminal switches to the screen: one open, one-line errors all the same.
        return _run_app(start, args, resolve_session_path(args.session, _sessions_dir(args)))

    return command


def cmd_demo(args: argparse.Namespace) -> int:
    from coherence_tui.demo import ensure_demo

    path = ensure_demo(_sessions_dir(args))
    if args.report:
        args.session = str(path)
        args.json = False
        return cmd_report(args)
    return _run_app("demo", args, path)


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the locked kiosk to browsers (phones) until Ctrl+C."""
    import asyncio
    import logging

    from coherence_tui.serve.address import ANY_HOSTS, is_loopback
    from coherence_tui.serve.server import KioskServer, serve_until_stopped
    from coherence_tui.store import SessionStore, resolve_session_path

    if args.max_kiosks < 1:
        raise UserError(f"--max-kiosks must be at least 1 (got {args.max_kiosks})")
    if args.warm < 0:
        raise UserError(f"--warm must be 0 or more (got {args.warm})")
    if not 0 <= args.port <= 65535:
        raise UserError(f"--port must be 0-65535 (got {args.port})")
    public_url = args.public_url
    if public_url is not None and not public_url.startswith(("http://", "https://")):
        raise UserError(f"--public-url must start with http:// or https:// (got {public_url!r})")
    path = resolve_session_path(args.session, _sessions_dir(args))
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
    new.add_argument("--questionnaire", required=True, metavar="ID")
    new.add_argument("--departments", metavar="A,B", help="comma-separated department names")
    new.add_argument(
        "--k",
        type=int,
        default=3,
        help="anonymity threshold (default 3; 1 or 2 makes a rehearsal session)",
    )
    new.add_argument("--pin", help="facilitator PIN, 4-12 digits (default: a random one, printed)")
    new.add_argument("--revealed", action="store_true", help="show results from the start")
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
    report.set_defaults(func=cmd_report)

    export = sub.add_parser("export", parents=[common], help="export as JSON, CSV or Markdown")
    export.add_argument("session", metavar="SESSION")
    export.add_argument("--format", required=True, choices=("json", "csv", "md"))
    export.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    export.add_argument(
        "--timestamps", action="store_true", help="add answer times (facilitator's audit only)"
    )
    export.set_defaults(func=cmd_export)

    imp = sub.add_parser("import", parents=[common], help="add answers from a CSV file")
    imp.add_argument("session", metavar="SESSION")
    imp.add_argument("file", metavar="FILE.csv")
    imp.set_defaults(func=cmd_import)

    qs = sub.add_parser("questionnaires", parents=[common], help="list or validate questionnaires")
    qs.add_argument("action", nargs="?", metavar="validate")
    qs.add_argument("file", nargs="?", metavar="FILE")
    qs.set_defaults(func=cmd_questionnaires)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from coherence_tui.answerfile import AnswerFileError
    from coherence_tui.questionnaires import QuestionnaireError
    from coherence_tui.store import SessionError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except (UserError, SessionError, QuestionnaireError, AnswerFileError) as error:
        message = " ".join(str(error).split())
        print(f"coherence-tui: error: {message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
