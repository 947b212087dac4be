"""The session settings dialog: k, interface language, prediction round.

Its title and its Save / Cancel buttons are always in view: on a terminal shorter than
the dialog (80x24) only the fields between them scroll.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, RadioButton, RadioSet, Static

from coherence_tui.domain.disclosure import check_k_change
from coherence_tui.domain.model import SessionSettings
from coherence_tui.i18n import t

SETTINGS_ROWS = 34
"""Terminal rows the whole settings dialog needs in either language (with an error line)."""


class SettingsScreen(ModalScreen[SessionSettings | None]):
    """k and language; dismisses with the new settings or None.

    k follows ``check_k_change``: never lowered once the session has answers, never
    below 3 outside a rehearsal session.
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", show=False)]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (SETTINGS_ROWS, "-tall")]
    """Below ``SETTINGS_ROWS`` the fields scroll between a fixed title and fixed buttons."""

    def __init__(self, settings: SessionSettings, lang: str, *, has_answers: bool) -> None:
        super().__init__(classes="settings")
        self.settings = settings
        self.lang = lang
        self.has_answers = has_answers

    def compose(self) -> ComposeResult:
        # Title and buttons stay in view; the fields between them scroll when the terminal
        # is short (Save and Cancel were below the fold at 80x24).
        lang = self.lang
        with Vertical(classes="dialog", id="settings-dialog"):
            yield Static(t("settings.title", lang), classes="dialog-title")
            with VerticalScroll(id="settings-body"):
                yield from self._fields()
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("settings.save", lang), variant="primary", id="save")
                yield Button(t("settings.cancel", lang), id="cancel")

    def _fields(self) -> ComposeResult:
        lang = self.lang
        language = self.settings.language
        yield Static(t("settings.k", lang), classes="field-label")
        yield Input(str(self.settings.k), type="integer", max_length=3, id="settings-k")
        yield Static("", id="settings-k-error", classes="field-error")
        yield Static(t("settings.language", lang), classes="field-label")
        with RadioSet(id="settings-language"):
            yield RadioButton(
                t("settings.language.auto", lang), value=language is None, id="lang-auto"
            )
            yield RadioButton("English", value=language == "en", id="lang-en")
            yield RadioButton("Polski", value=language == "pl", id="lang-pl")
        # A checkbox label never wraps: a short one, the explanation beneath it.
        yield Checkbox(
            t("settings.prediction_round.short", lang),
            value=self.settings.prediction_round,
            id="settings-predict",
        )
        yield Static(t("settings.prediction_round.hint", lang), classes="field-hint")
        yield Checkbox(
            t("settings.high_contrast.short", lang),
            value=self.settings.high_contrast,
            id="settings-contrast",
        )
        yield Static(t("settings.high_contrast.hint", lang), classes="field-hint")

    def on_mount(self) -> None:
        self.query_one("#settings-k-error", Static).display = False
        self.query_one("#settings-k", Input).focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#save")
    @on(Input.Submitted, "#settings-k")
    def save(self) -> None:
        raw = self.query_one("#settings-k", Input).value.strip()
        error = self.query_one("#settings-k-error", Static)
        if not raw.isdigit() or not 1 <= int(raw) <= 100:
            error.update(t("home.err.k", self.lang))
            error.display = True
            return
        if check_k_change(self.settings.k, int(raw), has_answers=self.has_answers) is not None:
            lowest = self.settings.k if self.has_answers else min(self.settings.k, 3)
            error.update(t("settings.err.k_lower", self.lang).format(k=lowest))
            error.display = True
            return
        lang_button = self.query_one("#settings-language", RadioSet).pressed_button
        language = {"lang-en": "en", "lang-pl": "pl"}.get(
            lang_button.id or "" if lang_button else ""
        )
        predict = self.query_one("#settings-predict", Checkbox).value
        contrast = self.query_one("#settings-contrast", Checkbox).value
        self.dismiss(
            self.settings.model_copy(
                update={
                    "k": int(raw),
                    "language": language,
                    "prediction_round": predict,
                    "high_contrast": contrast,
                }
            )
        )
