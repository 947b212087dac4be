"""``new``: create a session (its questionnaire, departments, k and the facilitator PIN)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from coherence_tui.cli.common import (
    UserError,
    csv_list,
    sessions_dir,
)

if TYPE_CHECKING:
    from pydantic import ValidationError

    from coherence_tui.domain.model import Questionnaire


PIN_ENV = "COHERENCE_PIN"
"""Environment variable ``new`` takes the facilitator PIN from (not echoed, not in ``ps``)."""


def _questionnaire(reference: str, languages: str | None = None) -> Questionnaire:
    """``--questionnaire``: an id from the questionnaires directory, or a path to a TOML file;
    with ``--languages``, its sibling files' text for the other languages too."""
    from coherence_tui.storage.questionnaires import SUFFIX, default_dir, load, load_file

    separators = {os.sep} | ({os.altsep} if os.altsep else set())
    if reference.endswith(SUFFIX) or any(sep in reference for sep in separators):
        questionnaire, directory = load_file(Path(reference)), Path(reference).parent
    else:
        questionnaire, directory = load(reference), default_dir()
    if languages is None:
        return questionnaire
    from coherence_tui.storage.languages import parse_languages, with_languages

    try:
        wanted = parse_languages(languages)
    except ValueError as error:
        raise UserError(f"--languages: {error}") from None
    return with_languages(questionnaire, wanted, directory)


def _departments(text: str | None) -> tuple[str, ...]:
    from coherence_tui.domain.model import validate_department

    try:
        return tuple(validate_department(name) for name in csv_list(text))
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
    from coherence_tui.storage.store import SessionStore, session_path_for_name

    path = session_path_for_name(args.name, sessions_dir(args))
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
