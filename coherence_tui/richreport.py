"""``report`` as text in a terminal, drawn with Rich (no Textual).

The same ``Report`` the dashboard and ``report --json`` use: the stool of the
whole organisation, a table of groups, signed gap bars per factor, the
recommendations and the participation per level.
"""

from __future__ import annotations

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from coherence_tui.domain.model import FACTORS, LEVELS, StoolState
from coherence_tui.domain.recommend import LEVEL_NAMES
from coherence_tui.domain.report import ALL, Report
from coherence_tui.export import group_label
from coherence_tui.store import SessionSnapshot
from coherence_tui.textreport import FACTOR_LABELS, STATE_LABELS, gap_bar, signed, stool_lines

STATE_STYLE = {StoolState.STABLE: "green", StoolState.WOBBLY: "yellow", StoolState.TIPPING: "red"}

_WORDS = {
    "en": {
        "participants": "Participants",
        "answers": "answers",
        "hidden": "hidden: fewer than {k} participants",
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
        "answers": "odpowiedzi",
        "hidden": "ukryte: mniej niż {k} uczestników",
        "hidden_short": "ukryte",
        "group": "Grupa",
        "overall": "Ogółem",
        "stool": "Stołek",
        "gaps": "Różnice między poziomami (w lewo: wyżej drugi poziom, w prawo: pierwszy)",
        "recommendations": "Rekomendacje",
        "none": "Brak rekomendacji: za mało odpowiedzi.",
    },
}


def print_report(
    snapshot: SessionSnapshot,
    report: Report,
    *,
    lang: str | None = None,
    console: Console | None = None,
) -> None:
    lang = lang or snapshot.settings.language or snapshot.questionnaire.language
    words = _WORDS.get(lang, _WORDS["en"])
    factors = FACTOR_LABELS.get(lang, FACTOR_LABELS["en"])
    states = STATE_LABELS.get(lang, STATE_LABELS["en"])
    console = console or Console(highlight=False)
    hidden = words["hidden"].format(k=report.k)

    counts = " · ".join(
        f"{LEVEL_NAMES[lang][lv].capitalize()} {report.groups[lv.value].n}" for lv in LEVELS
    )
    console.print(Text.assemble((snapshot.name, "bold"), f"  {snapshot.questionnaire.title}"))
    console.print(
        f"{words['participants']}: {counts} ({report.answers} {words['answers']})",
        style="dim",
        no_wrap=True,
        overflow="ellipsis",
    )
    whole = report.groups[ALL]
    if whole.has_scores:
        style = STATE_STYLE[whole.stool] if whole.stool else ""
        console.print(Panel(Text("\n".join(stool_lines(whole, lang)), style=style), expand=False))
    else:
        console.print(Panel(Text(hidden, style="dim"), expand=False))

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, header_style="bold", pad_edge=False)
    table.add_column(words["group"], no_wrap=True, max_width=22, overflow="ellipsis")
    for f in FACTORS:
        table.add_column(factors[f], justify="right", no_wrap=True)
    table.add_column(words["overall"], justify="right", no_wrap=True)
    table.add_column(words["stool"], no_wrap=True)
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
        state = Text("–")
        if group.stool:
            state = Text(
                f"{states[group.stool]} ({group.imbalance:.0f})", style=STATE_STYLE[group.stool]
            )
        table.add_row(
            Text(f"{label} ({group.n})"),  # a department name is data, never markup
            *(signed(group.factors.get(f)) for f in FACTORS),
            signed(group.overall),
            state,
        )
    console.print(table)
    if any(group.suppressed for group in report.groups.values()):
        console.print(hidden, style="dim")

    bars = Table(
        box=None, show_header=False, title=words["gaps"], title_justify="left", pad_edge=False
    )
    bars.add_column(no_wrap=True)
    bars.add_column(no_wrap=True)
    bars.add_column(no_wrap=True)
    bars.add_column(justify="right")
    for gap in report.gaps.values():
        label = f"{LEVEL_NAMES[lang][gap.a].capitalize()} − {LEVEL_NAMES[lang][gap.b]}"
        if gap.suppressed:
            bars.add_row(label, "", Text(hidden, style="dim"), "")
            continue
        for f in FACTORS:
            value = gap.factors.get(f)
            bars.add_row(label, factors[f], gap_bar(value, half_width=12), signed(value))
            label = ""
    console.print(bars)

    lines = [Text(f"{n}. {r.text}") for n, r in enumerate(report.recommendations, 1)]
    console.print(
        Panel(Group(*lines) if lines else Text(words["none"]), title=words["recommendations"])
    )
