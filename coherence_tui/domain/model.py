"""The workshop's vocabulary: questionnaires, participants, answers, settings.

Pure Python (pydantic at the boundaries, frozen dataclasses on the per-answer
path). Nothing here touches files or Textual.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

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
    """When the live dashboard moves."""

    PARTICIPANT = "participant"
    """After each completed participant: nobody can read one answer off a bar."""
    ANSWER = "answer"
    """After every single answer."""


LEVELS: tuple[Level, ...] = (Level.BOARD, Level.MANAGEMENT, Level.FRONT_LINE)
FACTORS: tuple[Factor, ...] = (Factor.DECLARATIONS, Factor.RESOURCES, Factor.BEHAVIOURS)
LANGUAGES: tuple[str, ...] = ("en", "pl")

ANSWER_VALUES: tuple[int, ...] = (-2, -1, 0, 1, 2)
"""The five-point agreement scale; ``None`` is *don't know*."""

ItemId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
QuestionnaireId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
PlainLine = Annotated[str, AfterValidator(check_plain)]
"""Text shown to people on one line: no control character (see ``domain.text``)."""


def _plain_lines(text: str) -> str:
    return check_plain(text, allow_newline=True)


PlainLines = Annotated[str, AfterValidator(_plain_lines)]
"""Text that may hold several lines: newlines, but no other control character."""

_STRICT = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Item(BaseModel):
    """One statement that every level answers."""

    model_config = _STRICT

    id: ItemId
    """Stable across languages, so workshops in different languages compare."""
    factor: Factor
    area: Slug
    """What part of service the statement is about: feedback, complaints, channels, ..."""
    text: Annotated[PlainLine, StringConstraints(min_length=8, max_length=400)]
    reverse: bool = False
    """Negatively worded: the value is negated before scoring."""


class Scale(BaseModel):
    """The labels of the five-point agreement scale, and of *don't know*."""

    model_config = _STRICT

    labels: tuple[PlainLine, PlainLine, PlainLine, PlainLine, PlainLine]
    dont_know: Annotated[PlainLine, StringConstraints(min_length=1)]

    @field_validator("labels")
    @classmethod
    def _labels_not_blank(cls, labels: tuple[str, ...]) -> tuple[str, ...]:
        if any(not label.strip() for label in labels):
            raise ValueError("every scale label needs text")
        return labels


class Thresholds(BaseModel):
    """Where the stool starts to wobble and where recommendations fire."""

    model_config = _STRICT

    stool_wobbly: float = Field(30, ge=0, le=400)
    """Imbalance from which the stool is wobbly."""
    stool_tipping: float = Field(60, ge=0, le=400)
    """Imbalance from which the stool is tipping."""
    promise_gap: float = Field(50, ge=0, le=400)
    """Declarations above resources by this much fires ``promise_gap``."""
    execution_gap: float = Field(50, ge=0, le=400)
    """Resources above behaviours by this much fires ``execution_gap``."""
    executive_disconnect: float = Field(50, ge=0, le=400)
    """|board - front_line| on any factor from this much fires ``executive_disconnect``."""
    divided_level_sd: float = Field(60, ge=0, le=400)
    """Population SD of participants' factor scores in a level that fires ``divided_level``."""

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if self.stool_tipping < self.stool_wobbly:
            raise ValueError("stool_tipping must not be below stool_wobbly")
        return self


class Questionnaire(BaseModel):
    """A validated questionnaire; a session freezes a copy of it."""

    model_config = _STRICT

    id: QuestionnaireId
    version: Annotated[PlainLine, StringConstraints(min_length=1, max_length=20)]
    language: Literal["en", "pl"]
    title: Annotated[PlainLine, StringConstraints(min_length=1, max_length=120)]
    company_type: Slug
    description: PlainLines = ""
    scale: Scale
    thresholds: Thresholds = Field(default_factory=Thresholds)
    items: tuple[Item, ...]

    @field_validator("items")
    @classmethod
    def _items_sound(cls, items: tuple[Item, ...]) -> tuple[Item, ...]:
        seen: set[str] = set()
        for item in items:
            if item.id in seen:
                raise ValueError(f"duplicate item id {item.id!r}")
            seen.add(item.id)
        missing = [f.value for f in FACTORS if not any(i.factor is f for i in items)]
        if missing:
            raise ValueError(f"no items for factor(s) {', '.join(missing)}")
        return items

    def item(self, item_id: str) -> Item:
        """The item with this id; ``KeyError`` if the questionnaire has none."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)


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


class SessionSettings(BaseModel):
    """What the facilitator chose for one workshop."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    k: int = Field(3, ge=1, le=100)
    """Anonymity threshold: a group with fewer participants shows no figures."""
    departments: tuple[str, ...] = ()
    """The departments a participant may pick from (optional)."""
    update_rule: UpdateRule = UpdateRule.PARTICIPANT
    """When the dashboard moves: after each completed participant, or each answer."""
    start_hidden: bool = True
    """Whether results start hidden from the room until the facilitator reveals them."""
    language: Literal["en", "pl"] | None = None
    """Interface language; ``None`` follows the questionnaire."""
    pin_salt: str | None = None
    pin_hash: str | None = None
    """scrypt hash of the facilitator PIN (hex); the PIN itself is never stored."""

    @field_validator("departments")
    @classmethod
    def _departments_sound(cls, departments: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(validate_department(d) for d in departments)
        if len({d.casefold() for d in cleaned}) != len(cleaned):
            raise ValueError("department names must be unique")
        if len(cleaned) > 9:
            raise ValueError("at most 9 departments (keys 1-9 at the kiosk)")
        return cleaned


class SessionState(BaseModel):
    """What happens in the room right now; changed from the facilitator menu."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    revealed: bool = False
    """Whether the room may see results (hidden against group-think)."""
    paused: bool = False
    ended: bool = False
    """An ended session takes no more answers."""


@dataclass(frozen=True, slots=True)
class Participant:
    """One anonymous participant: a random code, never a name."""

    code: str
    level: Level
    department: str | None = None
    finished: bool = False
    """Reached the thank-you screen (or was closed by the facilitator)."""


@dataclass(frozen=True, slots=True)
class Answer:
    """One participant's latest answer to one item (``value`` None = don't know)."""

    participant: str
    item: str
    value: int | None
    answered_at: str
    """ISO 8601, UTC: for the facilitator's audit only, never shown or exported by default."""
