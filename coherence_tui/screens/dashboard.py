"""The live dashboard: the stool, the gaps, participation and recommendations.

Shown on a projector (``coherence-tui dashboard SESSION``, read-only, q quits)
and behind the facilitator PIN in ``run`` (Escape goes back). The screen owns
the flow: it polls the ``LiveSession`` twenty times a second, keeps the latest
frozen ``Report`` in the ``report`` reactive and hands each widget the part it
draws. Widgets never see the session.

While ``live.state.revealed`` is False the screen shows participation only and
gives no result widget any figure (not just hidden from view: absent).

While ``coherence-tui serve`` serves the session, the screen shows its join code (QR
code, URL, phones connected) on the right; ``j`` hides or shows it. The same poll
watches the server's sidecar file (a ``stat`` when nothing changed).
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Horizontal, Vertical
from textual.geometry import Size
from textual.reactive import reactive
from textual.screen import Screen
from textual.types import NoActiveAppError
from textual.widgets import Footer, Static

from coherence_tui.domain.disclosure import is_rehearsal
from coherence_tui.domain.report import ALL, Report
from coherence_tui.domain.stats import load_quantiles, quantiles_loaded
from coherence_tui.i18n import t
from coherence_tui.i18n.groups import group_label
from coherence_tui.messages import LanguageChanged
from coherence_tui.package_files import stylesheet
from coherence_tui.screens.keys import IN_LANGUAGE, check_in_language, translated_bindings
from coherence_tui.screens.sizing import breakpoint_classes
from coherence_tui.serve.room import RoomWatch
from coherence_tui.services.live import LiveSession
from coherence_tui.storage.store import SessionError, SessionHead
from coherence_tui.widgets.gap_chart import GapChart, Metric, gap_figures
from coherence_tui.widgets.join_code import JoinCode
from coherence_tui.widgets.level_chart import LevelChart
from coherence_tui.widgets.participation import Participation
from coherence_tui.widgets.recommendations import Recommendations
from coherence_tui.widgets.stool import Stool, StoolFigures
from coherence_tui.widgets.themes import HIGH_CONTRAST, use_projector_theme

POLL_SECONDS = 0.05
"""How often the screen asks the session for other processes' writes: two ``stat`` calls
when nothing changed (microseconds), only the new journal lines when something did, so
an answer elsewhere reaches the projector within a frame or three of this."""


class DashboardScreen(Screen[None]):
    """The live dashboard of one session."""

    CSS_PATH = stylesheet("dashboard.tcss")

    HORIZONTAL_BREAKPOINTS = [
        (0, "-narrow"),
        (110, "-wide"),
        (150, "-wider"),
        (170, "-xwide"),
    ]
    VERTICAL_BREAKPOINTS = [
        (0, "-short"),
        (32, "-tall"),
    ]

    PREVIEW = False
    """A facilitator's preview (``screens.preview``): the room's view while it is hidden."""

    # Descriptions are i18n keys: one binding per language, the screen's own shown.
    BINDINGS: ClassVar[list[BindingType]] = translated_bindings(
        Binding("g", "next_group", "dash.key.group"),
        Binding("shift+g", "previous_group", "dash.key.group_back", show=False),
        Binding("m", "toggle_metric", "dash.key.metric"),
        Binding("r", "recommendations", "dash.key.recommendations"),
        Binding("c", "toggle_contrast", "dash.key.contrast"),
        Binding("j", "toggle_join", "dash.key.join"),
        Binding("q", "quit_dashboard", "dash.key.quit"),
        Binding("escape", "back", "dash.key.back"),
        # After the reveal (issue 10): read-only views, also on a projector.
        Binding("u", "view('queue')", "dash.key.queue", show=False),
        Binding("v", "view('predictions')", "dash.key.predictions", show=False),
        Binding("h", "view('chain')", "dash.key.chain", show=False),
        Binding("z", "view('closing')", "dash.key.closing", show=False),
    )

    # repaint=False throughout: a screen repaint redraws every widget; the widgets
    # repaint themselves when what they show changes.
    report: reactive[Report | None] = reactive(None, always_update=True, repaint=False)
    """The latest visible report; a new frozen object after each change."""
    revealed: reactive[bool] = reactive(False, bindings=True, repaint=False)
    session_state: reactive[str] = reactive("", repaint=False)
    """``""`` while collecting answers, else ``"paused"`` or ``"ended"`` (shown in the header)."""
    group_key: reactive[str] = reactive(ALL, repaint=False)
    metric: reactive[Metric] = reactive("score", repaint=False)
    join_hidden: reactive[bool] = reactive(False, bindings=True, repaint=False)
    """The facilitator hid the join code (``j``)."""

    def __init__(self, live: LiveSession, *, readonly: bool) -> None:
        size = self._app_size()
        head = live.head
        classes = [] if head.revealed or self.PREVIEW else ["-results-hidden"]
        if size is not None:
            classes.append(
                breakpoint_classes(size, self.HORIZONTAL_BREAKPOINTS, self.VERTICAL_BREAKPOINTS)
            )
        super().__init__(classes=" ".join(classes))
        # The state as the first frame shows it, without watchers: the widgets get their
        # data once, from the first report (no second styling pass of the whole screen).
        self.set_reactive(DashboardScreen.revealed, head.revealed or self.PREVIEW)
        self.set_reactive(DashboardScreen.session_state, self._state_name(head))
        self.live = live
        self.readonly = readonly
        self._ready = False
        self._intervals = quantiles_loaded()
        """scipy is imported: reports are complete (else pending until ``_load_intervals``)."""
        self._showing = ""
        self._poll_error = ""
        self.lang = self._app_language() or live.language
        self._room = RoomWatch(live.store.path)
        self._contrast_setting: bool | None = None
        """The session's ``high_contrast`` as last seen (a change of it switches the theme)."""
        self._theme_before = "textual-dark"
        """The app's theme before the projector theme, to come back to."""

    def _app_size(self) -> Size | None:
        """The terminal's size, if an app is running (the breakpoints of the first layout)."""
        try:
            return self.app.size
        except NoActiveAppError:
            return None

    def _app_language(self) -> str | None:
        """The app's interface language (``--lang`` or the facilitator's choice), if it has one."""
        try:
            lang = getattr(self.app, "lang", None)
        except NoActiveAppError:
            return None
        return lang if isinstance(lang, str) else None

    def _title(self) -> str:
        return f"{t('dash.title', self.lang)} · {self.live.name}"

    def on_language_changed(self, message: LanguageChanged) -> None:
        """The facilitator switched language: relabel everything."""
        self.lang = message.lang
        self.refresh_bindings()
        self.query_one("#dash-title", Static).update(self._title())
        self.query_one("#hidden-title", Static).update(t("dash.results_hidden_title", self.lang))
        self.query_one("#hidden-body", Static).update(t("dash.results_hidden_body", self.lang))
        self._push_room()
        self._push()

    # -- composition -------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield JoinCode(id="join-code")
        with Horizontal(id="dash-header"):
            yield Static(self._title(), id="dash-title", markup=False)
            yield Static(id="dash-showing", markup=False)
        yield Participation(id="participation")
        with Center(id="hidden-wrap"), Vertical(id="hidden-card"):
            yield Static(t("dash.results_hidden_title", self.lang), id="hidden-title")
            yield Static(t("dash.results_hidden_body", self.lang), id="hidden-body")
        with Horizontal(id="results"):
            yield Stool(id="stool")
            with Vertical(id="side"):
                with Horizontal(id="top-row"):
                    yield StoolFigures(id="figures")
                    yield GapChart(id="gap-chart")
                yield LevelChart(id="level-chart")
                yield Recommendations(id="recommendations")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self._showing_label = self.query_one("#dash-showing", Static)
        self._participation = self.query_one(Participation)
        self._stool = self.query_one(Stool)
        self._figures = self.query_one(StoolFigures)
        self._level_chart = self.query_one(LevelChart)
        self._gap_chart = self.query_one(GapChart)
        self._recommendations = self.query_one(Recommendations)
        self._join_code = self.query_one(JoinCode)
        self._ready = True
        self._room.poll()
        self._push_room()
        self.refresh_report()
        self.set_class(not self.revealed, "-results-hidden")
        self.set_interval(POLL_SECONDS, self._poll)
        if not self._intervals:
            self.call_after_refresh(self.run_worker, self._load_intervals(), name="intervals")

    async def _load_intervals(self) -> None:
        """After the first frame: import scipy in a thread, then show the whole report.

        The first frame's figures are exact and final; its 90 % intervals, the stool's
        "?" and the recommendations follow about 0.3 s later (``LiveSession.first_report``).
        """
        await asyncio.to_thread(load_quantiles)
        self._intervals = True
        self.refresh_report()

    # -- data --------------------------------------------------------------------

    def _state_name(self, head: SessionHead | None = None) -> str:
        state = head if head is not None else self.live.head
        return "ended" if state.ended else "paused" if state.paused else ""

    def refresh_report(self) -> None:
        """Take the session's current report and state (call after an in-process answer)."""
        head = self.live.head  # plain values: no pydantic model built for the projector
        contrast = bool(head.settings_data.get("high_contrast", False))
        if contrast != self._contrast_setting:
            self._contrast_setting = contrast
            self._set_contrast(contrast)
        self.revealed = head.revealed or self.PREVIEW
        self.session_state = self._state_name(head)
        report = self.live.report if self._intervals else self.live.first_report()
        if report is not self.report:  # the same object: nothing new to draw
            self.report = report

    def on_resize(self) -> None:
        # The breakpoint classes are set by now; the header has a short form when narrow.
        self.call_after_refresh(self._push)

    def _push_room(self) -> None:
        """Show the running server's join code (unless hidden), or nothing."""
        state = self._room.state
        shown = state is not None and not self.join_hidden
        join = self._join_code
        if state is not None:
            join.lang = self.lang
            join.url = state.url
            join.kiosks = state.kiosks
            join.max_kiosks = state.max_kiosks
        join.display = shown
        self.set_class(shown, "-join-shown")
        self.refresh_bindings()

    def watch_join_hidden(self) -> None:
        if self._ready:
            self._push_room()

    def _poll(self) -> None:
        if self._room.poll():
            self._push_room()
        try:
            changed = self.live.poll()
        except SessionError as error:
            # The file went missing or unreadable (moved, disk trouble): keep the last
            # figures on the projector, say why once, and keep trying.
            if str(error) != self._poll_error:
                self._poll_error = str(error)
                self.notify(str(error), severity="error", timeout=10, markup=False)
            return
        self._poll_error = ""
        if changed:
            self.refresh_report()

    def watch_report(self) -> None:
        self._push()

    def watch_revealed(self, revealed: bool) -> None:
        self.set_class(not revealed, "-results-hidden")
        self._push()

    def watch_session_state(self) -> None:
        self._push()

    def watch_group_key(self) -> None:
        self._push()

    def watch_metric(self) -> None:
        self._push()

    def _group_keys(self) -> list[str]:
        report = self.report
        return list(report.groups) if report is not None else [ALL]

    def _push(self) -> None:
        """Hand each widget its part of the report (nothing of the results while hidden)."""
        if not self._ready:
            return
        report = self.report
        lang = self.lang
        showing = t(
            "dash.showing_short" if self.has_class("-narrow") else "dash.showing",
            lang,
            group=group_label(self.group_key, lang),
            metric=t(f"dash.metric.{self.metric}", lang),
        )
        if self.session_state:
            showing = f"{t(f'dash.session.{self.session_state}', lang)}   {showing}"
        k_now = report.k if report is not None else self.live.head.k
        if is_rehearsal(k_now):
            showing = f"{t('dash.rehearsal', lang, k=k_now)}   {showing}"
        if showing != self._showing:
            # Static.update() asks for a layout pass, which redraws the whole screen.
            self._showing = showing
            self._showing_label.update(showing)
        participation = self._participation
        participation.lang = lang
        participation.report = report

        results = report if (report is not None and self.revealed) else None
        k = report.k if report is not None else self.live.head.k
        group = None
        if results is not None:
            group = results.groups.get(self.group_key) or results.group(ALL)
        metric = self.metric
        stool = self._stool
        stool.lang = lang
        stool.k = k
        stool.metric = metric
        stool.title = group_label(self.group_key, lang)
        stool.group = group

        gap = gap_figures(results, metric)
        figures = self._figures
        figures.lang = lang
        figures.k = k
        figures.metric = metric
        figures.gap_suppressed = gap is not None and gap.suppressed
        figures.gap_overall = None if gap is None or gap.suppressed else gap.overall
        figures.group = group

        level_chart = self._level_chart
        level_chart.lang = lang
        level_chart.k = k
        level_chart.metric = metric
        level_chart.report = results
        gap_chart = self._gap_chart
        gap_chart.lang = lang
        gap_chart.k = k
        gap_chart.metric = metric
        gap_chart.report = results

        recommendations = self._recommendations
        recommendations.lang = lang
        recommendations.pending = results is not None and results.intervals_pending
        recommendations.recommendations = results.recommendations if results is not None else ()

    # -- actions -----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == IN_LANGUAGE:
            return check_in_language(self, parameters)
        if action == "quit_dashboard":
            return self.readonly
        if action == "back":
            return not self.readonly
        if action in ("next_group", "previous_group", "toggle_metric", "recommendations"):
            return True if self.revealed else None
        if action == "view":
            return self.revealed or parameters == ("closing",)
        if action == "toggle_join":
            return self._room.state is not None
        return True

    async def action_in_language(self, lang: str, action: str) -> None:
        await self.run_action(action)

    def action_view(self, name: str) -> None:
        """Open an after-the-reveal view; from a projector it never edits the plan."""
        from coherence_tui.screens.insight_views import ChainScreen, PredictionsScreen
        from coherence_tui.screens.plan import ClosingScreen
        from coherence_tui.screens.queue import QueueScreen

        live, lang = self.live, self.lang
        if name == "queue":
            self.app.push_screen(QueueScreen(live, lang, editable=not self.readonly))
        elif name == "predictions":
            self.app.push_screen(PredictionsScreen(live, lang))
        elif name == "chain":
            self.app.push_screen(ChainScreen(live, lang))
        else:
            self.app.push_screen(ClosingScreen(live, lang))

    def action_next_group(self) -> None:
        self._step_group(+1)

    def action_previous_group(self) -> None:
        self._step_group(-1)

    def _step_group(self, step: int) -> None:
        keys = self._group_keys()
        index = keys.index(self.group_key) if self.group_key in keys else 0
        self.group_key = keys[(index + step) % len(keys)]

    def action_toggle_join(self) -> None:
        self.join_hidden = not self.join_hidden

    def action_recommendations(self) -> None:
        """Every recommendation, full screen, a page at a time; after the last, back."""
        recommendations = self._recommendations
        if not self.has_class("-recs-full"):
            recommendations.start = 0
            self.add_class("-recs-full")
        elif recommendations.next_start < len(recommendations.recommendations):
            recommendations.start = recommendations.next_start
        else:
            recommendations.start = 0
            self.remove_class("-recs-full")

    @property
    def high_contrast(self) -> bool:
        """This display shows the high-contrast projector theme."""
        return self.has_class("-high-contrast")

    def _set_contrast(self, on: bool) -> None:
        if on and self.app.theme != HIGH_CONTRAST:
            self._theme_before = self.app.theme
        use_projector_theme(self.app, on, fallback=self._theme_before)
        self.set_class(on, "-high-contrast")
        self._level_chart.patterns = on

    def action_toggle_contrast(self) -> None:
        """The projector theme on this display only (the session's setting is for all)."""
        self._set_contrast(not self.high_contrast)

    def action_toggle_metric(self) -> None:
        self.metric = "favourable" if self.metric == "score" else "score"

    def action_quit_dashboard(self) -> None:
        self.app.exit(0)  # the projector's normal end: exit code 0

    def action_back(self) -> None:
        self.dismiss()
