"""The facilitator menu (behind the PIN): dashboard, reveal, pause, end, exports, settings.

In ``kiosk`` mode (participant-only terminal) the menu offers only pause, end, back
to the kiosk and quit. While ``coherence-tui serve`` serves the session, ``l`` asks it
for a new join link (pages already open keep working until their participant finishes).
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from coherence_tui.domain.model import Level, SessionSettings
from coherence_tui.i18n import t
from coherence_tui.messages import (
    BackToKiosk,
    ExportFinished,
    LanguageChanged,
    LanguageChosen,
    OpenDashboard,
)
from coherence_tui.output import export
from coherence_tui.screens.confirm import ConfirmScreen
from coherence_tui.screens.settings import SettingsScreen
from coherence_tui.serve import room as room_file
from coherence_tui.services.live import LiveSession
from coherence_tui.storage.fileio import write_private
from coherence_tui.storage.store import SessionError, SessionSnapshot

SCREENSHOT_DELAY = 0.6
"""Seconds the dashboard gets to draw (charts included) before its SVG is saved."""

MENU_KEYS: dict[str, str] = {
    "dashboard": "d",
    "preview": "f",
    "reveal": "r",
    "kiosk": "k",
    "next": "n",
    "pause": "p",
    "end": "e",
    "export_json": "j",
    "export_csv": "c",
    "export_md": "m",
    "screenshot": "s",
    "settings": "t",
    "queue": "u",
    "predictions": "v",
    "chain": "h",
    "compare": "w",
    "plan": "a",
    "closing": "z",
    "export_html": "l",
    "archive": "x",
    "rotate": "o",
    "quit": "q",
}
KIOSK_ONLY = ("kiosk", "next", "pause", "end", "quit")
WHILE_RUNNING = ("next", "pause", "end", "rotate")
"""Entries that make no sense once the session has ended (no one answers any more)."""
AFTER_REVEAL = ("queue", "predictions", "chain", "compare", "plan", "closing")
"""Menu entries that open an after-the-reveal screen (issue 10)."""
EXPORTS: dict[str, export.ExportFormat] = {
    "export_json": "json",
    "export_csv": "csv",
    "export_md": "md",
    "export_html": "html",
}


def write_export(snapshot: SessionSnapshot, fmt: export.ExportFormat, lang: str) -> Path:
    """Render one export and write it atomically, owner-only, into exports/ beside the session."""
    text = export.render(snapshot, fmt, lang=lang)
    path = export.default_export_path(snapshot, fmt)
    write_private(path, text.encode("utf-8"))
    return path


class FacilitatorScreen(Screen[None]):
    """The facilitator's controls; every action goes through ``LiveSession``."""

    # The menu lists every entry with its letter (in the session's language), so no Footer.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "run('dashboard')", "Dashboard"),
        Binding("f", "run('preview')", "Preview", show=False),
        Binding("r", "run('reveal')", "Reveal/hide"),
        Binding("k,escape", "run('kiosk')", "Kiosk"),
        Binding("n", "run('next')", "Next participant"),
        Binding("p", "run('pause')", "Pause"),
        Binding("e", "run('end')", "End"),
        Binding("j", "run('export_json')", "JSON", show=False),
        Binding("c", "run('export_csv')", "CSV", show=False),
        Binding("m", "run('export_md')", "Markdown", show=False),
        Binding("s", "run('screenshot')", "SVG", show=False),
        Binding("t", "run('settings')", "Settings"),
        Binding("u", "run('queue')", "Queue", show=False),
        Binding("v", "run('predictions')", "Predictions", show=False),
        Binding("h", "run('chain')", "Chain", show=False),
        Binding("w", "run('compare')", "Compare", show=False),
        Binding("a", "run('plan')", "Plan", show=False),
        Binding("z", "run('closing')", "Closing", show=False),
        Binding("l", "run('export_html')", "HTML", show=False),
        Binding("x", "run('archive')", "Archive", show=False),
        Binding("o", "run('rotate')", "New join link", show=False),
        Binding("q", "run('quit')", "Quit"),
    ]

    def __init__(self, live: LiveSession, *, kiosk_only: bool = False) -> None:
        super().__init__(id="facilitator")
        self.live = live
        self.kiosk_only = kiosk_only
        self.lang = live.language

    def compose(self) -> ComposeResult:
        with Vertical(id="menu-panel"):
            yield Static(t("menu.title", self.lang), id="menu-title")
            yield Static("", id="menu-status", markup=False)
            yield OptionList(id="menu-options")
            yield Static(t("menu.hint", self.lang), id="menu-hint")

    def on_mount(self) -> None:
        self._refresh_menu()
        self.query_one(OptionList).focus()
        self.set_interval(1.0, self._poll)

    def on_screen_resume(self) -> None:
        self._refresh_menu()

    def _poll(self) -> None:
        if self.is_current and self.live.poll():
            self._refresh_menu()

    def entries(self) -> list[str]:
        """The entries that make sense now: the menu lists these, the other keys do nothing."""
        state = self.live.state
        if self.kiosk_only:
            entries = list(KIOSK_ONLY)
        else:
            serving = room_file.running_server(self.live.store.path) is not None
            entries = [
                entry
                for entry in MENU_KEYS
                if (entry != "rotate" or serving) and (entry != "preview" or not state.revealed)
            ]
        if state.ended:
            entries = [entry for entry in entries if entry not in WHILE_RUNNING]
        return entries

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "run" and parameters and parameters[0] not in self.entries():
            return False
        return True

    def _label(self, entry: str) -> str:
        state = self.live.state
        if entry == "reveal":
            key = "menu.hide" if state.revealed else "menu.reveal"
        elif entry == "pause":
            key = "menu.resume" if state.paused else "menu.pause"
        else:
            key = f"menu.{entry}"
        return f"[b]{MENU_KEYS[entry]}[/b]  {t(key, self.lang)}"

    def _refresh_menu(self) -> None:
        lang = self.lang
        state = self.live.state
        counts = {level: count.counted for level, count in self.live.who_counts().items()}
        if state.ended:
            running = t("menu.state.ended", lang)
        elif state.paused:
            running = t("menu.state.paused", lang)
        else:
            running = t("menu.state.running", lang)
        shown = t("menu.state.revealed" if state.revealed else "menu.state.hidden", lang)
        lines = [
            t(
                "menu.status",
                lang,
                name=self.live.name,
                questionnaire=self.live.questionnaire.title,
            ),
            t(
                "menu.participation",
                lang,
                board=counts.get(Level.BOARD, 0),
                management=counts.get(Level.MANAGEMENT, 0),
                front_line=counts.get(Level.FRONT_LINE, 0),
                answers=self.live.full_report.answers,
            ),
            f"{running} · {shown}",
        ]
        self.query_one("#menu-status", Static).update("\n".join(lines))
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        options.add_options([Option(self._label(entry), id=entry) for entry in self.entries()])
        options.highlighted = highlighted if highlighted is not None else 0

    @on(OptionList.OptionSelected)
    async def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            await self.action_run(event.option.id)

    async def action_run(self, entry: str) -> None:
        """Do one menu entry (also the target of its key)."""
        live = self.live
        state = live.state
        if entry not in self.entries():
            return  # e.g. a click on an entry that went away as the session ended
        if entry == "dashboard":
            self.post_message(OpenDashboard())
        elif entry == "preview":
            self.post_message(OpenDashboard(preview=True))
        elif entry == "reveal":
            live.update_state(state.model_copy(update={"revealed": not state.revealed}))
        elif entry == "kiosk":
            self.post_message(BackToKiosk())
            return
        elif entry == "next":
            self.post_message(BackToKiosk(close_participant=True))
            return
        elif entry == "pause":
            live.update_state(state.model_copy(update={"paused": not state.paused}))
        elif entry == "end":
            self.app.push_screen(
                ConfirmScreen(t("menu.end.confirm", self.lang), self.lang), self._end
            )
        elif entry in EXPORTS:
            self._export(live.snapshot, EXPORTS[entry], self.lang)
        elif entry == "screenshot":
            self._screenshot()
        elif entry == "settings":
            self.app.push_screen(
                SettingsScreen(
                    live.settings, self.lang, has_answers=live.full_report.participants > 0
                ),
                self._save_settings,
            )
        elif entry in AFTER_REVEAL:
            self.app.push_screen(self.after_reveal_screen(entry))
        elif entry == "archive":
            self._archive()
        elif entry == "rotate":
            room_file.request_rotation(self.live.store.path)
            self.notify(t("menu.rotated", self.lang))
        elif entry == "quit":
            self.app.push_screen(
                ConfirmScreen(t("menu.quit.confirm", self.lang), self.lang), self._quit
            )
        self._refresh_menu()

    def after_reveal_screen(self, entry: str) -> Screen[None]:
        """The screen of one after-the-reveal menu entry (issue 10)."""
        from coherence_tui.screens.insight_views import (
            ChainScreen,
            CompareScreen,
            PredictionsScreen,
        )
        from coherence_tui.screens.plan import ClosingScreen, PlanScreen
        from coherence_tui.screens.queue import QueueScreen

        live, lang = self.live, self.lang
        if entry == "queue":
            return QueueScreen(live, lang)
        if entry == "predictions":
            return PredictionsScreen(live, lang)
        if entry == "chain":
            return ChainScreen(live, lang)
        if entry == "compare":
            return CompareScreen(live, lang, self.live.store.path.parent)
        if entry == "plan":
            return PlanScreen(live, lang)
        return ClosingScreen(live, lang)

    def _archive(self) -> None:
        live = self.live
        if live.archived:
            self.notify(t("menu.archive.done", self.lang))
            return
        if not live.state.ended:
            self.notify(t("menu.archive.needs_end", self.lang), severity="warning")
            return

        def archive(yes: bool | None) -> None:
            if yes:
                try:
                    live.archive()
                except SessionError as error:
                    self.notify(str(error), severity="error", markup=False)
                else:
                    self.notify(t("menu.archive.done", self.lang))
                self._refresh_menu()

        question = t("menu.archive.confirm", self.lang)
        self.app.push_screen(ConfirmScreen(question, self.lang), archive)

    def _end(self, yes: bool | None) -> None:
        if yes:
            self.live.update_state(
                self.live.state.model_copy(update={"ended": True, "paused": False})
            )
            self._refresh_menu()

    def _quit(self, yes: bool | None) -> None:
        if yes:
            self.app.exit(0)

    def _save_settings(self, new: SessionSettings | None) -> None:
        live = self.live
        if new is None or new == live.settings:
            return
        language_changed = new.language != live.settings.language
        live.update_settings(new)
        lang = self.lang
        if language_changed:
            # The facilitator's choice wins over a --lang given at start.
            lang = new.language or live.questionnaire.language
            self.post_message(LanguageChosen(lang))
        self.notify(t("settings.saved", lang))
        self._refresh_menu()

    @work(thread=True, group="export")
    def _export(self, snapshot: SessionSnapshot, fmt: export.ExportFormat, lang: str) -> None:
        try:
            path = write_export(snapshot, fmt, lang)
        except (OSError, ValueError, SessionError) as error:
            self.post_message(ExportFinished(None, str(error)))
        else:
            self.post_message(ExportFinished(path))

    def on_export_finished(self, message: ExportFinished) -> None:
        if message.path is not None:
            self.notify(t("menu.exported", self.lang, path=message.path), timeout=8, markup=False)
        else:
            self.notify(
                t("menu.export_failed", self.lang, error=message.error),
                severity="error",
                timeout=10,
                markup=False,
            )

    def _screenshot(self) -> None:
        """Show the dashboard, save its SVG next to the exports, come back to the menu."""
        from coherence_tui.screens.dashboard import DashboardScreen

        app = self.app
        path = export.default_export_path(self.live.snapshot, "svg")
        dashboard = DashboardScreen(self.live, readonly=False)
        app.push_screen(dashboard)

        def save() -> None:
            app.clear_notifications()
            try:
                write_private(path, app.export_screenshot().encode("utf-8"))
            except OSError as error:
                result = ExportFinished(None, str(error))
            else:
                result = ExportFinished(path)
            if app.screen is dashboard:
                app.pop_screen()
            self.post_message(result)

        app.set_timer(SCREENSHOT_DELAY, save)

    def on_language_changed(self, message: LanguageChanged) -> None:
        self.lang = message.lang
        self.query_one("#menu-title", Static).update(t("menu.title", self.lang))
        self.query_one("#menu-hint", Static).update(t("menu.hint", self.lang))
        self._refresh_menu()
