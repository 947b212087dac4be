"""The workshop's vocabulary: questionnaires, participants, answers, settings.

Pure Python (pydantic at the boundaries, frozen dataclasses on the per-answer
path). Nothing here touches files or Textual. The names that need no validation
library (levels, factors, participants, answers, ...) live in ``domain.vocabulary``
and are re-exported here; the pydantic models are defined here.
"""

from __future__ import annotations

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
from coherence_tui.domain.vocabulary import ANSWER_VALUES as ANSWER_VALUES
from coherence_tui.domain.vocabulary import DEPARTMENT_MAX as DEPARTMENT_MAX
from coherence_tui.domain.vocabulary import FACTORS as FACTORS
from coherence_tui.domain.vocabulary import FORMAT_VERSIONS as FORMAT_VERSIONS
from coherence_tui.domain.vocabulary import LANGUAGES as LANGUAGES
from coherence_tui.domain.vocabulary import LEVELS as LEVELS
from coherence_tui.domain.vocabulary import MIN_ITEMS_PER_FACTOR as MIN_ITEMS_PER_FACTOR
from coherence_tui.domain.vocabulary import Answer as Answer
from coherence_tui.domain.vocabulary import AreaGroup as AreaGroup
from coherence_tui.domain.vocabulary import Factor as Factor
from coherence_tui.domain.vocabulary import Language as Language
from coherence_tui.domain.vocabulary import Level as Level
from coherence_tui.domain.vocabulary import Participant as Participant
from coherence_tui.domain.vocabulary import StoolState as StoolState
from coherence_tui.domain.vocabulary import UpdateRule as UpdateRule
from coherence_tui.domain.vocabulary import validate_department as validate_department

MAX_PROMPTS = 3
"""Discussion prompts an item may carry (the shipped questionnaires give two)."""

MAX_PREDICT_ITEMS = 5
"""Statements a questionnaire may mark ``predict = true`` for the prediction round."""

ItemId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
QuestionnaireId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
PlainLine = Annotated[str, AfterValidator(check_plain)]
"""Text shown to people on one line: no control character (see ``domain.text``)."""


def _plain_lines(text: str) -> str:
    return check_plain(text, allow_newline=True)


PlainLines = Annotated[str, AfterValidator(_plain_lines)]
"""Text that may hold several lines: newlines, but no other control character."""

ItemText = Annotated[PlainLine, StringConstraints(min_length=8, max_length=400)]
"""A statement's text, in any language: one line of 8 to 400 characters."""

_STRICT = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Item(BaseModel):
    """One statement that every level answers."""

    model_config = _STRICT

    id: ItemId
    """Stable across languages, so workshops in different languages compare."""
    factor: Factor
    area: Slug
    """What part of service the statement is about: feedback, complaints, channels, ..."""
    text: ItemText
    reverse: bool = False
    """Negatively worded: the value is negated before scoring."""
    prompts: tuple[PlainLine, ...] = ()
    """Format 2: questions a facilitator can ask the room about this statement after the
    reveal (the discussion queue shows them); at most ``MAX_PROMPTS``."""
    predict: bool = False
    """Format 2: board and management estimate the front line's favourable % for this
    statement in the prediction round (at most ``MAX_PREDICT_ITEMS`` per questionnaire)."""

    @field_validator("prompts")
    @classmethod
    def _few_prompts(cls, prompts: tuple[str, ...]) -> tuple[str, ...]:
        if len(prompts) > MAX_PROMPTS:
            raise ValueError(f"at most {MAX_PROMPTS} prompts (got {len(prompts)})")
        for prompt in prompts:
            if not 8 <= len(prompt) <= 300:
                raise ValueError(f"a prompt needs 8 to 300 characters (got {len(prompt)})")
        return prompts


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


class Translation(BaseModel):
    """Who wrote or checked a questionnaire's text, said honestly (format 2)."""

    model_config = _STRICT

    source: Language | None = None
    """The language the text was translated from; ``None`` for a text written in its own."""
    note: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    """Who translated and who checked it, e.g. "not yet reviewed by a native speaker"."""


class LanguageVersion(BaseModel):
    """What a participant reads of a questionnaire in another language (a session's
    ``translations``): the same statements, item by item, in that language's words.

    Only text: factor, area, reverse and predict belong to the item id and are the
    questionnaire's own, so answers in every language pool by item id. Built from the
    shipped sibling files (``coherence_tui.storage.languages``); discussion prompts and the
    facilitator's screens stay in the questionnaire's own language.
    """

    model_config = _STRICT

    title: Annotated[PlainLine, StringConstraints(min_length=1, max_length=120)]
    instruction: Annotated[PlainLines, StringConstraints(max_length=600)] = ""
    """Empty exactly when the questionnaire's own instruction is."""
    scale: Scale
    items: dict[ItemId, ItemText]
    """Every item's text by id: exactly the questionnaire's item ids."""


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

    format_version: Literal[1, 2] = 1
    """The file format: 1 (the original) or 2 (instruction, area groups, at least
    ``MIN_ITEMS_PER_FACTOR`` statements per factor). Sessions frozen before format 2 load as 1."""
    id: QuestionnaireId
    version: Annotated[PlainLine, StringConstraints(min_length=1, max_length=20)]
    """The content's own version (statements, wording), independent of the format."""
    language: Language
    title: Annotated[PlainLine, StringConstraints(min_length=1, max_length=120)]
    company_type: Slug
    description: PlainLines = ""
    """For the facilitator choosing a questionnaire."""
    instruction: Annotated[PlainLines, StringConstraints(max_length=600)] = ""
    """Format 2: shown to every participant before statement 1 (plain text, never markup),
    including the don't-know advice."""
    translation: Translation | None = None
    """Format 2: who translated and checked this file's text."""
    areas: dict[Slug, AreaGroup] = Field(default_factory=dict)
    """Format 2: every area tag used by an item, mapped onto its HR-survey area."""
    scale: Scale
    thresholds: Thresholds = Field(default_factory=Thresholds)
    items: tuple[Item, ...]
    translations: dict[Language, LanguageVersion] = Field(default_factory=dict)
    """The other languages a kiosk offers (never the questionnaire's own), in the order it
    offers them after its own; empty for a single-language session (every session before
    issue 11). ``coherence-tui new --languages`` fills it from the sibling files."""

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

    @model_validator(mode="after")
    def _format_2_rules(self) -> Questionnaire:
        if self.format_version < 2:
            return self
        if not self.instruction:
            raise ValueError("missing 'instruction' (format 2 shows it before statement 1)")
        for item in self.items:
            if item.area not in self.areas:
                raise ValueError(
                    f"item {item.id}: area {item.area!r} is not in [areas] "
                    "(map it to staff, clients, processes or it)"
                )
        predicted = [item.id for item in self.items if item.predict]
        for item in self.items:
            if item.predict and item.reverse:
                raise ValueError(
                    f"item {item.id}: a reversed statement cannot be a predict statement "
                    "(participants estimate the share who agree, which is the favourable "
                    "share only for a positively worded statement)"
                )
        if len(predicted) > MAX_PREDICT_ITEMS:
            raise ValueError(
                f"{len(predicted)} items have predict = true ({', '.join(predicted)}); "
                f"the prediction round takes at most {MAX_PREDICT_ITEMS}"
            )
        for factor in FACTORS:
            count = sum(1 for item in self.items if item.factor is factor)
            if count < MIN_ITEMS_PER_FACTOR:
                raise ValueError(
                    f"factor {factor.value} has {count} items "
                    f"(format 2 needs at least {MIN_ITEMS_PER_FACTOR})"
                )
        return self

    @model_validator(mode="after")
    def _translations_match(self) -> Questionnaire:
        ids = self.item_ids
        for language, version in self.translations.items():
            where = f"translation {language}"
            if language == self.language:
                raise ValueError(f"{where}: is the questionnaire's own language")
            missing = [item_id for item_id in ids if item_id not in version.items]
            if missing:
                raise ValueError(f"{where}: item {missing[0]} has no text")
            extra = [item_id for item_id in version.items if item_id not in ids]
            if extra:
                raise ValueError(f"{where}: item {extra[0]} is not in the questionnaire")
            if bool(version.instruction) != bool(self.instruction):
                raise ValueError(
                    f"{where}: an instruction is needed exactly when the questionnaire has one"
                )
        return self

    @property
    def languages(self) -> tuple[str, ...]:
        """Every language a participant may answer in: its own first, then the translations."""
        return (self.language, *self.translations)

    def area_group(self, item_id: str) -> AreaGroup | None:
        """The HR-survey area of an item (``None`` for a format 1 questionnaire)."""
        return self.areas.get(self.item(item_id).area)

    def item(self, item_id: str) -> Item:
        """The item with this id; ``KeyError`` if the questionnaire has none."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    @property
    def predict_items(self) -> tuple[Item, ...]:
        """The statements of the prediction round, in questionnaire order."""
        return tuple(item for item in self.items if item.predict)

    @property
    def area_tags(self) -> tuple[str, ...]:
        """Every area tag its items use, in order of first use."""
        return tuple(dict.fromkeys(item.area for item in self.items))


class SessionSettings(BaseModel):
    """What the facilitator chose for one workshop."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    k: int = Field(3, ge=1, le=100)
    """Anonymity threshold: a group with fewer participants shows no figures.

    Below 3 only in a rehearsal session (created so); see ``domain.disclosure.check_k_change``.
    """
    departments: tuple[str, ...] = ()
    """The departments a participant may pick from (optional)."""
    k_history: tuple[tuple[int, int], ...] = ()
    """Every change of k during the round: (finished participants then, new k), in order,
    starting with (0, the first k). Empty when k never changed. The room's batches use the
    k in force when each person finished (``domain.disclosure.released``)."""
    update_rule: UpdateRule = UpdateRule.PARTICIPANT
    """When the dashboard moves: after each completed participant, or each answer."""
    start_hidden: bool = True
    """Whether results start hidden from the room until the facilitator reveals them."""
    language: Literal["en", "pl"] | None = None
    """Interface language; ``None`` follows the questionnaire."""
    prediction_round: bool = False
    """Board and management estimate the front line's favourable % for the questionnaire's
    ``predict`` statements after their own answers (a kiosk stage before the thank-you)."""
    high_contrast: bool = False
    """Dashboards of this session use the high-contrast projector theme (black on white,
    legends told by patterns and words, never by colour alone)."""
    pin_salt: str | None = None
    pin_hash: str | None = None
    """scrypt hash of the facilitator PIN (hex); the PIN itself is never stored."""

    @property
    def k_schedule(self) -> tuple[tuple[int, int], ...]:
        """The k in force over the round, for ``released``: ((finished before, k), ...)."""
        return self.k_history or ((0, self.k),)

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
    archived: bool = False
    """Ended and then archived by the facilitator: the action plan is final. Only an ended
    session can be archived, and an archived one is never reopened (``store.archive``)."""

    @model_validator(mode="after")
    def _archived_is_ended(self) -> SessionState:
        if self.archived and not self.ended:
            raise ValueError("only an ended session can be archived")
        return self
