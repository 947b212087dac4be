"""The action plan the room commits to: what, who (a role), a first step, a measure.

Each action is about one statement (an item id) or one area tag of the session's
questionnaire, names an owner *role* (never a person: the plan goes into the client
report), a first step due within ``FIRST_STEP_DAYS`` days of the day the action was
recorded, a KPI to watch and a review date on or after the first step. Text is plain
text shown as typed, never markup, and holds no control character.

Pure: pydantic at the boundary, no I/O; ``store`` keeps the actions durably and
refuses any change once the session is archived.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError, model_validator

from coherence_tui.domain.model import ItemId, PlainLine, Questionnaire, Slug

FIRST_STEP_DAYS = 30
"""The first step is due within this many days of the day the action was recorded."""

ACTION_ID_PATTERN = r"^A[1-9][0-9]{0,4}$"
"""Actions are numbered A1, A2, ... in the order they were recorded (said aloud in the room)."""

Text300 = Annotated[PlainLine, StringConstraints(min_length=3, max_length=300)]
Text120 = Annotated[PlainLine, StringConstraints(min_length=2, max_length=120)]


class ActionDraft(BaseModel):
    """What the facilitator types for one action; checked again by ``checked_action``."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    item: ItemId | None = None
    """The statement the action answers, or ``None`` when it is about an area."""
    area: Slug | None = None
    """The area tag the action answers, or ``None`` when it is about a statement."""
    what: Text300
    owner: Text120
    """An owner role ("Head of Customer Care"), not a person's name."""
    first_step: Text300
    first_step_due: date
    kpi: Text300
    review: date

    @model_validator(mode="after")
    def _about_one_thing(self) -> ActionDraft:
        if (self.item is None) == (self.area is None):
            raise ValueError("an action is about one statement or one area (give exactly one)")
        if self.review < self.first_step_due:
            raise ValueError(
                f"the review date {self.review.isoformat()} is before the first step's "
                f"due date {self.first_step_due.isoformat()}"
            )
        return self


class Action(ActionDraft):
    """A recorded action: a draft with its number and the day it was recorded."""

    id: Annotated[str, StringConstraints(pattern=ACTION_ID_PATTERN)]
    recorded: date
    """The day it was first recorded: the 30 days of the first step run from here."""


def checked_action(draft: ActionDraft, questionnaire: Questionnaire, recorded: date) -> None:
    """``ValueError`` (one line) unless the draft fits this session and its 30 days.

    The statement must be one of the questionnaire's, the area one of its area tags,
    and the first step due between ``recorded`` and ``recorded`` + ``FIRST_STEP_DAYS``.
    """
    if draft.item is not None and draft.item not in questionnaire.item_ids:
        raise ValueError(f"statement {draft.item!r} is not in this session's questionnaire")
    if draft.area is not None and draft.area not in questionnaire.area_tags:
        tags = ", ".join(questionnaire.area_tags)
        raise ValueError(f"area {draft.area!r} is not one of this questionnaire's ({tags})")
    latest = recorded + timedelta(days=FIRST_STEP_DAYS)
    if not recorded <= draft.first_step_due <= latest:
        raise ValueError(
            f"the first step is due {draft.first_step_due.isoformat()}: it must fall within "
            f"{FIRST_STEP_DAYS} days of {recorded.isoformat()} (by {latest.isoformat()})"
        )


def problem(error: ValidationError) -> str:
    """A pydantic refusal of an action as one line naming the field."""
    first = error.errors(include_url=False)[0]
    field = ".".join(str(part) for part in first["loc"])
    reason = first["msg"].removeprefix("Value error, ")
    return f"{field}: {reason}" if field else reason


def next_action_id(taken: set[str] | frozenset[str]) -> str:
    """The number after the highest in the plan (A1 for an empty plan)."""
    highest = max((int(a[1:]) for a in taken), default=0)
    return f"A{highest + 1}"
