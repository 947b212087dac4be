"""The action plan: record, edit and remove actions in the room; the closing screen.

Every change goes through ``LiveSession`` to the store, durably (one write), and is
refused once the session is archived. The form checks what it can before saving
(the statement or area, the dates) and shows the store's one-line refusal otherwise.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from pydantic import ValidationError
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from coherence_tui.domain.plan import FIRST_STEP_DAYS, Action, ActionDraft, problem
from coherence_tui.i18n import t
from coherence_tui.screens.results_view import ResultsView
from coherence_tui.services.live import LiveSession
from coherence_tui.storage.store import SessionError
from coherence_tui.widgets.after_reveal import action_text

FIELDS = ("about", "what", "owner", "first_step", "due", "kpi", "review")
DEFAULT_FIRST_STEP_DAYS = 14
DEFAULT_REVIEW_DAYS = 90


class ActionForm(ModalScreen[Action | None]):
    """One action's fields; dismisses with the saved action, or ``None`` when cancelled."""

    DEFAULT_CSS = """
    ActionForm { align: center middle; }
    ActionForm > VerticalScroll { width: 84; max-width: 100%; height: auto; max-height: 100%;
                                  border: round $primary; background: $surface; padding: 0 2; }
    ActionForm .field-label { margin-top: 1; color: $text-muted; }
    ActionForm #form-error { color: $error; height: auto; }
    ActionForm Horizontal { height: auto; margin-top: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", show=False)]

    def __init__(
        self,
        live: LiveSession,
        lang: str,
        *,
        about: str = "",
        action: Action | None = None,
    ) -> None:
        super().__init__()
        self.live = live
        self.lang = lang
        self.action = action
        today = live.today()
        if action is not None:
            values = {
                "about": action.item or action.area or "",
                "what": action.what,
                "owner": action.owner,
                "first_step": action.first_step,
                "due": action.first_step_due.isoformat(),
                "kpi": action.kpi,
                "review": action.review.isoformat(),
            }
        else:
            values = {
                "about": about,
                "due": (today + timedelta(days=DEFAULT_FIRST_STEP_DAYS)).isoformat(),
                "review": (today + timedelta(days=DEFAULT_REVIEW_DAYS)).isoformat(),
            }
        self.values = values

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            title = t("after.form.title", self.lang)
            if self.action is not None:
                title += f" {self.action.id}"
            yield Static(title, classes="dialog-title", markup=False)
            for field in FIELDS:
                yield Static(t(f"after.form.{field}", self.lang), classes="field-label")
                yield Input(self.values.get(field, ""), id=f"form-{field}", max_length=300)
            yield Static("", id="form-error", markup=False)
            with Horizontal():
                yield Button(t("after.form.save", self.lang), variant="primary", id="save")
                yield Button(t("after.form.cancel", self.lang), id="cancel")

    def on_mount(self) -> None:
        first = "form-what" if self.values.get("about") else "form-about"
        self.query_one(f"#{first}", Input).focus()

    def _value(self, field: str) -> str:
        return self.query_one(f"#form-{field}", Input).value.strip()

    def _error(self, message: str) -> None:
        self.query_one("#form-error", Static).update(message)

    def draft(self) -> ActionDraft | None:
        """The typed fields as a draft, or ``None`` after showing what is wrong."""
        questionnaire = self.live.questionnaire
        about = self._value("about")
        item = area = None
        if about in questionnaire.item_ids:
            item = about
        elif about.upper() in questionnaire.item_ids:
            item = about.upper()
        elif about in questionnaire.area_tags:
            area = about
        else:
            self._error(t("after.form.unknown_about", self.lang, about=about))
            return None
        dates: dict[str, date] = {}
        for field in ("due", "review"):
            try:
                dates[field] = date.fromisoformat(self._value(field))
            except ValueError:
                label = t(f"after.form.{field}", self.lang)
                self._error(t("after.form.bad_date", self.lang, field=label))
                return None
        try:
            return ActionDraft(
                item=item,
                area=area,
                what=self._value("what"),
                owner=self._value("owner"),
                first_step=self._value("first_step"),
                first_step_due=dates["due"],
                kpi=self._value("kpi"),
                review=dates["review"],
            )
        except ValidationError as error:
            self._error(problem(error))
            return None

    @on(Button.Pressed, "#save")
    @on(Input.Submitted)
    def save(self) -> None:
        draft = self.draft()
        if draft is None:
            return
        try:
            if self.action is None:
                saved = self.live.add_action(draft)
            else:
                saved = self.live.update_action(self.action.id, draft)
        except SessionError as error:
            self._error(str(error).split(": ", 1)[-1])
            return
        self.notify(t("after.plan.saved", self.lang, id=saved.id), markup=False)
        self.dismiss(saved)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class PlanScreen(ResultsView):
    """The plan as recorded so far: a list to add to, edit and remove from."""

    needs_reveal = False
    DEFAULT_CSS = """
    PlanScreen #plan-list { height: 1fr; border: round $panel-lighten-2; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add"),
        Binding("e", "edit", "Edit"),
        Binding("x", "remove", "Remove"),
    ]

    def compose_body(self) -> ComposeResult:
        yield Static("", id="view-text")
        yield OptionList(id="plan-list")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(OptionList).focus()

    def title_text(self) -> str:
        return f"{t('after.plan.title', self.lang)} · {self.live.name}"

    def hint_text(self) -> str:
        if self.live.archived:
            return t("after.plan.archived", self.lang)
        return t("after.plan.hint", self.lang)

    def draw_key(self) -> object:
        return (self.live.actions, self.live.archived)

    def draw(self) -> None:
        actions = self.live.actions
        notice = ""
        if self.live.archived:
            notice = t("after.plan.archived", self.lang)
        elif not actions:
            notice = t("after.plan.none", self.lang)
        self.show_text(Text(notice, style="italic"))
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        options.add_options([Option(action_text(a, self.lang), id=a.id) for a in actions])
        if actions:
            options.highlighted = min(highlighted or 0, len(actions) - 1)
        self.query_one("#view-hint", Static).update(self.hint_text())

    def _refresh(self, _result: object = None) -> None:
        self._drawn = None
        self.redraw()

    def _selected_action(self) -> Action | None:
        index = self.query_one(OptionList).highlighted
        actions = self.live.actions
        if index is None or index >= len(actions):
            return None
        return actions[index]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("add", "edit", "remove"):
            return not self.live.archived
        return True

    def action_add(self) -> None:
        self.app.push_screen(ActionForm(self.live, self.lang), self._refresh)

    @on(OptionList.OptionSelected)
    def action_edit(self) -> None:
        action = self._selected_action()
        if action is not None and not self.live.archived:
            self.app.push_screen(ActionForm(self.live, self.lang, action=action), self._refresh)

    def action_remove(self) -> None:
        from coherence_tui.screens.confirm import ConfirmScreen

        action = self._selected_action()
        if action is None:
            return

        def remove(yes: bool | None) -> None:
            if yes:
                try:
                    self.live.remove_action(action.id)
                except SessionError as error:
                    self.notify(str(error), severity="error", markup=False)
                self._refresh()

        question = t("after.plan.remove_confirm", self.lang, id=action.id)
        self.app.push_screen(ConfirmScreen(question, self.lang), remove)


class ClosingScreen(ResultsView):
    """The last screen of a workshop: the actions the room committed to, large."""

    needs_reveal = False
    DEFAULT_CSS = """
    ClosingScreen #view-body { padding: 1 6; }
    """

    def title_text(self) -> str:
        return f"{t('after.closing.title', self.lang)} · {self.live.name}"

    def draw_key(self) -> object:
        return self.live.actions

    def draw(self) -> None:
        out = Text()
        out.append(t("after.closing.title", self.lang) + "\n\n", style="bold")
        if not self.live.actions:
            out.append(t("after.closing.none", self.lang) + "\n", style="italic")
        for action in self.live.actions:
            out.append_text(action_text(action, self.lang, big=True))
            out.append("\n")
        out.append("\n" + t("after.closing.thanks", self.lang), style="bold")
        self.show_text(out)


__all__ = ["FIRST_STEP_DAYS", "ActionForm", "ClosingScreen", "PlanScreen"]
