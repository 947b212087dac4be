"""The home screen: a new workshop, resume a session, or open the demo.

Every field of the new-workshop form is checked as it is typed, with its message right
under it; "Create and start" checks them all again and only then writes the session.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, DataTable, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from coherence_tui.domain.model import LEVELS, Questionnaire, SessionSettings, validate_department
from coherence_tui.domain.pin import hash_pin, validate_pin
from coherence_tui.domain.text import visible
from coherence_tui.i18n import t
from coherence_tui.messages import OpenSession
from coherence_tui.storage.store import (
    SESSION_NAME_MAX,
    SUFFIX,
    SessionError,
    SessionStore,
    list_sessions,
    validate_session_name,
)

FIELDS = ("name", "questionnaire", "departments", "k", "pin", "pin2")


class HomeScreen(Screen[None]):
    """Start, resume or demo a workshop."""

    BINDINGS: ClassVar[list[BindingType]] = []

    def __init__(self, sessions_dir: Path, lang: str) -> None:
        super().__init__(id="home")
        self.sessions_dir = sessions_dir
        self.lang = lang
        self.questionnaires: list[Questionnaire] = []
        self.questionnaire_error = ""
        try:
            from coherence_tui.storage.questionnaires import QuestionnaireError, list_shipped

            try:
                self.questionnaires = list_shipped()
            except QuestionnaireError as error:
                self.questionnaire_error = str(error)
        except ImportError:  # the questionnaire loader is not part of this build
            self.questionnaire_error = t("home.err.no_questionnaires", self.lang)
        self._touched: set[str] = set()

    def compose(self) -> ComposeResult:
        lang = self.lang
        yield Static(t("home.title", lang), id="home-title")
        with Horizontal(id="home-body"):
            with VerticalScroll(id="home-new"):
                yield Static(t("home.new", lang), classes="section-title")
                yield Label(t("home.name", lang))
                yield Input(
                    placeholder=t("home.name.placeholder", lang),
                    max_length=SESSION_NAME_MAX,
                    id="field-name",
                )
                yield Static("", id="error-name", classes="field-error", markup=False)
                yield Label(t("home.questionnaire", lang))
                yield OptionList(
                    *(
                        Option(
                            t(
                                "home.questionnaire.row",
                                lang,
                                title=q.title,
                                language=q.language.upper(),
                                items=len(q.items),
                            ),
                            id=q.id,
                        )
                        for q in self.questionnaires
                    ),
                    id="home-questionnaire",
                    markup=False,
                )
                yield Static(
                    self.questionnaire_error,
                    id="error-questionnaire",
                    classes="field-error",
                    markup=False,
                )
                yield Label(t("home.departments", lang))
                yield Input(
                    placeholder=t("home.departments.placeholder", lang), id="field-departments"
                )
                yield Static("", id="error-departments", classes="field-error", markup=False)
                yield Label(t("home.k", lang))
                yield Input("3", type="integer", max_length=3, id="field-k")
                yield Static("", id="error-k", classes="field-error", markup=False)
                yield Label(t("home.pin", lang))
                yield Input(password=True, restrict=r"[0-9]*", max_length=12, id="field-pin")
                yield Static("", id="error-pin", classes="field-error", markup=False)
                yield Label(t("home.pin2", lang))
                yield Input(password=True, restrict=r"[0-9]*", max_length=12, id="field-pin2")
                yield Static("", id="error-pin2", classes="field-error", markup=False)
                yield Button(t("home.create", lang), variant="primary", id="home-create")
                yield Static("", id="error-create", classes="field-error", markup=False)
            with Vertical(id="home-side"):
                yield Static(t("home.resume", lang), classes="section-title")
                yield DataTable(cursor_type="row", zebra_stripes=True, id="home-sessions")
                yield Static("", id="home-sessions-empty")
                yield Button(t("home.demo", lang), id="home-demo")
        yield Static(t("home.hint", lang), id="home-hint")

    def on_mount(self) -> None:
        if self.questionnaires:
            self.query_one("#home-questionnaire", OptionList).highlighted = 0
        self._load_sessions()
        for field in FIELDS:
            self._show_error(field, "")
        self._show_error("questionnaire", self.questionnaire_error)
        self._show_error("create", "")
        self.query_one("#field-name", Input).focus()

    # -- resume ----------------------------------------------------------------------

    def _load_sessions(self) -> None:
        """One row per session file; an unreadable one shows its one-line error."""
        lang = self.lang
        table = self.query_one("#home-sessions", DataTable)
        table.clear(columns=True)
        table.add_column(t("home.col.name", lang), key="name")
        table.add_column(t("home.col.date", lang), key="date")
        for level in LEVELS:
            table.add_column(t(f"home.col.{level.value}", lang), key=level.value)
        table.add_column(t("home.col.answers", lang), key="answers")
        paths = list(list_sessions(self.sessions_dir))
        for path in paths:
            try:
                snapshot = SessionStore.open(path).snapshot()
            except (SessionError, OSError) as error:
                # DataTable reads str cells as markup: file names and errors are data.
                table.add_row(
                    Text(visible(path.stem)),
                    Text(t("home.unreadable", lang, error=error)),
                    "",
                    "",
                    "",
                    "",
                    key=str(path),
                )
                continue
            levels = Counter(p.level for p in snapshot.participants)
            table.add_row(
                Text(snapshot.name),
                Text(snapshot.created_at[:10]),
                *(str(levels.get(level, 0)) for level in LEVELS),
                str(len(snapshot.answers)),
                key=str(path),
            )
        empty = self.query_one("#home-sessions-empty", Static)
        empty.update(Content(t("home.no_sessions", lang, directory=self.sessions_dir)))
        empty.display = not paths

    @on(DataTable.RowSelected, "#home-sessions")
    def resume(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.post_message(OpenSession(Path(event.row_key.value), "run"))

    @on(Button.Pressed, "#home-demo")
    def demo(self) -> None:
        from coherence_tui.services.demo import ensure_demo

        try:
            path = ensure_demo(self.sessions_dir)
        except (SessionError, OSError) as error:
            self.notify(str(error), severity="error", timeout=10, markup=False)
        else:
            self.post_message(OpenSession(path, "demo"))

    # -- new workshop ----------------------------------------------------------------

    def _value(self, field: str) -> str:
        return self.query_one(f"#field-{field}", Input).value

    def check(self, field: str) -> str:
        """The message for ``field`` as it is now, or "" when it is fine."""
        lang = self.lang
        if field == "name":
            name = self._value("name").strip()
            try:
                validate_session_name(name)
            except SessionError:
                return t("home.err.name", lang)
            if (self.sessions_dir / f"{name}{SUFFIX}").exists():
                return t("home.err.name_taken", lang)
        elif field == "questionnaire":
            if self.selected_questionnaire() is None:
                return self.questionnaire_error or t("home.err.questionnaire", lang)
        elif field == "departments":
            names = self.departments()
            for name in names:
                try:
                    validate_department(name)
                except ValueError:
                    return t("home.err.department_name", lang, name=name)
            if len({n.casefold() for n in names}) != len(names):
                return t("home.err.departments_unique", lang)
            if len(names) > 9:
                return t("home.err.departments_many", lang)
        elif field == "k":
            raw = self._value("k").strip()
            if not raw.isdigit() or not 1 <= int(raw) <= 100:
                return t("home.err.k", lang)
        elif field == "pin":
            try:
                validate_pin(self._value("pin"))
            except ValueError:
                return t("home.err.pin", lang)
        elif field == "pin2":
            if self._value("pin2") != self._value("pin"):
                return t("home.err.pin2", lang)
        return ""

    def departments(self) -> list[str]:
        return [part.strip() for part in self._value("departments").split(",") if part.strip()]

    def selected_questionnaire(self) -> Questionnaire | None:
        index = self.query_one("#home-questionnaire", OptionList).highlighted
        if index is None or not self.questionnaires:
            return None
        return self.questionnaires[index]

    def _show_error(self, field: str, message: str) -> None:
        error = self.query_one(f"#error-{field}", Static)
        error.update(message)
        error.display = bool(message)

    @on(Input.Changed)
    def _field_changed(self, event: Input.Changed) -> None:
        field = (event.input.id or "").removeprefix("field-")
        if field not in FIELDS:
            return
        self._touched.add(field)
        self._show_error(field, self.check(field))
        if field == "pin" and "pin2" in self._touched:
            self._show_error("pin2", self.check("pin2"))

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        if event.input.id == "field-pin2":
            self.create()
        else:
            self.focus_next()

    @on(Button.Pressed, "#home-create")
    def create(self) -> None:
        errors = {field: self.check(field) for field in FIELDS}
        for field, message in errors.items():
            self._show_error(field, message)
        wrong = [field for field, message in errors.items() if message]
        if wrong:
            widget_id = (
                "#home-questionnaire" if wrong[0] == "questionnaire" else f"#field-{wrong[0]}"
            )
            self.query_one(widget_id).focus()
            self.call_after_refresh(self.query_one(f"#error-{wrong[0]}").scroll_visible)
            return
        questionnaire = self.selected_questionnaire()
        assert questionnaire is not None
        salt, digest = hash_pin(self._value("pin"))
        name = self._value("name").strip()
        path = self.sessions_dir / f"{name}{SUFFIX}"
        try:
            self.sessions_dir.mkdir(parents=True, exist_ok=True)
            SessionStore.create(
                path,
                name=name,
                questionnaire=questionnaire,
                settings=SessionSettings(
                    k=int(self._value("k")),
                    departments=tuple(self.departments()),
                    pin_salt=salt,
                    pin_hash=digest,
                ),
            )
        except (SessionError, OSError, ValueError) as error:
            self._show_error("create", t("home.err.create", self.lang, error=error))
        else:
            self.post_message(OpenSession(path, "run"))
