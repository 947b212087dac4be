"""Who has answered so far: participants per level and the number of answers.

Counts are never suppressed (DESIGN.md: a suppressed group's count is shown),
so this widget is the one thing the room sees while results are hidden.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive

from coherence_tui.domain.report import Report
from coherence_tui.domain.vocabulary import LEVELS
from coherence_tui.i18n import t
from coherence_tui.widgets.rows import TextRows


def participation_line(report: Report, lang: str) -> str:
    """``Board 3 · Management 5 · Front line 12 · 245 answers`` in ``lang``."""
    counts = report.level_counts()
    parts = [f"{t(f'dash.level.{lv.value}', lang)} {counts[lv]}" for lv in LEVELS]
    parts.append(t("dash.answers", lang, n=report.answers))
    return " · ".join(parts)


class Participation(TextRows):
    """One line of participation counts; departments on a second line when they fit.

    Drawn as ``TextRows``: a new answer repaints the counts' row only."""

    DEFAULT_CSS = """
    Participation {
        height: auto;
        padding: 0 1;
        color: $foreground;
    }
    Participation > .participation--label { color: $text-muted; }
    Participation > .participation--count { color: $accent; text-style: bold; }
    """

    COMPONENT_CLASSES = {"participation--label", "participation--count"}

    report: reactive[Report | None] = reactive(None, repaint=False)
    lang: reactive[str] = reactive("en", repaint=False)
    show_departments: reactive[bool] = reactive(True, repaint=False)

    def shown(self) -> object:
        report = self.report
        if report is None:
            return None
        departments = tuple(
            (key, g.n) for key, g in report.groups.items() if key.startswith("department:")
        )
        counts = tuple(report.level_counts().items())
        return (counts, report.answers, departments, self.show_departments, self.lang)

    def watch_report(self) -> None:
        self.update_rows()

    def watch_lang(self) -> None:
        self.update_rows()

    def watch_show_departments(self) -> None:
        self.update_rows()

    def content_lines(self) -> list[Text]:
        report = self.report
        if report is None:
            return [Text("")]
        label = self.get_component_rich_style("participation--label")
        count = self.get_component_rich_style("participation--count")
        counts = report.level_counts()
        levels = Text()
        for i, lv in enumerate(LEVELS):
            if i:
                levels.append(" · ", label)
            levels.append(t(f"dash.level.{lv.value}", self.lang) + " ")
            levels.append(str(counts[lv]), count)
        heading = Text(t("dash.participants", self.lang) + "  ", label)
        answers = Text("   ") + Text(t("dash.answers", self.lang, n=report.answers), label)
        # The longest form that fits: the heading goes first, the answer count last.
        width = self.content_size.width or 10_000
        for parts in ((heading, levels, answers), (levels, answers), (levels,)):
            text = Text().join(parts)
            if text.cell_len <= width:
                break
        lines = [text]
        departments = [g for key, g in report.groups.items() if key.startswith("department:")]
        if self.show_departments and departments:
            line = Text(t("dash.departments", self.lang) + "  ", label)
            for i, g in enumerate(departments):
                if i:
                    line.append(" · ", label)
                line.append(g.key.removeprefix("department:") + " ")
                line.append(str(g.n), count)
            lines.append(line)
        return lines
