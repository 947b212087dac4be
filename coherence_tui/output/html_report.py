"""The client report: one self-contained HTML file that prints well to PDF.

``export --format html`` (and the facilitator menu) write it. Everything the page
needs is inside it: inline CSS and inline SVG, no script, no font, no image file,
no link to fetch; a Content-Security-Policy of ``default-src 'none'`` tells the
browser to fetch nothing even so. Every text that comes from the session or its
questionnaire (names, statements, prompts, actions) goes through ``html.escape``:
text is data, never markup.

It shows what the Markdown export shows (the same figures, counted over everyone,
with the same anonymity rules), drawn: the stool, the gap charts, the discussion
queue with its answer distributions, the prediction round, the chain per area, the
heat maps and the action plan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from coherence_tui.domain.chain import AreaChain
from coherence_tui.domain.model import FACTORS, LEVELS, Factor, Level
from coherence_tui.domain.predictions import PREDICTING_LEVELS
from coherence_tui.domain.recommend import LEVEL_NAMES
from coherence_tui.domain.report import ALL
from coherence_tui.i18n import interface_language, plural
from coherence_tui.output.html_parts import (
    CSP,
    STYLE,
    _distribution_html,
    _e,
    _gap_svg,
    _heat_colour,
    _legend,
    _stool_svg,
)
from coherence_tui.output.textreport import (
    FACTOR_LABELS,
    STATE_LABELS,
    margin_text,
    percent,
    signed,
    state_text,
)
from coherence_tui.output.words import MD_WORDS, group_label, link_label
from coherence_tui.services.insights import AfterReveal, after_reveal, snapshot_tally
from coherence_tui.storage.store import SessionSnapshot


def to_html(snapshot: SessionSnapshot, *, lang: str | None = None) -> str:
    """The client report of a session as one HTML document (a string)."""
    lang = interface_language(lang or snapshot.settings.language or snapshot.questionnaire.language)
    words = MD_WORDS.get(lang, MD_WORDS["en"])
    factors = FACTOR_LABELS.get(lang, FACTOR_LABELS["en"])
    states = STATE_LABELS.get(lang, STATE_LABELS["en"])
    names = LEVEL_NAMES.get(lang, LEVEL_NAMES["en"])
    tally = snapshot_tally(snapshot, lang=lang)
    report = tally.report()
    after = after_reveal(tally, report, snapshot.predictions)
    k = report.k
    q = snapshot.questionnaire
    scale_labels = [*q.scale.labels, q.scale.dont_know]
    counts = " · ".join(
        f"{_e(names[lv].capitalize())} {report.groups[lv.value].n}" for lv in LEVELS
    )
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{_e(lang)}"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(words['title'])}: {_e(snapshot.name)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>{_e(words['title'])}: {_e(snapshot.name)}</h1>",
        f'<p class="meta">{_e(words["session"])}: {_e(snapshot.name)} '
        f"({_e(snapshot.created_at[:10])}) · {_e(words['questionnaire'])}: {_e(q.title)} "
        f"({_e(q.id)} v{_e(q.version)})</p>",
        f'<p class="meta">{_e(words["participants"])}: {counts} · '
        f"{_e(plural.render(words['answers'], lang, n=report.answers))}</p>",
        f'<p class="meta">{_e(plural.render(words["k_note"], lang, k=k))}</p>',
        f'<section class="block" id="stool"><h2>{_e(words["stool"])}</h2>',
    ]
    whole = report.groups[ALL]
    if whole.has_scores:
        out.append(_stool_svg(whole, lang))
    else:
        out.append(f'<p class="hidden">{_e(plural.render(words["hidden"], lang, k=k))}</p>')
    out.append("</section>")
    # Scores by group.
    out.append(f'<section class="block" id="groups"><h2>{_e(words["groups"])}</h2><table>')
    out.append(
        "<tr><th>"
        + _e(words["group"])
        + '</th><th class="num">n</th>'
        + "".join(f'<th class="num">{_e(factors[f])}</th>' for f in FACTORS)
        + f'<th class="num">{_e(words["overall"])}</th><th>{_e(words["state"])}</th></tr>'
    )
    for key, group in report.groups.items():
        label = _e(group_label(key, lang))
        if group.suppressed:
            out.append(
                f'<tr><td>{label}</td><td class="num">{group.n}</td>'
                f'<td colspan="5" class="hidden">'
                f"{_e(plural.render(words['hidden'], lang, k=k))}</td></tr>"
            )
            continue
        cells = "".join(
            f'<td class="num">{_e(margin_text(group.factors.get(f), group.ci90.get(f)))}</td>'
            for f in FACTORS
        )
        out.append(
            f'<tr><td>{label}</td><td class="num">{group.n}</td>{cells}'
            f'<td class="num">{_e(signed(group.overall))}</td>'
            f"<td>{_e(state_text(group, states))}</td></tr>"
        )
    out.append("</table></section>")
    # Gap charts.
    out.append(f'<section class="block" id="gaps"><h2>{_e(words["gaps"])}</h2>')
    for gap in report.gaps.values():
        title = f"{names[gap.a].capitalize()} − {names[gap.b]}"
        out.append(f"<h3>{_e(title)}</h3>")
        if gap.suppressed:
            out.append(f'<p class="hidden">{_e(plural.render(words["hidden"], lang, k=k))}</p>')
        else:
            out.append(_gap_svg((factors[f], gap.factors.get(f), gap.ci90.get(f)) for f in FACTORS))
    out.append("</section>")
    # Recommendations.
    out.append(
        f'<section class="block" id="recommendations"><h2>{_e(words["recommendations"])}</h2>'
    )
    if report.recommendations:
        out.append("<ol>")
        for rec in report.recommendations:
            cited = "".join(f"<li>{_e(item_id)}: “{_e(text)}”</li>" for item_id, text in rec.items)
            out.append(f"<li>{_e(rec.text)}" + (f"<ul>{cited}</ul>" if cited else "") + "</li>")
        out.append("</ol>")
    else:
        out.append(f"<p>{_e(words['none'])}</p>")
    out.append("</section>")
    out += _queue_html(after, words, factors, names, scale_labels, k, lang)
    out += _predictions_html(after, snapshot, words, names, k, lang)
    out += _chains_html(after.chains.get(ALL, ()), after, snapshot, words, factors, names, lang)
    out += _plan_html(snapshot, words)
    out.append(f'<p class="note">{_e(words["footer"])}</p>')
    out.append("</body></html>\n")
    return "\n".join(out)


def _queue_html(
    after: AfterReveal,
    words: dict[str, str],
    factors: dict[Factor, str],
    names: dict[Level, str],
    scale_labels: list[str],
    k: int,
    lang: str,
) -> list[str]:
    out = [f'<section id="queue"><h2>{_e(words["queue"])}</h2>']
    if not after.queue:
        out.append(f"<p>{_e(words['queue_empty'])}</p>")
    else:
        out.append(_legend(scale_labels))
    for entry in after.queue:
        item = entry.item
        mark = f" {words['reversed']}" if item.reverse else ""
        out.append(f'<section class="item" data-item="{_e(item.id)}">')
        out.append(
            f"<h3>{entry.rank}. {_e(item.id)}{_e(mark)} · {_e(factors[item.factor])} · "
            f"{_e(item.area)}</h3>"
        )
        out.append(f"<blockquote>{_e(item.text)}</blockquote><table>")
        for level, figures in entry.levels.items():
            if figures.published and figures.distribution is not None:
                cell = _distribution_html(figures, scale_labels)
                mean = _e(signed(figures.mean))
            else:
                cell = (
                    f'<span class="hidden">'
                    f"{_e(plural.render(words['not_published'], lang, k=k))}</span>"
                )
                mean = ""
            out.append(
                f'<tr><td style="width:9rem">{_e(names[level].capitalize())}</td>'
                f'<td>{cell}</td><td class="num">{mean}</td></tr>'
            )
        out.append("</table>")
        if entry.ci90 is not None:
            line = words["gap_line"].format(
                gap=signed(entry.gap), lo=signed(entry.ci90[0]), hi=signed(entry.ci90[1])
            )
        else:
            line = words["gap_line_short"].format(gap=signed(entry.gap))
        out.append(f'<p class="gap"><strong>{_e(line)}</strong></p>')
        if item.prompts:
            prompts = "".join(f"<li>{_e(p)}</li>" for p in item.prompts)
            out.append(f'<p>{_e(words["prompts"])}:</p><ul class="prompts">{prompts}</ul>')
        out.append("</section>")
    out.append("</section>")
    return out


def _predictions_html(
    after: AfterReveal,
    snapshot: SessionSnapshot,
    words: dict[str, str],
    names: dict[Level, str],
    k: int,
    lang: str,
) -> list[str]:
    out = [f'<section class="block" id="predictions"><h2>{_e(words["predictions"])}</h2>']
    if not snapshot.settings.prediction_round or not after.predictions:
        out.append(f"<p>{_e(words['predictions_none'])}</p></section>")
        return out
    head = "".join(
        f'<th class="num">{_e(words["estimate"].format(level=names[lv].capitalize()))}</th>'
        for lv in PREDICTING_LEVELS
    )
    out.append(
        f"<table><tr><th>ID</th><th>{_e(words['item'])}</th>{head}"
        f'<th class="num">{_e(words["actual"])}</th></tr>'
    )
    for result in after.predictions:
        cells = []
        for level in PREDICTING_LEVELS:
            estimate = result.estimates.get(level)
            if estimate is None:
                cells.append(
                    f'<td class="num hidden">{_e(plural.render(words["hidden"], lang, k=k))}</td>'
                )
            elif not estimate.published:
                text = plural.render(words["estimate_hidden"], lang, n=estimate.count, k=k)
                cells.append(f'<td class="num hidden">{_e(text)}</td>')
            else:
                cells.append(f'<td class="num">{_e(percent(estimate.mean))}</td>')
        mark = f" {words['reversed']}" if result.reverse else ""
        out.append(
            f"<tr><td>{_e(result.item_id)}</td><td>{_e(result.text)}{_e(mark)}</td>"
            f'{"".join(cells)}<td class="num"><strong>{_e(percent(result.actual))}'
            "</strong></td></tr>"
        )
    out.append("</table></section>")
    return out


def _chains_html(
    chains: tuple[AreaChain, ...],
    after: AfterReveal,
    snapshot: SessionSnapshot,
    words: dict[str, str],
    factors: dict[Factor, str],
    names: dict[Level, str],
    lang: str,
) -> list[str]:
    out = [f'<section class="block" id="chains"><h2>{_e(words["chains"])}</h2>']
    if not chains:
        out.append(f"<p>{_e(words['chains_none'])}</p>")
    else:
        out.append(
            f"<table><tr><th>{_e(words['area'])}</th>"
            + "".join(f'<th class="num">{_e(factors[f])}</th>' for f in FACTORS)
            + f"<th>{_e(words['breaks'])}</th></tr>"
        )
        for chain in chains:
            broken = ""
            if chain.broken is not None:
                broken = f"{link_label(chain.broken, lang)} ({signed(chain.drop)})"
                broken += "" if chain.confirmed else words["unconfirmed"]
            cells = "".join(
                f'<td class="num">{_e(signed(chain.scores.get(f)))}</td>' for f in FACTORS
            )
            out.append(f"<tr><td>{_e(chain.area)}</td>{cells}<td>{_e(broken)}</td></tr>")
        out.append("</table>")
    out.append("</section>")
    areas = snapshot.questionnaire.area_tags
    if after.level_heat:
        out += _heat_table(
            "heat-levels",
            words["heat_levels"],
            words["level"],
            [(a, a) for a in areas],
            [(names[level].capitalize(), row) for level, row in after.level_heat.items()],
        )
    if after.department_heat:
        out += _heat_table(
            "heat-departments",
            words["heat_departments"],
            words["department"],
            [(f, factors[f]) for f in FACTORS],
            list(after.department_heat.items()),
        )
    return out


def _plan_html(snapshot: SessionSnapshot, words: dict[str, str]) -> list[str]:
    out = [f'<section class="block" id="plan"><h2>{_e(words["plan"])}</h2>']
    if not snapshot.actions:
        out.append(f"<p>{_e(words['plan_none'])}</p></section>")
        return out
    heads = ("about", "what", "owner", "first_step", "kpi", "review")
    out.append(
        "<table><tr><th>#</th>" + "".join(f"<th>{_e(words[h])}</th>" for h in heads) + "</tr>"
    )
    for action in snapshot.actions:
        about = (
            words["statement_ref"].format(id=action.item)
            if action.item is not None
            else words["area_ref"].format(area=action.area or "")
        )
        out.append(
            f"<tr><td>{_e(action.id)}</td><td>{_e(about)}</td><td>{_e(action.what)}</td>"
            f"<td>{_e(action.owner)}</td><td>{_e(action.first_step)} "
            f"({_e(action.first_step_due.isoformat())})</td><td>{_e(action.kpi)}</td>"
            f"<td>{_e(action.review.isoformat())}</td></tr>"
        )
    out.append("</table></section>")
    return out


def _heat_table(
    section_id: str,
    title: str,
    corner: str,
    columns: Sequence[tuple[Any, str]],
    rows: Sequence[tuple[str, Mapping[Any, float | None]]],
) -> list[str]:
    """One heat map: a row per group, a cell per column coloured by its figure."""
    out = [
        f'<section class="block heat" id="{section_id}"><h2>{_e(title)}</h2>'
        f"<table><tr><th>{_e(corner)}</th>"
        + "".join(f'<th class="num">{_e(label)}</th>' for _, label in columns)
        + "</tr>"
    ]
    for label, row in rows:
        cells = "".join(
            f'<td class="num" style="background:{_heat_colour(row.get(key))}">'
            f"{_e(signed(row.get(key)))}</td>"
            for key, _ in columns
        )
        out.append(f"<tr><td>{_e(label)}</td>{cells}</tr>")
    out.append("</table></section>")
    return out
