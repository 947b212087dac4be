"""The workshop's vocabulary that needs no validation library: levels, factors, states,
participants, answers, department names.

Pure Python, importable without pydantic: a kiosk's start (which never builds a
questionnaire model) imports only this. ``domain.model`` re-exports every name, so
``from coherence_tui.domain.model import Level`` keeps working.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, Protocol

from coherence_tui.domain.text import check_plain


class Level(StrEnum):
    """The three levels of the organisation that answer the same statements."""

    BOARD = "board"
    MANAGEMENT = "management"
    FRONT_LINE = "front_line"


class Factor(StrEnum):
    """The three legs of the stool."""

    DECLARATIONS = "declarations"
    RESOURCES = "resources"
    BEHAVIOURS = "behaviours"


class StoolState(StrEnum):
    """How badly the stool wobbles, from its imbalance."""

    STABLE = "stable"
    WOBBLY = "wobbly"
    TIPPING = "tipping"


class UpdateRule(StrEnum):
    """When the live dashboard moves (scoring version 1; kept so old files still open).

    Version 2 withdrew the per-answer rule: the room sees finished participants in
    batches (``domain.disclosure.released``) whatever a session file says here.
    """

    PARTICIPANT = "participant"
    """After finished participants, released in batches of 0 or at least k per level."""
    ANSWER = "answer"
    """Withdrawn: read from old files, behaves as ``PARTICIPANT``."""


class AreaGroup(StrEnum):
    """The four areas of the HR survey source: a second grouping above the area tags.

    A format 2 questionnaire maps each of its area tags (feedback, climate, ...) onto one
    of these in its ``[areas]`` table (docs/questionnaires.md).
    """

    STAFF = "staff"
    CLIENTS = "clients"
    PROCESSES = "processes"
    IT = "it"


LEVELS: tuple[Level, ...] = (Level.BOARD, Level.MANAGEMENT, Level.FRONT_LINE)
PREDICTING_LEVELS: tuple[Level, ...] = (Level.BOARD, Level.MANAGEMENT)
"""The levels that estimate in the prediction round; the front line answers for itself."""
FACTORS: tuple[Factor, ...] = (Factor.DECLARATIONS, Factor.RESOURCES, Factor.BEHAVIOURS)

Language = Literal["en", "pl", "uk", "ru"]
"""A questionnaire's language (ISO 639-1). The interface speaks fewer: ``i18n.LANGUAGES``."""
LANGUAGES: tuple[str, ...] = ("en", "pl", "uk", "ru")

FORMAT_VERSIONS: tuple[int, ...] = (1, 2)
"""Questionnaire file formats: 1 (the original), 2 (docs/questionnaires.md)."""

MIN_ITEMS_PER_FACTOR = 8
"""Format 2: every factor keeps at least this many statements, variants included."""

ANSWER_VALUES: tuple[int, ...] = (-2, -1, 0, 1, 2)
"""The five-point agreement scale; ``None`` is *don't know*."""

DEPARTMENT_MAX = 40


def validate_department(name: str) -> str:
    """A department name as typed by a facilitator, trimmed; ``ValueError`` if unusable.

    1-40 characters, no comma (the list is typed comma-separated) and no control
    character; anything else, square brackets and ``=`` included, is kept as typed
    and shown literally everywhere.
    """
    cleaned = name.strip()
    if not cleaned or len(cleaned) > DEPARTMENT_MAX or "," in cleaned:
        raise ValueError(
            f"department name {name!r} must be 1-{DEPARTMENT_MAX} characters, no commas"
        )
    try:
        check_plain(cleaned)
    except ValueError as error:
        raise ValueError(f"department name {name!r} {error}") from None
    return cleaned


@dataclass(frozen=True, slots=True)
class Participant:
    """One anonymous participant: a random code, never a name."""

    code: str
    level: Level
    department: str | None = None
    finished: bool = False
    """Reached the thank-you screen (or was closed by the facilitator)."""
    finished_at: str | None = None
    """When (ISO 8601, UTC): orders the room's batched releases; never exported by default."""


@dataclass(frozen=True, slots=True)
class Answer:
    """One participant's latest answer to one item (``value`` None = don't know)."""

    participant: str
    item: str
    value: int | None
    answered_at: str
    """ISO 8601, UTC: for the facilitator's audit only, never shown or exported by default."""


PREDICTION_MIN, PREDICTION_MAX = 0, 100
"""An estimate of the prediction round: a whole percentage."""


@dataclass(frozen=True, slots=True)
class Prediction:
    """One participant's estimate of the front line's favourable % for one statement."""

    participant: str
    item: str
    value: int | None
    """0..100, or ``None``: the participant chose not to guess."""


def check_prediction(value: object) -> int | None:
    """``value`` if it is a whole percentage 0..100 or ``None``; ``ValueError`` otherwise."""
    if value is None:
        return None
    if type(value) is not int or not PREDICTION_MIN <= value <= PREDICTION_MAX:
        raise ValueError(f"an estimate is a whole number from 0 to 100 (got {value!r})")
    return value


class ItemLike(Protocol):
    """What scoring reads of a statement (``domain.model.Item`` is one)."""

    @property
    def id(self) -> str: ...
    @property
    def factor(self) -> Factor: ...
    @property
    def area(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def reverse(self) -> bool: ...


class ThresholdsLike(Protocol):
    """What scoring reads of a questionnaire's thresholds (``domain.model.Thresholds``)."""

    @property
    def stool_wobbly(self) -> float: ...
    @property
    def stool_tipping(self) -> float: ...
    @property
    def promise_gap(self) -> float: ...
    @property
    def execution_gap(self) -> float: ...
    @property
    def executive_disconnect(self) -> float: ...
    @property
    def divided_level_sd(self) -> float: ...


class QuestionnaireLike(Protocol):
    """What scoring reads of a questionnaire: the pydantic ``Questionnaire``, or the plain
    view a live session builds from a checked session head (no pydantic on a projector's
    start)."""

    @property
    def id(self) -> str: ...
    @property
    def language(self) -> str: ...
    @property
    def items(self) -> Sequence[ItemLike]: ...
    @property
    def thresholds(self) -> ThresholdsLike: ...
