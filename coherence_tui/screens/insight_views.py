"""Predicted against actual, the chain per area with its heat maps, and the comparison
with an earlier workshop: read-only views of what the room may see."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from coherence_tui.domain.model import LEVELS
from coherence_tui.domain.report import ALL
from coherence_tui.i18n import t
from coherence_tui.i18n.groups import group_label
from coherence_tui.screens.results_view import ResultsView
from coherence_tui.services.live import LiveSession
from coherence_tui.storage.store import SessionError, SessionStore, list_sessions
from coherence_tui.widgets.after_reveal import (
    chain_text,
    comparison_text,
    heat_text,
    predictions_text,
)


class PredictionsScreen(ResultsView):
    """Each predict statement: board's and management's mean estimate against the actual."""

    def title_text(self) -> str:
        return t("after.predictions.title", self.lang)

    def draw(self) -> None:
        after = self.live.after_reveal()
        if not self.live.settings.prediction_round:
            self.show_text(Text(t("after.predictions.none", self.lang), style="italic"))
            return
        text = Text(t("after.predictions.question", self.lang) + "\n\n", style="italic")
        text.append_text(predictions_text(after.predictions, self.lang, after.report.k))
        self.show_text(text)


class ChainScreen(ResultsView):
    """The chain per area for one group (g switches), and both heat maps."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("g", "next_group", "Group")]

    def __init__(self, live: LiveSession, lang: str) -> None:
        super().__init__(live, lang)
        self.group = ALL

    def title_text(self) -> str:
        return t("after.chain.title", self.lang, group=group_label(self.group, self.lang))

    def hint_text(self) -> str:
        return t("after.chain.hint", self.lang)

    def draw_key(self) -> object:
        return (super().draw_key(), self.group)

    def draw(self) -> None:
        after = self.live.after_reveal()
        self.query_one("#view-title", Static).update(self.title_text())
        chains = after.chains.get(self.group, ())
        text = Text()
        if chains:
            text.append_text(chain_text(chains, self.lang))
        else:
            text.append(t("after.chain.none", self.lang) + "\n", style="italic")
        text.append("\n")
        text.append_text(
            heat_text(
                after.level_heat,
                after.department_heat,
                self.live.questionnaire.area_tags,
                self.lang,
            )
        )
        self.show_text(text)

    def action_next_group(self) -> None:
        groups = [ALL, *(lv.value for lv in LEVELS)]
        self.group = groups[(groups.index(self.group) + 1) % len(groups)]
        self.redraw()


class CompareScreen(ResultsView):
    """Pick an earlier session from the sessions folder; show the change since then."""

    DEFAULT_CSS = """
    CompareScreen #compare-list { height: auto; max-height: 12; border: round $panel-lighten-2; }
    """

    def __init__(self, live: LiveSession, lang: str, sessions_dir: Path) -> None:
        super().__init__(live, lang)
        self.sessions_dir = sessions_dir
        self.earlier: Path | None = None

    def compose_body(self) -> ComposeResult:
        yield OptionList(id="compare-list")
        yield Static("", id="view-text")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        here = self.live.store.path.resolve()
        others = [p for p in list_sessions(self.sessions_dir) if p.resolve() != here]
        options.add_options([Option(p.stem, id=str(p)) for p in others])
        if others:
            options.highlighted = 0
        super().on_mount()
        options.focus()

    def title_text(self) -> str:
        return t("after.compare.title", self.lang)

    def hint_text(self) -> str:
        return t("after.compare.hint", self.lang)

    def draw_key(self) -> object:
        return (super().draw_key(), self.earlier)

    def draw(self) -> None:
        if self.earlier is None:
            if self.query_one(OptionList).option_count:
                self.show_text(Text(t("after.compare.pick", self.lang)))
            else:
                directory = str(self.sessions_dir)
                self.show_text(Text(t("after.compare.none", self.lang, directory=directory)))
            return
        try:
            earlier = SessionStore.open(self.earlier).snapshot()
            comparison = self.live.compare_with(earlier)
        except SessionError as error:
            self.show_text(Text(str(error), style="bold red"))
            return
        self.show_text(comparison_text(comparison, self.lang))

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.earlier = Path(event.option.id)
            self.redraw()
