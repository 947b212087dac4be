"""Footer labels per language through public Textual only (``screens.keys``, issue 12)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer

from coherence_tui.screens.keys import (
    IN_LANGUAGE,
    check_in_language,
    translated_bindings,
)


class Counter(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = translated_bindings(
        Binding("g", "step(1)", "dash.key.group"),
        Binding("m", "toggle_metric", "dash.key.metric"),
        Binding("x", "secret", "", show=False),
    )

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        self.steps = 0
        self.metric_allowed = True

    def compose(self) -> ComposeResult:
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == IN_LANGUAGE:
            return check_in_language(self, parameters)
        if action == "toggle_metric":
            return True if self.metric_allowed else None
        return True

    async def action_in_language(self, lang: str, action: str) -> None:
        await self.run_action(action)

    def action_step(self, by: int) -> None:
        self.steps += by

    def action_toggle_metric(self) -> None:
        self.steps += 100


class CounterApp(App[None]):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self.counter = Counter(lang)

    def on_mount(self) -> None:
        self.push_screen(self.counter)


def labels(screen: Screen[None]) -> dict[str, tuple[str, bool]]:
    """Key -> (description, enabled), from Textual's public ``active_bindings``."""
    return {
        key: (active.binding.description, active.enabled)
        for key, active in screen.active_bindings.items()
        if active.binding.show
    }


def test_each_binding_is_declared_once_per_language() -> None:
    bindings = translated_bindings(Binding("g", "step(1)", "dash.key.group"))
    assert [(b.key, b.description) for b in bindings if isinstance(b, Binding)] == [
        ("g", "Group"),
        ("g", "Grupa"),
    ]


async def test_the_footer_speaks_the_screens_language_and_follows_a_switch() -> None:
    app = CounterApp("pl")
    async with app.run_test() as pilot:
        screen = app.counter
        assert labels(screen) == {"g": ("Grupa", True), "m": ("Miara", True)}
        screen.lang = "en"
        screen.refresh_bindings()
        await pilot.pause()
        assert labels(screen) == {"g": ("Group", True), "m": ("Metric", True)}


async def test_a_language_without_strings_gets_the_english_keys() -> None:
    app = CounterApp("uk")
    async with app.run_test():
        assert labels(app.counter)["g"] == ("Group", True)


async def test_keys_run_the_wrapped_action_once_and_obey_its_check() -> None:
    app = CounterApp("pl")
    async with app.run_test() as pilot:
        screen = app.counter
        await pilot.press("g", "g")
        assert screen.steps == 2  # one language's copy runs, not both
        screen.metric_allowed = False
        screen.refresh_bindings()
        await pilot.pause()
        assert labels(screen)["m"] == ("Miara", False)  # shown, disabled
        await pilot.press("m")
        assert screen.steps == 2
        screen.metric_allowed = True
        await pilot.press("m", "x")
        assert screen.steps == 102
