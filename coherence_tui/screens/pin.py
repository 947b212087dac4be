"""The facilitator PIN prompt, and the guard that locks it after repeated wrong PINs.

A session's prompt uses ``coherence_tui.storage.pinlock.SessionPinGuard``: the count lives
beside the session file, so every kiosk of the session and a restarted one share it.
``PinGuard`` keeps the count in memory, for a prompt with no session behind it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ClassVar, Protocol

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Static

from coherence_tui.domain.pin import LOCK_SECONDS, MAX_ATTEMPTS, Lockout
from coherence_tui.i18n import t
from coherence_tui.storage.store import SessionError

__all__ = ["LOCK_SECONDS", "MAX_ATTEMPTS", "Guard", "PinGuard", "PinScreen"]


class Guard(Protocol):
    """What the prompt asks of a guard (``PinGuard``, ``pinlock.SessionPinGuard``)."""

    def seconds_locked(self) -> int: ...

    @property
    def attempts_left(self) -> int: ...

    def attempt(self, candidate: str, check: Callable[[str], bool]) -> bool | None: ...


class PinGuard:
    """Counts wrong PINs across prompts in memory: ``MAX_ATTEMPTS`` in a row lock for
    ``LOCK_SECONDS``. The app keeps one for its lifetime until a session is open."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.lockout = Lockout()

    def seconds_locked(self) -> int:
        """Whole seconds until the prompt accepts PINs again (0 when open)."""
        return self.lockout.seconds_locked(self._clock())

    def failed(self) -> None:
        self.lockout = self.lockout.after_failure(self._clock())

    def succeeded(self) -> None:
        self.lockout = self.lockout.after_success()

    @property
    def attempts_left(self) -> int:
        return self.lockout.attempts_left

    def attempt(self, candidate: str, check: Callable[[str], bool]) -> bool | None:
        """True/False for a right/wrong PIN, counted; ``None`` unchecked while locked."""
        if self.seconds_locked():
            return None
        right = check(candidate)
        if right:
            self.succeeded()
        else:
            self.failed()
        return right


class PinScreen(ModalScreen[bool]):
    """Asks for the facilitator PIN; dismisses with True only for the right one."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", show=False)]

    def __init__(self, check: Callable[[str], bool], guard: Guard, lang: str) -> None:
        super().__init__(id="pin")
        self.check = check
        self.guard = guard
        self.lang = lang
        self._countdown: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="pin-dialog"):
            yield Static(t("pin.title", self.lang), id="pin-title")
            yield Input(
                password=True,
                restrict=r"[0-9]*",
                max_length=12,
                placeholder=t("pin.placeholder", self.lang),
                id="pin-input",
            )
            yield Static("", id="pin-message", markup=False)
            yield Static(t("pin.hint", self.lang), id="pin-hint")

    def on_mount(self) -> None:
        if self.guard.seconds_locked():
            self._lock()
        else:
            self.query_one(Input).focus()

    @property
    def message(self) -> Static:
        return self.query_one("#pin-message", Static)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.guard.seconds_locked():
            return
        candidate = event.value
        event.input.value = ""
        try:
            right = self.guard.attempt(candidate, self.check)
        except SessionError as error:
            self.message.update(t("pin.unrecorded", self.lang, error=error))
            self.message.set_class(True, "-error")
            return
        if right:
            self.dismiss(True)
            return
        if self.guard.seconds_locked():
            self._lock()
        else:
            self.message.update(t("pin.wrong", self.lang, left=self.guard.attempts_left))
            self.message.set_class(True, "-error")

    def _lock(self) -> None:
        pin_input = self.query_one(Input)
        pin_input.value = ""
        pin_input.disabled = True
        self.message.set_class(True, "-error")
        self._tick()
        self._countdown = self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        seconds = self.guard.seconds_locked()
        if seconds:
            self.message.update(t("pin.locked", self.lang, seconds=seconds))
            return
        if self._countdown is not None:
            self._countdown.stop()
            self._countdown = None
        pin_input = self.query_one(Input)
        pin_input.disabled = False
        pin_input.focus()
        self.message.set_class(False, "-error")
        self.message.update(t("pin.unlocked", self.lang))

    def action_cancel(self) -> None:
        self.dismiss(False)
