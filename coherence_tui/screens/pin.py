"""The facilitator PIN prompt, and the guard that locks it after repeated wrong PINs."""

from __future__ import annotations

import time
from collections.abc import Callable
from math import ceil
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Static

from coherence_tui.i18n import t

MAX_ATTEMPTS = 5
LOCK_SECONDS = 60.0


class PinGuard:
    """Counts wrong PINs across prompts: ``MAX_ATTEMPTS`` in a row lock for ``LOCK_SECONDS``.

    The app keeps one guard for its lifetime, so closing and reopening the prompt does
    not reset the count.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.failures = 0
        self.locked_until = 0.0

    def seconds_locked(self) -> int:
        """Whole seconds until the prompt accepts PINs again (0 when open)."""
        return max(0, ceil(self.locked_until - self._clock()))

    def failed(self) -> None:
        self.failures += 1
        if self.failures >= MAX_ATTEMPTS:
            self.failures = 0
            self.locked_until = self._clock() + LOCK_SECONDS

    def succeeded(self) -> None:
        self.failures = 0

    @property
    def attempts_left(self) -> int:
        return MAX_ATTEMPTS - self.failures


class PinScreen(ModalScreen[bool]):
    """Asks for the facilitator PIN; dismisses with True only for the right one."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", show=False)]

    def __init__(self, check: Callable[[str], bool], guard: PinGuard, lang: str) -> None:
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
            yield Static("", id="pin-message")
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
        if self.check(candidate):
            self.guard.succeeded()
            self.dismiss(True)
            return
        self.guard.failed()
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
