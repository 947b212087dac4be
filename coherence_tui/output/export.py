"""JSON, CSV and Markdown exports of a session.

- JSON: the whole session for an analyst: settings (never the PIN hash), the
  frozen questionnaire, every participant by anonymous code, every answer,
  and the report. Participants and answers are ordered by code and item, never
  by time; answer times only with ``timestamps=True``.
- CSV: one row per recorded answer, ``participant,level,department,item,value``
  (``value`` empty for don't know), ordered by participant code then item id.
  A text cell that a spreadsheet would take for a formula (it begins with
  ``= + - @``, TAB or CR) gets a leading apostrophe, as OWASP recommends; the
  value column holds plain integers and is never changed.
- Markdown: a readable workshop report to paste into a client e-mail. Names and
  statements are text, never markup: HTML, ``|`` and link brackets are escaped.
- After the reveal (issue 10): JSON and Markdown also carry the discussion queue,
  the prediction round (results k-safe; the JSON's raw estimates by anonymous code,
  like its answers), the chain per area, the heat maps and the action plan;
  ``actions-csv`` is the action plan alone as CSV (text cells neutralised like the
  answers'); ``html`` is the client report (``html_report``).

Exports count every answer (finished participants or not) and apply the
anonymity rule exactly like ``report``. The raw rows (CSV, and the JSON
export's participants) leave the department blank for anyone whose (level,
department) cell holds fewer than ``k`` counting participants, unless
``identifiable=True``.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import orjson

from coherence_tui.domain.counting import counts
from coherence_tui.domain.disclosure import Suppression
from coherence_tui.domain.discussion import percentages
from coherence_tui.domain.model import FACTORS, LEVELS, Level
from coherence_tui.domain.recommend import LEVEL_NAMES
from coherence_tui.domain.report import ALL, GroupScores, ItemFigures, Report, r2, r2_interval
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
from coherence_tui.services.insights import AfterReveal, after_reveal, snapshot_tally
from coherence_tui.storage.fileio import make_private_directory
from coherence_tui.storage.store import SessionSnapshot

ExportFormat = Literal["json", "csv", "md", "html", "actions-csv"]
FORMATS: tuple[ExportFormat, ...] = ("json", "csv", "md", "html", "actions-csv")
CSV_HEADER = ("participant", "level", "department", "item", "value")
ACTIONS_CSV_HEADER = (
    "id",
    "item",
    "area",
    "what",
    "owner",
    "first_step",
    "first_step_due",
    "kpi",
    "review",
    "recorded",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet reads as the start of a formula (OWASP, CSV injection)."""


def csv_text(cell: str) -> str:
    """A text cell no spreadsheet runs: a leading apostrophe before a formula character."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def counting_codes(snapshot: SessionSnapshot) -> frozenset[str]:
    """Participants who count (``domain.counting``: at least one answer, finished or not)."""
    answered = frozenset(a.participant for a in snapshot.answers)
    return frozenset(p.code for p in snapshot.participants if counts(p, answered))


def blanked_departments(snapshot: SessionSnapshot) -> frozenset[str]:
    """Codes whose department the raw rows leave blank: their (level, department) cell
    holds fewer than ``k`` counting participants, so the department would point at them."""
    counting = counting_codes(snapshot)
    cells = Counter(
        (p.level, p.department)
        for p in snapshot.participants
        if p.department is not None and p.code in counting
    )
    k = snapshot.settings.k
    return frozenset(
        p.code
        for p in snapshot.participants
        if p.department is not None and cells[(p.level, p.department)] < k
    )


def snapshot_report(snapshot: SessionSnapshot, *, lang: str | None = None) -> Report:
    """The report of every answer in a snapshot (what ``report`` prints)."""
    return snapshot_tally(snapshot, lang=lang).report()


def render(
    snapshot: SessionSnapshot,
    fmt: ExportFormat,
    *,
    timestamps: bool = False,
    lang: str | None = None,
    identifiable: bool = False,
) -> str:
    """The export as text: full JSON, answer CSV, or a Markdown workshop report.

    ``identifiable`` keeps every department in the raw rows (see the module docstring).
    """
    if fmt == "json":
        return to_json(snapshot, timestamps=timestamps, lang=lang, identifiable=identifiable)
    if fmt == "csv":
        return to_csv(snapshot, timestamps=timestamps, identifiable=identifiable)
    if fmt == "md":
        return to_markdown(snapshot, lang=lang)
    if fmt == "actions-csv":
        return actions_csv(snapshot)
    if fmt == "html":
        from coherence_tui.output.html_report import to_html

        return to_html(snapshot, lang=lang)
    raise ValueError(f"unknown export format {fmt!r}")


def default_export_path(snapshot: SessionSnapshot, fmt: ExportFormat | Literal["svg"]) -> Path:
    """Where the facilitator menu saves an export: ``exports/`` beside the session file.

    A subfolder, so a JSON export is never mistaken for a session by the resume list;
    it is created if missing.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    folder = snapshot.path.parent / "exports"
    make_private_directory(folder)
    suffix = "actions.csv" if fmt == "actions-csv" else fmt
    return folder / f"{snapshot.path.stem}-{stamp}.{suffix}"


def _answers_sorted(snapshot: SessionSnapshot) -> list[Any]:
    return sorted(snapshot.answers, key=lambda a: (a.participant, a.item))


def to_json(
    snapshot: SessionSnapshot,
    *,
    timestamps: bool = False,
    lang: str | None = None,
    identifiable: bool = False,
) -> str:
    settings = snapshot.settings
    blank = frozenset() if identifiable else blanked_departments(snapshot)
    counting = counting_codes(snapshot)
    questionnaire = snapshot.questionnaire.model_dump(mode="json")
    answers = []
    for a in _answers_sorted(snapshot):
        row: dict[str, Any] = {"participant": a.participant, "item": a.item, "value": a.value}
        if timestamps:
            row["answered_at"] = a.answered_at
        answers.append(row)
    tally = snapshot_tally(snapshot, lang=lang)
    report = tally.report()
    after = after_reveal(tally, report, snapshot.predictions)
    document = {
        "format": "coherence-tui-export",
        "format_version": 1,
        "session": {
            "name": snapshot.name,
            "created_at": snapshot.created_at,
            "k": settings.k,
            "departments": list(settings.departments),
            "update_rule": settings.update_rule.value,
            "ended": snapshot.state.ended,
            "archived": snapshot.state.archived,
            "prediction_round": settings.prediction_round,
        },
        "questionnaire": questionnaire,
        "participants": [
            {
                "code": p.code,
                "level": p.level.value,
                "department": None if p.code in blank else p.department,
                "finished": p.finished,
                "counted": p.code in counting,
            }
            for p in sorted(snapshot.participants, key=lambda p: p.code)
        ],
        "answers": answers,
        "predictions": [
            {"participant": p.participant, "item": p.item, "value": p.value}
            for p in snapshot.predictions
        ],
        "report": report.to_json(),
        **after_reveal_json(after),
        "actions": [a.model_dump(mode="json") for a in snapshot.actions],
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n"


def to_csv(
    snapshot: SessionSnapshot, *, timestamps: bool = False, identifiable: bool = False
) -> str:
    people = {p.code: p for p in snapshot.participants}
    blank = frozenset() if identifiable else blanked_departments(snapshot)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER + (("answered_at",) if timestamps else ()))
    for a in _answers_sorted(snapshot):
        who = people[a.participant]
        department = "" if a.participant in blank else who.department or ""
        row = [
            csv_text(a.participant),
            who.level.value,
            csv_text(department),
            csv_text(a.item),
            "" if a.value is None else str(a.value),  # a number: never prefixed
        ]
        if timestamps:
            row.append(csv_text(a.answered_at))
        writer.writerow(row)
    return out.getvalue()


def _interval_json(interval: tuple[float, float] | None) -> list[float] | None:
    return r2_interval(interval)


def after_reveal_json(after: AfterReveal) -> dict[str, Any]:
    """The discussion queue, prediction results, chains and heat maps (k-safe) as JSON.

    A distribution is ``[strongly disagree .. strongly agree]`` as answered (before
    reversing) with ``dont_know`` beside it; only for published items of publishable levels.
    """
    queue = []
    for entry in after.queue:
        levels = {}
        for level, figures in entry.levels.items():
            row: dict[str, Any] = {"n": figures.n, "real": figures.real}
            if figures.published and figures.distribution is not None:
                row["distribution"] = list(figures.distribution)
                row["dont_know"] = figures.dont_know
                row["dont_know_pct"] = r2(figures.dont_know_pct)
                row["mean"] = r2(figures.mean)
            levels[level.value] = row
        queue.append(
            {
                "rank": entry.rank,
                "item": entry.item.id,
                "text": entry.item.text,
                "factor": entry.item.factor.value,
                "area": entry.item.area,
                "reverse": entry.item.reverse,
                "gap": r2(entry.gap),
                "ci90": _interval_json(entry.ci90),
                "significant": entry.significant,
                "prompts": list(entry.item.prompts),
                "levels": levels,
            }
        )
    predictions = []
    for result in after.predictions:
        estimates = {}
        for level, estimate in result.estimates.items():
            est: dict[str, Any] = {"count": estimate.count, "published": estimate.published}
            if estimate.published:
                est["mean"] = r2(estimate.mean)
                est["gap"] = r2(estimate.gap)
            estimates[level.value] = est
        predictions.append(
            {
                "item": result.item_id,
                "text": result.text,
                "reverse": result.reverse,
                "actual_front_line_favourable_pct": r2(result.actual),
                "estimates": estimates,
            }
        )
    chains = {
        group: [
            {
                "area": c.area,
                "scores": {f.value: r2(c.scores.get(f)) for f in FACTORS},
                "broken": None if c.broken is None else c.broken.value,
                "drop": r2(c.drop),
                "confirmed": c.confirmed,
            }
            for c in found
        ]
        for group, found in after.chains.items()
    }
    return {
        "discussion_queue": queue,
        "prediction_results": predictions,
        "area_chains": chains,
        "heat_maps": {
            "level_area": {
                level.value: {area: r2(v) for area, v in row.items()}
                for level, row in after.level_heat.items()
            },
            "department_factor": {
                name: {f.value: r2(row.get(f)) for f in FACTORS}
                for name, row in after.department_heat.items()
            },
        },
    }


def actions_csv(snapshot: SessionSnapshot) -> str:
    """The action plan, one row per action, text cells neutralised (``csv_text``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ACTIONS_CSV_HEADER)
    for action in snapshot.actions:
        row = action.model_dump(mode="json")
        writer.writerow([csv_text(str(row[key] or "")) for key in ACTIONS_CSV_HEADER])
    return out.getvalue()


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
