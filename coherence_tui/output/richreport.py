"""``report`` as text in a terminal, drawn with Rich (no Textual).

The same ``Report`` the dashboard and ``report --json`` use: the stool of the
whole organisation, a table of groups, signed gap bars per factor, the
recommendations and the participation per level.
"""

from __future__ import annotations

from rich import box
from rich.console import Console, Group, RenderableType
from rich.measure import Measurement
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from coherence_tui.domain.disclosure import Suppression
from coherence_tui.domain.model import FACTORS, LEVELS, Factor, StoolState
from coherence_tui.domain.recommend import LEVEL_NAMES
from coherence_tui.domain.report import ALL, GroupScores, Report
from coherence_tui.i18n import interface_language, plural
from coherence_tui.output.textreport import (
    FACTOR_LABELS,
    FACTOR_SHORT_LABELS,
    STATE_LABELS,
    gap_bar,
    gap_text,
    margin_text,
    signed,
    state_text,
    stool_lines,
)
from coherence_tui.output.words import group_label
from coherence_tui.storage.store import SessionSnapshot

STATE_STYLE = {StoolState.STABLE: "green", StoolState.WOBBLY: "yellow", StoolState.TIPPING: "red"}

_WORDS = {
    "en": {
        "participants": "Participants",
        "answers": "{n:answers}",
        "hidden": "hidden for anonymity: {k:fewer_than_participants}",
        "subtraction": "hidden: with the other groups it would reveal {k:fewer_than_people}",
        "reversed": "(reversed)",
        "margin": "±N: margin of the 90 % interval; a state with ? is not yet certain",
        "hidden_short": "hidden",
        "group": "Group",
        "overall": "Overall",
        "stool": "Stool",
        "gaps": "Gaps between levels (left: second level higher, right: first level higher)",
        "recommendations": "Recommendations",
        "none": "No recommendation yet: not enough answers.",
    },
    "pl": {
        "participants": "Uczestnicy",
        "answers": "{n:answers}",
        "hidden": "ukryte dla anonimowości: za mało uczestników (k = {k})",
        "subtraction": "ukryte: razem z innymi grupami ujawniłoby {k:fewer_than_people}",
        "reversed": "(odwrócone)",
        "margin": "±N: margines przedziału 90 %; stan ze znakiem ? nie jest jeszcze pewny",
        "hidden_short": "ukryte",
        "group": "Grupa",
        "overall": "Ogółem",
        "stool": "Stołek",
        "gaps": "Różnice między poziomami (w lewo: wyżej drugi poziom, w prawo: pierwszy)",
        "recommendations": "Rekomendacje",
        "none": "Brak rekomendacji: za mało odpowiedzi.",
    },
}


def _groups_table(
    report: Report,
    lang: str,
    headings: dict[Factor, str],
    states: dict[StoolState, str],
    *,
    narrow: bool = False,
) -> Table:
    """The table of groups. Nothing in it is ever cut: a cell that does not fit its column
    wraps (a long department name, ``tipping?`` above ``(137)``). ``narrow``: short
    headings' companion, two spaces between columns instead of three."""
    words = _WORDS[lang]
    table = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        header_style="bold",
        pad_edge=False,
        collapse_padding=narrow,
    )
    table.add_column(words["group"], overflow="fold")
    for f in FACTORS:
        table.add_column(headings[f], justify="right", overflow="fold")
    table.add_column(words["overall"], justify="right", no_wrap=True)
    table.add_column(words["stool"], overflow="fold")
    for key, group in report.groups.items():
        if key.startswith("department:") and not any(
            k.startswith("department:")
            for k in list(report.groups)[: list(report.groups).index(key)]
        ):
            table.add_section()
        label = key.split(":", 1)[1] if key.startswith("department:") else group_label(key, lang)
        if group.suppressed:
            dots = [Text("·", style="dim")] * (len(FACTORS) + 1)
            table.add_row(
                Text(f"{label} ({group.n})"), *dots, Text(words["hidden_short"], style="dim")
            )
            continue
        table.add_row(
            Text(f"{label} ({group.n})"),  # a department name is data, never markup
            *(margin_text(group.factors.get(f), group.ci90.get(f)) for f in FACTORS),
            signed(group.overall),
            _state_cell(group, states),
        )
    return table


def _state_cell(group: GroupScores, states: dict[StoolState, str]) -> Text:
    if not group.stool:
        return Text("–")
    return Text(
        f"{state_text(group, states)} ({group.imbalance:.0f})", style=STATE_STYLE[group.stool]
    )


def _fits(console: Console, table: Table) -> bool:
    """The table at its natural width fits the console (no cell needs to wrap)."""
    unbounded = console.options.update_width(10_000)  # measurements are capped at the width
    return Measurement.get(console, unbounded, table).maximum <= console.width


def print_report(
    snapshot: SessionSnapshot,
    report: Report,
    *,
    lang: str | None = None,
    console: Console | None = None,
) -> None:
    lang = interface_language(lang or snapshot.settings.language or snapshot.questionnaire.language)
    words = _WORDS[lang]
    factors = FACTOR_LABELS.get(lang, FACTOR_LABELS["en"])
    states = STATE_LABELS.get(lang, STATE_LABELS["en"])
    console = console or Console(highlight=False)
    hidden = plural.render(words["hidden"], lang, k=report.k)
    answers = plural.render(words["answers"], lang, n=report.answers)

    counts = " · ".join(
        f"{LEVEL_NAMES[lang][lv].capitalize()} {report.groups[lv.value].n}" for lv in LEVELS
    )
    console.print(Text.assemble((snapshot.name, "bold"), f"  {snapshot.questionnaire.title}"))
    console.print(f"{words['participants']}: {counts} ({answers})", style="dim")
    whole = report.groups[ALL]
    if whole.has_scores:
        style = STATE_STYLE[whole.stool] if whole.stool else ""
        console.print(Panel(Text("\n".join(stool_lines(whole, lang)), style=style), expand=False))
    else:
        console.print(Panel(Text(hidden, style="dim"), expand=False))

    table = _groups_table(report, lang, factors, states)
    if not _fits(console, table):  # short headings first; then cells wrap, never cut
        table = _groups_table(report, lang, FACTOR_SHORT_LABELS[lang], states, narrow=True)
    console.print(table)
    console.print(words["margin"], style="dim")
    if any(g.suppressed and g.reason is Suppression.FEWER_THAN_K for g in report.groups.values()):
        console.print(hidden, style="dim")
    if any(g.reason is Suppression.SUBTRACTION for g in report.groups.values()):
        console.print(plural.render(words["subtraction"], lang, k=report.k), style="dim")

    bars = Table(
        box=None, show_header=False, title=words["gaps"], title_justify="left", pad_edge=False
    )
    bars.add_column(overflow="fold")  # "Management - front line" may wrap, never be cut
    bars.add_column(no_wrap=True)
    bars.add_column(no_wrap=True)
    bars.add_column(justify="right", no_wrap=True)
    half = 12 if console.width >= 100 else 6
    for gap in report.gaps.values():
        label = f"{LEVEL_NAMES[lang][gap.a].capitalize()} − {LEVEL_NAMES[lang][gap.b]}"
        if gap.suppressed:
            bars.add_row(label, Text(words["hidden_short"], style="dim"), "", "")
            continue
        for f in FACTORS:
            value = gap.factors.get(f)
            figure = gap_text(value, gap.ci90.get(f))
            bars.add_row(label, factors[f], gap_bar(value, half_width=half), figure)
            label = ""
    console.print(bars)

    reverse = {item.id for item in snapshot.questionnaire.items if item.reverse}
    lines: list[RenderableType] = []
    for n, rec in enumerate(report.recommendations, 1):
        lines.append(Text(f"{n}. {rec.text}"))
        for item_id, text in rec.items:
            mark = f" {words['reversed']}" if item_id in reverse else ""
            cited = Text.assemble(("› ", "dim"), (f"{text}{mark} ", "italic"), (item_id, "dim"))
            lines.append(Padding(cited, (0, 0, 0, 3)))
    console.print(
        Panel(Group(*lines) if lines else Text(words["none"]), title=words["recommendations"])
    )
