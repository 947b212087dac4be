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
from coherence_tui.domain.model import FACTORS
from coherence_tui.domain.report import r2, r2_interval
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
        from coherence_tui.output.markdown import to_markdown

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
