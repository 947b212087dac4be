"""A session file's head (its ``session`` document), checked without pydantic.

Every process that opens a session checks the whole head: the frozen questionnaire,
the settings and the state. A kiosk needs only the statements, the scale, the
departments, the PIN's hash and whether the session is paused or ended, and
importing pydantic and building its models cost about 80 ms of a kiosk's start (0.22 s
for a hello-world Textual app). So the check here is plain Python, and the pydantic
models (``domain.model``) are built from the checked data only when something asks
for them (a dashboard, the facilitator menu, an export).

The check accepts exactly what the pydantic models accept *as coherence-tui writes it*
(``model_dump(mode="json")``: strings already stripped, every list a JSON array, keys
that older versions did not write taking their defaults), and refuses everything else,
including a few spellings pydantic would quietly coerce (``"3"`` for a number): a
session file only ever holds what coherence-tui wrote. ``tests/store/test_head_check.py``
holds both to this on thousands of damaged heads. Messages name the field as pydantic's
did (``questionnaire.items.3.text: ...``, ``settings.k: ...``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from coherence_tui.domain.vocabulary import (
    Factor,
)
from coherence_tui.storage.head_check import HeadInvalid as HeadInvalid
from coherence_tui.storage.head_check import _copy, _questionnaire, _settings, _state

if TYPE_CHECKING:
    from coherence_tui.domain.model import Questionnaire, SessionSettings, SessionState


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement as a kiosk shows it."""

    id: str
    text: str


@dataclass(frozen=True, slots=True)
class LanguageTexts:
    """What a participant reads in one of the session's languages (a kiosk's words for
    the questionnaire): its own, or one of its ``translations``."""

    language: str
    title: str
    instruction: str
    scale_labels: tuple[str, ...]
    dont_know: str
    statements: Mapping[str, str]
    """Each statement's text by item id."""


@dataclass(frozen=True, slots=True)
class ItemView:
    """A statement as scoring reads it (``domain.vocabulary.ItemLike``)."""

    id: str
    factor: Factor
    area: str
    text: str
    reverse: bool
    prompts: tuple[str, ...] = ()
    predict: bool = False


@dataclass(frozen=True, slots=True)
class ThresholdsView:
    """A questionnaire's thresholds as scoring reads them (``ThresholdsLike``)."""

    stool_wobbly: float
    stool_tipping: float
    promise_gap: float
    execution_gap: float
    executive_disconnect: float
    divided_level_sd: float


@dataclass(frozen=True, slots=True)
class QuestionnaireView:
    """The frozen questionnaire as scoring reads it (``QuestionnaireLike``): a projector
    scores with this, and never builds the pydantic model."""

    id: str
    language: str
    items: tuple[ItemView, ...]
    thresholds: ThresholdsView


class SessionHead:
    """A checked head: what a kiosk needs as plain values, the pydantic models on demand."""

    __slots__ = (
        "name",
        "created_at",
        "questionnaire_data",
        "settings_data",
        "state_data",
        "item_ids",
        "statements",
        "title",
        "instruction",
        "prediction_round",
        "predict_items",
        "questionnaire_language",
        "languages",
        "_translations",
        "scale_labels",
        "dont_know",
        "departments",
        "k",
        "k_schedule",
        "language",
        "pin_salt",
        "pin_hash",
        "scoring",
        "revealed",
        "paused",
        "ended",
        "_models",
    )

    def __init__(
        self,
        name: str,
        created_at: str,
        questionnaire: dict[str, Any],
        settings: dict[str, Any],
        state: dict[str, Any],
    ) -> None:
        self.name = name
        self.created_at = created_at
        self.questionnaire_data = questionnaire
        self.settings_data = settings
        self.state_data = state
        self.statements = tuple(Statement(i["id"], i["text"]) for i in questionnaire["items"])
        self.item_ids = frozenset(s.id for s in self.statements)
        self.title: str = questionnaire["title"]
        self.instruction: str = questionnaire["instruction"]
        self.questionnaire_language: str = questionnaire["language"]
        self.scale_labels: tuple[str, ...] = tuple(questionnaire["scale"]["labels"])
        self.dont_know: str = questionnaire["scale"]["dont_know"]
        self._translations: dict[str, dict[str, Any]] = questionnaire["translations"]
        self.languages: tuple[str, ...] = (self.questionnaire_language, *self._translations)
        """Every language a participant may answer in: the questionnaire's own first."""
        self.departments: tuple[str, ...] = tuple(settings["departments"])
        self.k: int = settings["k"]
        history = tuple((since, k) for since, k in settings["k_history"])
        self.k_schedule: tuple[tuple[int, int], ...] = history or ((0, self.k),)
        self.language: str | None = settings["language"]
        self.pin_salt: str | None = settings["pin_salt"]
        self.pin_hash: str | None = settings["pin_hash"]
        self.prediction_round: bool = settings["prediction_round"]
        self.scoring = QuestionnaireView(
            id=questionnaire["id"],
            language=questionnaire["language"],
            items=tuple(
                ItemView(
                    i["id"],
                    Factor(i["factor"]),
                    i["area"],
                    i["text"],
                    i["reverse"],
                    tuple(i["prompts"]),
                    i["predict"],
                )
                for i in questionnaire["items"]
            ),
            thresholds=ThresholdsView(
                **{k: float(v) for k, v in questionnaire["thresholds"].items()}
            ),
        )
        """The questionnaire for scoring, without pydantic."""
        self.predict_items = tuple(item for item in self.scoring.items if item.predict)
        """The statements of the prediction round, in questionnaire order."""
        self.revealed: bool = state["revealed"]
        self.paused: bool = state["paused"]
        self.ended: bool = state["ended"]
        self._models: dict[str, Any] = {}

    def texts(self, language: str) -> LanguageTexts:
        """The participant's words in ``language``, one of :attr:`languages` (``KeyError``
        for another)."""
        if language == self.questionnaire_language:
            return LanguageTexts(
                language,
                self.title,
                self.instruction,
                self.scale_labels,
                self.dont_know,
                {s.id: s.text for s in self.statements},
            )
        version = self._translations[language]
        return LanguageTexts(
            language,
            version["title"],
            version["instruction"],
            tuple(version["scale"]["labels"]),
            version["scale"]["dont_know"],
            dict(version["items"]),
        )

    def same_settings(self, other: SessionHead) -> bool:
        return self.settings_data == other.settings_data

    def same_state(self, other: SessionHead) -> bool:
        return self.state_data == other.state_data

    def _model(self, key: str, build: Callable[[], Any]) -> Any:
        model = self._models.get(key)
        if model is None:
            model = self._models[key] = build()
        return model

    @property
    def questionnaire(self) -> Questionnaire:
        """The frozen questionnaire as a pydantic model (built the first time it is asked for)."""
        from coherence_tui.domain.model import Questionnaire

        model: Questionnaire = self._model(
            "questionnaire", lambda: Questionnaire.model_validate(self.questionnaire_data)
        )
        return model

    @property
    def settings(self) -> SessionSettings:
        from coherence_tui.domain.model import SessionSettings

        model: SessionSettings = self._model(
            "settings", lambda: SessionSettings.model_validate(self.settings_data)
        )
        return model

    @property
    def state(self) -> SessionState:
        from coherence_tui.domain.model import SessionState

        model: SessionState = self._model(
            "state", lambda: SessionState.model_validate(self.state_data)
        )
        return model


def check_head(name: str, created_at: str, doc: Mapping[str, Any]) -> SessionHead:
    """The head of a session document (its ``questionnaire``, ``settings`` and ``state``)
    if it is as coherence-tui writes it; ``HeadInvalid`` naming the first problem."""
    return SessionHead(
        name,
        created_at,
        _questionnaire(_copy(doc["questionnaire"])),
        _settings(_copy(doc["settings"])),
        _state(_copy(doc["state"])),
    )
