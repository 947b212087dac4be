"""CoherenceApp: the modes, the kiosk lock, the facilitator key and the theme.

How the kiosk lock works (checked on Textual 8.2.8)
----------------------------------------------------
While participants may be at the keyboard (``run``, ``kiosk`` and ``demo`` until the
facilitator PIN has been entered, and again after "back to the kiosk"), ``locked`` is
True and:

- ``check_action`` refuses ``quit`` (the App's priority ``ctrl+q``), ``help_quit``
  (``ctrl+c``, which would otherwise pop a "press ctrl+q to quit" toast),
  ``command_palette`` and ``suspend_process``. ``App.run_action`` asks ``check_action``
  before every action, also actions started by a binding under a modal screen, so a
  refused action never runs and the key falls through to a widget that ignores it.
- ``ENABLE_COMMAND_PALETTE`` is False, so ``ctrl+p`` opens nothing and the palette's
  own "Quit" command (which calls ``action_quit`` directly, past any binding) is
  unreachable.
- ``TEXTUAL_ALLOW_SIGNALS`` is never set, and is removed from the environment when a
  kiosk starts (the Linux driver reads it when it starts): Textual keeps the terminal in
  raw mode with signals off, so ``ctrl+c``, ``ctrl+z`` and ``ctrl+\\`` arrive as plain
  keys that nothing is bound to, instead of SIGINT / SIGTSTP / SIGQUIT.
- The kiosk screen shows exactly one focused stage widget; its bindings are the printed
  key card (Enter, 1-9, 0, arrows, Backspace). Every other key, Escape included, reaches
  no binding and does nothing visible.
- The facilitator key (F12 or ctrl+f) is a ``priority`` App binding, so it works over
  any screen or modal. It opens ``PinScreen``; only the right PIN (checked with
  ``LiveSession.check_pin``, five wrong PINs lock the prompt for 60 s across prompts)
  sets ``facilitator`` and opens the facilitator menu, the only way to quit. Wrong PINs
  are counted beside the session file (``pinlock``), shared by every process of it.

``dashboard`` mode is for a projector and is not locked: ``q`` quits.

``web`` mode is one browser kiosk of ``coherence-tui serve`` (a participant's phone):
locked like ``kiosk``, and without the facilitator key at all (a participant's own
device never offers the facilitator menu); it serves one participant and ends.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from coherence_tui.messages import (
    BackToKiosk,
    LanguageChanged,
    LanguageChosen,
    OpenDashboard,
    OpenSession,
)
from coherence_tui.package_files import stylesheet
from coherence_tui.screens.pin import Guard, PinGuard
from coherence_tui.serve.seat_link import SeatLink
from coherence_tui.services.live import LiveSession
from coherence_tui.services.supervisor import write_handover
from coherence_tui.storage.pinlock import SessionPinGuard
from coherence_tui.storage.store import SessionError, SessionStore

if TYPE_CHECKING:
    from coherence_tui.screens.kiosk import KioskScreen

Start = Literal["home", "run", "kiosk", "dashboard", "demo", "web"]

LOCKED_ACTIONS = frozenset({"quit", "help_quit", "command_palette", "suspend_process"})
"""App actions a participant must never reach while the kiosk is locked."""

SESSION_MODES = frozenset({"run", "kiosk", "demo", "web"})
"""Modes with a kiosk (locked until the facilitator's PIN; ``web`` has no PIN at all)."""


def _default_language() -> str:
    """Polish for a Polish locale, English otherwise (home screen, before any session)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "pl" if value.lower().startswith("pl") else "en"
    return "en"


class CoherenceApp(App[int]):
    """The coherence workshop. ``run()`` returns the process exit code (0 = ok)."""

    # The dashboard's layout too: a screen given as the first one (get_default_screen)
    # does not load its own CSS_PATH.
    CSS_PATH = [stylesheet("app.tcss"), stylesheet("dashboard.tcss")]
    TITLE = "coherence-tui"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f12,ctrl+f", "facilitator", "Facilitator", show=False, priority=True),
        Binding("escape", "leave_dashboard", show=False),
        Binding("q", "close_projector", "Quit", show=False),
    ]

    def __init__(
        self,
        *,
        start: Start,
        session: Path | None = None,
        sessions_dir: Path = Path("sessions"),
        lang: str | None = None,
        resume: str | None = None,
        seat: SeatLink | None = None,
    ) -> None:
        super().__init__()
        self.start = start
        self._resume = resume
        """``web``: the unfinished participant this browser tab continues."""
        self._seat = seat
        self.mode_name: Start = start
        """The current mode: ``home`` becomes ``run`` once a workshop is opened."""
        self.sessions_dir = sessions_dir
        self._lang_override = lang
        self.live: LiveSession | None = None
        self.facilitator = start == "demo"
        """The facilitator PIN was entered (or the demo was opened): the lock is off."""
        self.pin_guard: Guard = PinGuard()
        """Wrong PINs; once a session is open, counted beside it for every process."""
        if start in SESSION_MODES:
            os.environ.pop("TEXTUAL_ALLOW_SIGNALS", None)
        if start != "home":
            if session is None:
                raise ValueError(f"start={start!r} needs a session")
            store = SessionStore.open(session)
            if start in SESSION_MODES:
                store.check_writable()  # a kiosk on a read-only file could save no answer
            self.live = LiveSession(store, language=lang)
            self.pin_guard = SessionPinGuard(store)
        self.lang = lang or (self.live.language if self.live else _default_language())

    # -- the lock ------------------------------------------------------------------

    @property
    def locked(self) -> bool:
        """Participants may be at the keyboard: quitting, suspending, the palette are off."""
        return self.mode_name in SESSION_MODES and not self.facilitator

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in LOCKED_ACTIONS and self.locked:
            return False
        if action == "facilitator":
            return self.mode_name in SESSION_MODES - {"web"} and self.live is not None
        if action == "close_projector":
            return self.mode_name == "dashboard"
        if action == "leave_dashboard":
            return self.mode_name in SESSION_MODES and self.facilitator and self._on_dashboard()
        return True

    async def action_quit(self) -> None:
        self.exit(0)

    def action_close_projector(self) -> None:
        self.exit(0)

    # -- modes -----------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        """The first screen itself (never a blank one drawn first and thrown away).

        The home screen is pushed on a blank one instead: opening a workshop replaces it.
        """
        if self.mode_name == "home":
            return super().get_default_screen()
        if self.mode_name == "dashboard":
            return self.make_dashboard(readonly=True)
        return self._kiosk_screen()

    def on_mount(self) -> None:
        if self.mode_name == "home":
            from coherence_tui.screens.home import HomeScreen

            self.push_screen(HomeScreen(self.sessions_dir, self.lang))
        elif self.mode_name == "demo":
            self._open_demo()
        self.call_after_refresh(self._settle)

    def _settle(self) -> None:
        """After the first frame: keep the garbage collector out of the interaction path.

        Everything made to start (Textual, the session, the widgets) lives as long as the
        app does; frozen, it is never scanned again, so a full collection in the middle of
        an answer costs little (a 65 ms pause before). Collection was off during start
        (``cli``): it is switched on again here.
        """
        gc.freeze()
        gc.enable()

    def on_unmount(self) -> None:
        gc.unfreeze()  # an app run inside a longer process (tests) leaves the heap as it was

    def close_session(self) -> None:
        """On exit: fold this process's journal into the session file (one file again)."""
        if self.live is not None:
            try:
                self.live.close()
            except SessionError:
                pass  # every answer is safe in the journal; the next close folds it

    def _open_demo(self) -> None:
        assert self.live is not None
        state = self.live.state
        if not state.revealed:
            self.live.update_state(state.model_copy(update={"revealed": True}))
        self.open_menu()
        self.open_dashboard()

    def _kiosk_screen(self) -> KioskScreen:
        from coherence_tui.screens.kiosk import KioskScreen

        assert self.live is not None
        web = self.mode_name == "web"
        return KioskScreen(self.live, web=web, resume=self._resume, seat=self._seat)

    def _open_kiosk(self) -> None:
        """In place of the home screen, the kiosk (and for the demo its menu and dashboard)."""
        self.pop_screen()
        self.push_screen(self._kiosk_screen())
        if self.mode_name == "demo":
            self._open_demo()

    def open_session(self, path: Path, start: Literal["run", "demo"] = "run") -> None:
        """Leave the home screen for a workshop (``SessionError`` if it cannot be opened)."""
        store = SessionStore.open(path)
        store.check_writable()
        live = LiveSession(store, language=self._lang_override)
        self.live = live
        self.pin_guard = SessionPinGuard(store)
        self.mode_name = start
        self.facilitator = start == "demo"
        self.lang = self._lang_override or live.language
        self._open_kiosk()
        if start == "run":
            write_handover(path)  # supervised: a crash from now on restarts this kiosk

    def on_open_session(self, message: OpenSession) -> None:
        """The home screen asks for a workshop; a file that cannot be opened is one line."""
        try:
            self.open_session(message.path, message.start)
        except (SessionError, OSError) as error:
            self.notify(str(error), severity="error", timeout=10, markup=False)

    def on_language_chosen(self, message: LanguageChosen) -> None:
        self.set_language(message.lang)

    def set_language(self, lang: str) -> None:
        """Switch the interface language; open screens relabel themselves."""
        self.lang = lang
        if self.live is not None:
            self.live.set_language(lang)  # recommendation sentences follow
        for screen in self.screen_stack:
            screen.post_message(LanguageChanged(lang))

    # -- facilitator -----------------------------------------------------------------

    def action_facilitator(self) -> None:
        from coherence_tui.screens.facilitator import FacilitatorScreen
        from coherence_tui.screens.pin import PinScreen

        assert self.live is not None
        if self.facilitator:
            if self._on_dashboard():
                self.pop_screen()
            elif not any(isinstance(s, FacilitatorScreen) for s in self.screen_stack):
                self.open_menu()
            return
        if isinstance(self.screen, PinScreen):
            return

        def unlocked(ok: bool | None) -> None:
            if ok:
                self.facilitator = True
                self.open_menu()

        self.push_screen(PinScreen(self.live.check_pin, self.pin_guard, self.lang), unlocked)

    def open_menu(self) -> None:
        from coherence_tui.screens.facilitator import FacilitatorScreen

        assert self.live is not None
        self.push_screen(FacilitatorScreen(self.live, kiosk_only=self.mode_name == "kiosk"))

    def on_open_dashboard(self, message: OpenDashboard) -> None:
        self.open_dashboard(preview=message.preview)

    async def on_back_to_kiosk(self, message: BackToKiosk) -> None:
        await self.back_to_kiosk(close_participant=message.close_participant)

    def _on_dashboard(self) -> bool:
        from coherence_tui.screens.dashboard import DashboardScreen

        return isinstance(self.screen, DashboardScreen)

    def make_dashboard(self, *, readonly: bool, preview: bool = False) -> Screen[Any]:
        """The dashboard for this session (read-only for a projector).

        ``preview``: the facilitator's own look at hidden results (never on a projector).
        """
        from coherence_tui.screens.dashboard import DashboardScreen
        from coherence_tui.screens.preview import PreviewScreen

        assert self.live is not None
        if preview and not readonly:
            return PreviewScreen(self.live)
        return DashboardScreen(self.live, readonly=readonly)

    def open_dashboard(self, *, preview: bool = False) -> None:
        self.push_screen(self.make_dashboard(readonly=False, preview=preview))

    async def back_to_kiosk(self, *, close_participant: bool = False) -> None:
        """Close every facilitator screen and lock the kiosk again.

        With ``close_participant`` a participant who walked away half-way is closed (their
        answers count) and the kiosk starts again at the welcome screen.
        """
        from coherence_tui.screens.kiosk import KioskScreen

        self.facilitator = False
        while not isinstance(self.screen, KioskScreen) and len(self.screen_stack) > 1:
            await self.pop_screen()
        if close_participant and isinstance(self.screen, KioskScreen):
            self.screen.close_participant()
