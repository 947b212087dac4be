"""The Markdown export: the report, the statements and after the reveal, as a document a
facilitator can send (every cell escaped: shown as typed, never HTML, a link or a column)."""

from __future__ import annotations

from typing import Literal

from coherence_tui.domain.disclosure import Suppression
from coherence_tui.domain.discussion import percentages
from coherence_tui.domain.model import FACTORS, LEVELS, Level
from coherence_tui.domain.recommend import LEVEL_NAMES
from coherence_tui.domain.report import ALL, GroupScores, ItemFigures
from coherence_tui.i18n import interface_language, plural
from coherence_tui.output.textreport import (
    FACTOR_LABELS,
    STATE_LABELS,
    gap_text,
    margin_text,
    percent,
    signed,
    state_text,
    stool_lines,
)
from coherence_tui.output.words import MD_WORDS, group_label, link_label
from coherence_tui.services.insights import (
    AfterReveal,
    after_reveal,
    snapshot_report,
    snapshot_tally,
)
from coherence_tui.storage.store import SessionSnapshot

ExportFormat = Literal["json", "csv", "md", "html", "actions-csv"]
FORMATS: tuple[ExportFormat, ...] = ("json", "csv", "md", "html", "actions-csv")


def to_markdown(snapshot: SessionSnapshot, *, lang: str | None = None) -> str:
    lang = interface_language(lang or snapshot.settings.language or snapshot.questionnaire.language)
    words = MD_WORDS.get(lang, MD_WORDS["en"])
    factors = FACTOR_LABELS.get(lang, FACTOR_LABELS["en"])
    states = STATE_LABELS.get(lang, STATE_LABELS["en"])
    report = snapshot_report(snapshot, lang=lang)
    k = report.k
    q = snapshot.questionnaire
    counts = " · ".join(
        f"{LEVEL_NAMES[lang][lv].capitalize()} {report.groups[lv.value].n}" for lv in LEVELS
    )
    answers = plural.render(words["answers"], lang, n=report.answers)
    out = [
        f"# {words['title']}: {md_text(snapshot.name)}",
        "",
        f"- {words['session']}: {md_text(snapshot.name)} ({snapshot.created_at[:10]})",
        f"- {words['questionnaire']}: {md_text(q.title)} ({q.id} v{md_text(q.version)})",
        f"- {words['participants']}: {counts} ({answers})",
        f"- {plural.render(words['k_note'], lang, k=k)}",
        "",
        f"## {words['stool']}",
        "",
    ]
    whole = report.groups[ALL]
    if whole.has_scores:
        out += ["```", *stool_lines(whole, lang), "```"]
    else:
        out.append(f"_{plural.render(words['hidden'], lang, k=k)}_")
    head = [words["group"], "n", *(factors[f] for f in FACTORS)]
    head += [words["overall"], words["imbalance"], words["state"]]
    out += ["", f"## {words['groups']}", "", _row(head), _row(["---"] * len(head))]
    shown = {key: g for key, g in report.groups.items() if not g.suppressed}
    for key, group in report.groups.items():
        if group.suppressed:
            cells = [md_text(group_label(key, lang)), str(group.n), _hidden(group, lang, k)]
            cells += [""] * (len(head) - 3)
        else:
            cells = [md_text(group_label(key, lang)), str(group.n)]
            cells += [margin_text(group.factors.get(f), group.ci90.get(f)) for f in FACTORS]
            cells += [signed(group.overall), signed(group.imbalance)]
            cells.append(state_text(group, states))
        out.append(_row(cells))
    fav_head = [words["group"], *(factors[f] for f in FACTORS)]
    out += ["", f"## {words['favourable']}", "", _row(fav_head), _row(["---"] * len(fav_head))]
    for key, group in shown.items():
        cells = [md_text(group_label(key, lang))]
        cells += [percent(group.favourable_pct.get(f)) for f in FACTORS]
        out.append(_row(cells))
    out += ["", f"## {words['gaps']}", ""]
    gap_head = [words["gap"], *(factors[f] for f in FACTORS), words["overall"]]
    out += [_row(gap_head), _row(["---"] * len(gap_head))]
    for gap in report.gaps.values():
        label = f"{LEVEL_NAMES[lang][gap.a].capitalize()} − {LEVEL_NAMES[lang][gap.b]}"
        if gap.suppressed:
            out.append(_row([label, plural.render(words["hidden"], lang, k=k), "", "", ""]))
        else:
            figures = [gap_text(gap.factors.get(f), gap.ci90.get(f)) for f in FACTORS]
            out.append(_row([label, *figures, signed(gap.overall)]))
    out += ["", f"## {words['recommendations']}", ""]
    reverse = {item.id for item in q.items if item.reverse}
    if report.recommendations:
        for n, rec in enumerate(report.recommendations, 1):
            out.append(f"{n}. {md_text(rec.text)}")
            for item_id, text in rec.items:
                mark = f" {words['reversed']}" if item_id in reverse else ""
                out.append(f"   - {item_id}: “{md_text(text)}”{mark}")
    else:
        out.append(words["none"])
    level_names = [LEVEL_NAMES[lang][lv].capitalize() for lv in LEVELS]
    item_head = ["ID", words["item"], *level_names, words["all"]]
    out += ["", f"## {words['items']}", "", _row(item_head), _row(["---"] * len(item_head))]
    for item_id, item in report.items.items():
        text = md_text(item.text)
        cells = [item_id, f"{text} {words['reversed']}" if item.reverse else text]
        for lv in LEVELS:
            at_level = item.levels.get(lv)
            if at_level is None:
                cells.append("–")
            elif not at_level.published:
                cells.append(f"n={at_level.n}")
            else:
                cells.append(signed(at_level.mean))
        cells.append(signed(item.all_mean))
        out.append(_row(cells))
    tally = snapshot_tally(snapshot, lang=lang)
    after = after_reveal(tally, report, snapshot.predictions)
    out += after_reveal_markdown(after, snapshot, lang)
    out += ["", f"_{words['footer']}_", ""]
    return "\n".join(out)


def distribution_cells(figures: ItemFigures) -> list[str]:
    """Five counts, don't know, and the % of each (as answered, before reversing)."""
    assert figures.distribution is not None
    shares = percentages(figures.distribution, figures.dont_know)
    return [
        f"{c} ({round(pct)} %)"
        for c, pct in zip((*figures.distribution, figures.dont_know), shares, strict=True)
    ]


def after_reveal_markdown(after: AfterReveal, snapshot: SessionSnapshot, lang: str) -> list[str]:
    """The Markdown sections of the discussion queue, predictions, chains, heat maps, plan."""
    words = MD_WORDS.get(lang, MD_WORDS["en"])
    factors = FACTOR_LABELS.get(lang, FACTOR_LABELS["en"])
    names = LEVEL_NAMES.get(lang, LEVEL_NAMES["en"])
    k = after.report.k
    labels = snapshot.questionnaire.scale
    out = ["", f"## {words['queue']}", ""]
    if not after.queue:
        out.append(words["queue_empty"])
    for entry in after.queue:
        item = entry.item
        mark = f" {words['reversed']}" if item.reverse else ""
        out += [
            f"### {entry.rank}. {md_text(item.id)}{mark}: "
            f"{factors[item.factor]} · {md_text(item.area)}",
            "",
            f"> {md_text(item.text)}",
            "",
        ]
        head = [words["level"], *(md_text(label) for label in labels.labels)]
        head += [md_text(labels.dont_know), words["mean"]]
        out += [_row(head), _row(["---"] * len(head))]
        for level, figures in entry.levels.items():
            if figures.published and figures.distribution is not None:
                cells = distribution_cells(figures) + [signed(figures.mean)]
            else:
                cells = [plural.render(words["not_published"], lang, k=k)] + [""] * 6
            out.append(_row([names[level].capitalize(), *cells]))
        if entry.ci90 is not None:
            line = words["gap_line"].format(
                gap=signed(entry.gap), lo=signed(entry.ci90[0]), hi=signed(entry.ci90[1])
            )
        else:
            line = words["gap_line_short"].format(gap=signed(entry.gap))
        out += ["", line, ""]
        if item.prompts:
            out.append(f"{words['prompts']}:")
            out += [f"- {md_text(prompt)}" for prompt in item.prompts]
            out.append("")
    out += ["", f"## {words['predictions']}", ""]
    if not snapshot.settings.prediction_round or not after.predictions:
        out.append(words["predictions_none"])
    else:
        levels = [lv for lv in (Level.BOARD, Level.MANAGEMENT)]
        head = [
            "ID",
            words["item"],
            *(words["estimate"].format(level=names[lv].capitalize()) for lv in levels),
            words["actual"],
        ]
        out += [_row(head), _row(["---"] * len(head))]
        for result in after.predictions:
            text = md_text(result.text) + (f" {words['reversed']}" if result.reverse else "")
            cells = [md_text(result.item_id), text]
            for level in levels:
                estimate = result.estimates.get(level)
                if estimate is None:
                    cells.append(plural.render(words["hidden"], lang, k=k))
                elif not estimate.published:
                    cells.append(
                        plural.render(words["estimate_hidden"], lang, n=estimate.count, k=k)
                    )
                else:
                    cells.append(percent(estimate.mean))
            cells.append(percent(result.actual))
            out.append(_row(cells))
    out += ["", f"## {words['chains']}", ""]
    chains = after.chains.get(ALL, ())
    if not chains:
        out.append(words["chains_none"])
    else:
        head = [words["area"], *(factors[f] for f in FACTORS), words["breaks"]]
        out += [_row(head), _row(["---"] * len(head))]
        for chain in chains:
            broken = ""
            if chain.broken is not None:
                broken = link_label(chain.broken, lang)
                broken += f" ({signed(chain.drop)})"
                if not chain.confirmed:
                    broken += words["unconfirmed"]
            cells = [md_text(chain.area), *(signed(chain.scores.get(f)) for f in FACTORS)]
            out.append(_row([*cells, broken]))
    if after.level_heat:
        areas = snapshot.questionnaire.area_tags
        head = [words["level"], *(md_text(a) for a in areas)]
        out += ["", f"## {words['heat_levels']}", "", _row(head), _row(["---"] * len(head))]
        for level, row in after.level_heat.items():
            out.append(_row([names[level].capitalize(), *(signed(row.get(a)) for a in areas)]))
    if after.department_heat:
        head = [words["department"], *(factors[f] for f in FACTORS)]
        out += ["", f"## {words['heat_departments']}", "", _row(head), _row(["---"] * len(head))]
        for name, by_factor in after.department_heat.items():
            out.append(_row([md_text(name), *(signed(by_factor.get(f)) for f in FACTORS)]))
    out += ["", f"## {words['plan']}", ""]
    if not snapshot.actions:
        out.append(words["plan_none"])
    else:
        head = [
            "#",
            words["about"],
            words["what"],
            words["owner"],
            words["first_step"],
            words["kpi"],
            words["review"],
        ]
        out += [_row(head), _row(["---"] * len(head))]
        for action in snapshot.actions:
            about = (
                words["statement_ref"].format(id=md_text(action.item))
                if action.item is not None
                else words["area_ref"].format(area=md_text(action.area or ""))
            )
            out.append(
                _row(
                    [
                        action.id,
                        about,
                        md_text(action.what),
                        md_text(action.owner),
                        f"{md_text(action.first_step)} ({action.first_step_due.isoformat()})",
                        md_text(action.kpi),
                        action.review.isoformat(),
                    ]
                )
            )
    return out


def _hidden(group: GroupScores, lang: str, k: int) -> str:
    words = MD_WORDS[lang]
    if group.reason is Suppression.SUBTRACTION:
        return plural.render(words["subtraction"], lang, k=k)
    return plural.render(words["hidden"], lang, k=k)


_MD_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        "|": "\\|",
        "\\": "\\\\",
        "[": "\\[",
        "]": "\\]",
        "`": "\\`",
        "*": "\\*",
        "_": "\\_",
    }
)


def md_text(text: str) -> str:
    """Text for a Markdown line or table cell: shown as typed, never HTML, link or column."""
    return " ".join(text.split()).translate(_MD_ESCAPES)


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"
