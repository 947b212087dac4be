"""The command line: argument parsing only; the work is in the domain and the app.

Exit codes: 0 ok, 1 a user error (one line on stderr, never a traceback),
2 usage. Screens (and so Textual) are imported only by the commands that open
one, so ``report`` and ``export`` start fast; a supervised kiosk's parent imports
nothing but this module, ``paths`` and ``supervisor`` (no store, no pydantic).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from coherence_tui import __version__
from coherence_tui.errors import CoherenceError

if TYPE_CHECKING:
    from pydantic import ValidationError

    from coherence_tui.domain.compare import Comparison
    from coherence_tui.domain.model import Questionnaire
    from coherence_tui.store import SessionStore

Start = Literal["home", "run", "kiosk", "dashboard", "demo"]

DEFAULT_SESSIONS_DIR = "sessions"


class UserError(CoherenceError):
    """Anything the user can fix; printed as one line, exit 1."""


def _sessions_dir(args: argparse.Namespace) -> Path:
    return Path(
        args.sessions_dir or os.environ.get("COHERENCE_SESSIONS_DIR") or DEFAULT_SESSIONS_DIR
    )


def _open(args: argparse.Namespace) -> SessionStore:
    from coherence_tui.paths import resolve_session_path
    from coherence_tui.store import SessionStore

    return SessionStore.open(resolve_session_path(args.session, _sessions_dir(args)))


def _csv_list(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    return tuple(part.strip() for part in text.split(",") if part.strip())


# -- commands ------------------------------------------------------------------


PIN_ENV = "COHERENCE_PIN"
"""Environment variable ``new`` takes the facilitator PIN from (not echoed, not in ``ps``)."""


def _questionnaire(reference: str, languages: str | None = None) -> Questionnaire:
    """``--questionnaire``: an id from the questionnaires directory, or a path to a TOML file;
    with ``--languages``, its sibling files' text for the other languages too."""
    from coherence_tui.questionnaires import SUFFIX, default_dir, load, load_file

    separators = {os.sep} | ({os.altsep} if os.altsep else set())
    if reference.endswith(SUFFIX) or any(sep in reference for sep in separators):
        questionnaire, directory = load_file(Path(reference)), Path(reference).parent
    else:
        questionnaire, directory = load(reference), default_dir()
    if languages is None:
        return questionnaire
    from coherence_tui.languages import parse_languages, with_languages

    try:
        wanted = parse_languages(languages)
    except ValueError as error:
        raise UserError(f"--languages: {error}") from None
    return with_languages(questionnaire, wanted, directory)


def _departments(text: str | None) -> tuple[str, ...]:
    from coherence_tui.domain.model import validate_department

    try:
        return tuple(validate_department(name) for name in _csv_list(text))
    except ValueError as error:
        raise UserError(f"--departments: {error}") from None


def _checked_pin(pin: str, source: str) -> str:
    from coherence_tui.domain.pin import validate_pin

    try:
        return validate_pin(pin)
    except ValueError as error:
        raise UserError(f"{source}: {error}; nothing was created") from None


def _facilitator_pin(args: argparse.Namespace) -> tuple[str, bool]:
    """``(pin, generated)``: from ``--pin`` (with a warning), ``$COHERENCE_PIN``, a prompt
    (twice, not echoed) when the terminal is interactive, else a random one to print."""
    from getpass import getpass

    from coherence_tui.domain.pin import random_pin

    if args.pin is not None:
        print(
            "coherence-tui: warning: a PIN given with --pin is visible to other users of "
            f"this machine (ps, shell history); prefer the prompt or {PIN_ENV}",
            file=sys.stderr,
        )
        return _checked_pin(args.pin, "--pin"), False
    from_env = os.environ.get(PIN_ENV)
    if from_env:
        return _checked_pin(from_env, PIN_ENV), False
    if sys.stdin.isatty():
        try:
            first = getpass("Facilitator PIN (4-12 digits; Enter alone for a random one): ")
            if first:
                _checked_pin(first, "PIN")
                if getpass("The same PIN again: ") != first:
                    raise UserError("the two PINs differ; nothing was created")
                return first, False
        except EOFError:
            raise UserError("no PIN entered; nothing was created") from None
    return random_pin(), True


def _settings_problem(error: ValidationError) -> str:
    """A settings refusal in the command line's terms, without pydantic's wording."""
    first = error.errors(include_url=False)[0]
    field = str(first["loc"][0]) if first["loc"] else ""
    if field == "k":
        return "--k must be a whole number from 1 to 100"
    reason = first["msg"].removeprefix("Value error, ")
    return f"--{field.replace('_', '-')}: {reason}" if field else reason


def cmd_new(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from coherence_tui.domain.disclosure import is_rehearsal
    from coherence_tui.domain.model import SessionSettings, SessionState
    from coherence_tui.domain.pin import hash_pin
    from coherence_tui.store import SessionStore, session_path_for_name

    path = session_path_for_name(args.name, _sessions_dir(args))
    if os.path.lexists(path):  # before asking for a PIN; create() checks again, atomically
        raise UserError(f"{path}: a session file with this name already exists")
    questionnaire = _questionnaire(args.questionnaire, args.languages)
    departments = _departments(args.departments)
    pin, generated = _facilitator_pin(args)
    salt, digest = hash_pin(pin)
    try:
        settings = SessionSettings(
            k=args.k,
            departments=departments,
            start_hidden=not args.revealed,
            language=args.lang,
            prediction_round=args.prediction_round,
            pin_salt=salt,
            pin_hash=digest,
        )
    except ValidationError as error:
        raise UserError(_settings_problem(error)) from None
    SessionStore.create(
        path,
        name=args.name,
        questionnaire=questionnaire,
        settings=settings,
        state=SessionState(revealed=args.revealed),
    )
    if is_rehearsal(settings.k):
        print(
            f"coherence-tui: warning: k = {settings.k} makes a rehearsal session: groups of "
            "fewer than 3 people show figures; never use it for a real workshop",
            file=sys.stderr,
        )
    if generated:
        print(f"Facilitator PIN: {pin} (write it down: it is stored only as a hash)")
    print(path)
    return 0


def _compare_text(comparison: Comparison, lang: str | None) -> str:
    """The comparison as a plain table: change per group and factor with its interval."""
    from coherence_tui.domain.compare import COMPARED_GROUPS
    from coherence_tui.domain.model import FACTORS
    from coherence_tui.export import group_label
    from coherence_tui.i18n import interface_language
    from coherence_tui.textreport import FACTOR_LABELS, gap_text, signed

    lang = interface_language(lang)
    labels = FACTOR_LABELS.get(lang, FACTOR_LABELS["en"])
    lines = [
        f"Change from {comparison.earlier} to {comparison.session} "
        "(now - then, 90 % interval; - where either workshop hides the figure)",
        f"{'Group':<16}" + "".join(f"{labels[f]:>22}" for f in FACTORS) + f"{'Overall':>10}",
    ]
    for group in COMPARED_GROUPS:
        cells = []
        for change in comparison.changes:
            if change.group == group:
                cells.append(f"{gap_text(change.change, change.ci90):>22}")
        overall = signed(comparison.overall.get(group))
        lines.append(f"{group_label(group, lang):<16}" + "".join(cells) + f"{overall:>10}")
    return "\n".join(lines) + "\n"


def cmd_report(args: argparse.Namespace) -> int:
    import orjson

    from coherence_tui.export import snapshot_report

    snapshot = _open(args).snapshot()
    if getattr(args, "compare", None):
        from coherence_tui.insights import compare_snapshots
        from coherence_tui.store import SessionStore, resolve_session_path

        earlier = SessionStore.open(resolve_session_path(args.compare, _sessions_dir(args)))
        comparison = compare_snapshots(snapshot, earlier.snapshot(), lang=args.lang)
        if args.json:
            document = {"format": 1, "compare": comparison.to_json()}
            sys.stdout.write(orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n")
        else:
            sys.stdout.write(_compare_text(comparison, args.lang))
        return 0
    report = snapshot_report(snapshot, lang=args.lang)
    if args.json:
        sys.stdout.write(orjson.dumps(report.to_json(), option=orjson.OPT_INDENT_2).decode() + "\n")
        return 0
    from coherence_tui.richreport import print_report

    print_report(snapshot, report, lang=args.lang)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from coherence_tui.export import render
    from coherence_tui.fileio import write_private

    snapshot = _open(args).snapshot()
    if args.identifiable and args.format in ("json", "csv"):  # the others hold no raw rows
        print(
            "coherence-tui: warning: --identifiable keeps every department in the raw rows, "
            "also where fewer than k people share a level and department: they can be "
            "recognised; keep the file private",
            file=sys.stderr,
        )
    text = render(
        snapshot,
        args.format,
        timestamps=args.timestamps,
        lang=args.lang,
        identifiable=args.identifiable,
    )
    if args.output:
        out = Path(args.output)
        try:
            write_private(out, text.encode("utf-8"))
        except OSError as error:
            raise UserError(
                f"{out}: cannot write ({error.strerror or error}); no file was written or changed"
            ) from None
        print(out, file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from coherence_tui.answerfile import read_answer_csv
    from coherence_tui.i18n.plural import render

    store = _open(args)
    snapshot = store.snapshot()
    source = Path(args.file)
    # Read and checked in full (size and row limits included) before the session is locked.
    rows = read_answer_csv(source, snapshot.questionnaire, snapshot.settings)
    added = store.import_answers(rows, merge=args.merge, source=source)
    people = len({row.participant for row in rows})
    print(
        render(
            "imported {added:answers} from {people:participants} into {path}",
            "en",
            added=added,
            people=people,
            path=store.path,
        )
    )
    return 0


def cmd_archive(args: argparse.Namespace) -> int:
    store = _open(args)
    store.archive()
    print(f"archived {store.path}: its action plan can no longer change")
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

    from coherence_tui.supervisor import HANDOVER_ENV, read_handover, supervise

    command = _child_command(start, args, session)

    def run(child: Sequence[str]) -> int:
        return main(list(child[3:]))  # after "python -m coherence_tui"

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
    from coherence_tui.supervisor import CRASH_EXIT, SUPERVISED_ENV

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
        start=start, session=session, sessions_dir=_sessions_dir(args), lang=args.lang
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
        from coherence_tui.paths import resolve_session_path

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
        from coherence_tui.supervisor import CRASH_EXIT, SUPERVISED_ENV

        if not os.environ.get(SUPERVISED_ENV):
            raise
        # A supervised kiosk that died of a bug outside the app: the traceback, then a
        # code the supervisor restarts on (exit 1 would read as a user error).
        traceback.print_exc()
        return CRASH_EXIT
