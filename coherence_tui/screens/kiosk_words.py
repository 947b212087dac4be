"""What the kiosk says, in the language on screen: its cards, its choices, its hints.

Pure words (no screen): ``KioskScreen`` asks ``KioskWords`` for them when it composes,
and again when a participant picks another language (the widgets are relabelled in
place, so a switch is one frame).
"""

from __future__ import annotations

from dataclasses import dataclass

from coherence_tui.domain.vocabulary import LEVELS
from coherence_tui.i18n import t
from coherence_tui.i18n.kiosk import LANGUAGE_NAMES
from coherence_tui.storage.head import LanguageTexts
from coherence_tui.widgets.choice import ChoiceList

SECONDS_PER_STATEMENT = 10
"""What a participant needs per statement, for the estimate on the welcome screen."""


@dataclass(frozen=True)
class ChoiceWords:
    """What a ``ChoiceList`` says in one language."""

    title: str
    options: list[tuple[str, str]]
    hint: str
    intro: str = ""
    back_label: str = ""

    def choice_list(self, widget_id: str) -> ChoiceList:
        return ChoiceList(
            self.title,
            self.options,
            self.hint,
            intro=self.intro,
            back_label=self.back_label,
            id=widget_id,
        )

    def relabel(self, choice_list: ChoiceList) -> None:
        choice_list.relabel(
            self.title, self.options, self.hint, intro=self.intro, back_label=self.back_label
        )


@dataclass(frozen=True, slots=True)
class KioskWords:
    """The kiosk's words in ``lang`` (a phone's wording where ``web``)."""

    lang: str
    web: bool
    words: LanguageTexts
    """The questionnaire's words in the participant's language."""
    statements: int
    languages: tuple[str, ...]
    departments: tuple[str, ...]

    def hint(self, key: str) -> str:
        """The key-card hint, or its touch wording in a browser kiosk."""
        return t(f"{key}.touch" if self.web else key, self.lang)

    @property
    def multilingual(self) -> bool:
        return len(self.languages) > 1

    def count(self) -> str:
        return t(
            "kiosk.welcome.count",
            self.lang,
            count=self.statements,
            minutes=max(1, round(self.statements * SECONDS_PER_STATEMENT / 60)),
        )

    def cards(self) -> dict[str, tuple[str, str, str]]:
        """Each card's title, body and hint in the kiosk's current language."""
        lang = self.lang
        return {
            "welcome-card": (
                t("kiosk.welcome.title", lang),
                t("kiosk.welcome.body", lang) + "\n\n" + self.count(),
                t("kiosk.welcome.start", lang),
            ),
            "instruction-card": (
                t("kiosk.instruction.title", lang),
                self.words.instruction,
                self.hint("kiosk.instruction.hint"),
            ),
            "thanks-card": (
                t("kiosk.thanks.title", lang),
                t("kiosk.thanks.body.web" if self.web else "kiosk.thanks.body", lang),
                "" if self.web else t("kiosk.thanks.hint", lang),
            ),
            "paused-card": (t("kiosk.paused.title", lang), t("kiosk.paused.body", lang), ""),
            "closed-card": (t("kiosk.closed.title", lang), t("kiosk.closed.body", lang), ""),
            "idle-card": (
                t("kiosk.idle.title", lang),
                t("kiosk.idle.body", lang),
                t("kiosk.idle.hint", lang),
            ),
        }

    def level(self) -> ChoiceWords:
        lang = self.lang
        back = self.multilingual and not self.web
        return ChoiceWords(
            t("kiosk.level.title", lang),
            [
                (t(f"kiosk.level.{lv.value}", lang), t(f"kiosk.level.{lv.value}.hint", lang))
                for lv in LEVELS
            ],
            self.hint("kiosk.choice.hint") + ("\n" + t("kiosk.choice.back", lang) if back else ""),
            # A phone, and a kiosk whose first question was the language, have shown no
            # welcome card: its words head the level question.
            intro=f"{t('kiosk.welcome.body', lang)}\n{self.count()}"
            if self.web or self.multilingual
            else "",
            back_label=t("kiosk.statement.back", lang) if self.web and self.multilingual else "",
        )

    def department(self) -> ChoiceWords:
        lang = self.lang
        return ChoiceWords(
            t("kiosk.department.title", lang),
            [(name, "") for name in self.departments] + [(t("kiosk.department.none", lang), "")],
            self.hint("kiosk.choice.hint")
            + ("" if self.web else "\n" + t("kiosk.choice.back", lang)),
        )

    def language_choice(self) -> ChoiceList:
        """Every language in its own words: nothing on it assumes the reader's language."""
        return ChoiceList(
            "\n".join(t("kiosk.language.title", lang) for lang in self.languages),
            [(LANGUAGE_NAMES.get(lang, lang), "") for lang in self.languages],
            "" if self.web else f"1-{len(self.languages)}   ↑ ↓   Enter",
            id="language-choice",
        )
