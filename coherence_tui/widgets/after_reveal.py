"""Drawings of the after-the-reveal figures as Rich ``Text``: literal text, never markup.

Each function takes finished figures (``insights``, ``domain``) and draws them; the
screens decide which to show and when. Nothing here reads a session.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text

from coherence_tui.domain.chain import LINK_FACTORS, AreaChain
from coherence_tui.domain.compare import COMPARED_GROUPS, Comparison
from coherence_tui.domain.discussion import QueueEntry, percentages
from coherence_tui.domain.model import FACTORS, Factor, Level, Scale
from coherence_tui.domain.plan import Action
from coherence_tui.domain.predictions import PREDICTING_LEVELS, PredictionResult
from coherence_tui.domain.report import ItemFigures
from coherence_tui.i18n import t
from coherence_tui.output.textreport import gap_text, signed

BAR_STYLES = ("red3", "light_salmon3", "grey62", "sky_blue3", "dodger_blue3", "grey42")
"""Strongly disagree .. strongly agree, then don't know."""

BLOCK = "█"


def _factor(f: Factor, lang: str) -> str:
    return t(f"dash.factor.{f.value}", lang)


def _level(level: Level, lang: str) -> str:
    return t(f"dash.level.{level.value}", lang)


def distribution_bar(figures: ItemFigures, width: int) -> Text:
    """Five coloured segments and don't know, proportional to the answers, and the counts."""
    assert figures.distribution is not None
    counts = (*figures.distribution, figures.dont_know)
    shares = percentages(figures.distribution, figures.dont_know)
    bar = Text()
    cells = [round(p / 100 * width) for p in shares]
    for index, cell in enumerate(cells):
        if cell:
            bar.append(BLOCK * cell, style=BAR_STYLES[index])
    bar.append(" " * max(0, width - sum(cells)))
    bar.append("  " + " ".join(str(c) for c in counts[:5]) + f" | ?{counts[5]}")
    return bar


def legend(scale: Scale) -> Text:
    text = Text()
    for index, label in enumerate((*scale.labels, scale.dont_know)):
        text.append(BLOCK * 2, style=BAR_STYLES[index])
        text.append(f" {label}   ")
    return text


def entry_text(entry: QueueEntry, scale: Scale, lang: str, k: int, *, wide: bool) -> Text:
    """One statement of the queue in full: text, factor and area, bars, gap, prompts."""
    item = entry.item
    out = Text()
    head = f"{entry.rank}. {item.id} · {_factor(item.factor, lang)} · {item.area}"
    if item.reverse:
        head += f" {t('after.reversed', lang)}"
    out.append(head + "\n", style="bold")
    out.append(item.text + "\n\n", style="bold" if wide else "")
    width = 40 if wide else 24
    for level, figures in entry.levels.items():
        out.append(f"{_level(level, lang):<14}")
        if figures.published and figures.distribution is not None:
            out.append_text(distribution_bar(figures, width))
            pct = "–" if figures.dont_know_pct is None else f"{round(figures.dont_know_pct)} %"
            out.append(f"   {signed(figures.mean)}   {t('after.dont_know', lang, pct=pct)}")
        else:
            out.append(t("after.not_published", lang, k=k, n=figures.n), style="italic")
        out.append("\n")
    out.append_text(legend(scale))
    out.append("\n\n")
    if entry.ci90 is not None:
        gap = t(
            "after.gap_ci",
            lang,
            gap=signed(entry.gap),
            lo=signed(entry.ci90[0]),
            hi=signed(entry.ci90[1]),
        )
    else:
        gap = t("after.gap", lang, gap=signed(entry.gap))
    out.append(gap, style="bold")
    if entry.significant is not None:
        verdict = "after.significant" if entry.significant else "after.not_significant"
        out.append(f" · {t(verdict, lang)}", style="italic")
    out.append("\n")
    if item.prompts:
        out.append(f"\n{t('after.prompts', lang)}\n", style="bold")
        for prompt in item.prompts:
            out.append(f"  › {prompt}\n")
    return out


def queue_row(entry: QueueEntry) -> str:
    return f"{entry.rank:>2}. {entry.item.id:<9}{signed(entry.gap):>5}"


def predictions_text(results: Sequence[PredictionResult], lang: str, k: int) -> Text:
    """Per statement: each level's mean estimate against the front line's actual, as bars."""
    out = Text()
    width = 40
    for result in results:
        out.append(f"{result.item_id}  {result.text}\n", style="bold")
        for level in PREDICTING_LEVELS:
            name = _level(level, lang)
            estimate = result.estimates.get(level)
            if estimate is None:
                out.append(
                    "  " + t("after.predictions.hidden_level", lang, level=name) + "\n",
                    style="italic",
                )
            elif not estimate.published or estimate.mean is None:
                line = t("after.predictions.few", lang, level=name, n=estimate.count, k=k)
                out.append(f"  {line}\n", style="italic")
            else:
                cells = round(estimate.mean / 100 * width)
                label = t("after.predictions.estimate", lang, level=name)
                out.append(f"  {label:<26}")
                out.append(BLOCK * cells, style="orange3")
                out.append(f"{' ' * (width - cells)} {round(estimate.mean)} %\n")
        if result.actual is None:
            out.append("  " + t("after.predictions.no_actual", lang) + "\n", style="italic")
        else:
            cells = round(result.actual / 100 * width)
            out.append(f"  {t('after.predictions.actual', lang):<26}")
            out.append(BLOCK * cells, style="dodger_blue3")
            out.append(f"{' ' * (width - cells)} {round(result.actual)} %\n", style="bold")
        out.append("\n")
    return out


def chain_text(chains: Sequence[AreaChain], lang: str) -> Text:
    out = Text()
    head = f"{t('after.chain.area', lang):<16}" + "".join(
        f"{_factor(f, lang):>14}" for f in FACTORS
    )
    out.append(head + f"   {t('after.chain.breaks', lang)}\n", style="bold")
    for chain in chains:
        out.append(f"{chain.area:<16}")
        for f in FACTORS:
            value = chain.scores.get(f)
            out.append(f"{signed(value):>14}", style=_score_style(value))
        if chain.broken is None:
            out.append(f"   {t('after.chain.holds', lang)}\n", style="green")
        else:
            upper, lower = LINK_FACTORS[chain.broken]
            label = f"{_factor(upper, lang)} → {_factor(lower, lang)} ({signed(chain.drop)})"
            if not chain.confirmed:
                label += "?"
            out.append(f"   {label}\n", style="bold red")
    return out


def _score_style(value: float | None) -> str:
    if value is None:
        return "grey50"
    if value >= 50:
        return "bold dodger_blue2"
    if value < 0:
        return "bold red3"
    return ""


def _heat_cell(value: float | None, width: int) -> Text:
    if value is None:
        return Text(f"{'·':>{width}}", style="grey50")
    share = max(-1.0, min(1.0, value / 200))
    colour = "dodger_blue3" if share >= 0 else "red3"
    strength = abs(share)
    style = f"on {colour}" if strength >= 0.35 else (f"{colour}" if strength >= 0.1 else "")
    return Text(f"{signed(value):>{width}}", style=style)


def heat_text(
    level_heat: Mapping[Level, Mapping[str, float | None]],
    department_heat: Mapping[str, Mapping[Factor, float | None]],
    areas: Sequence[str],
    lang: str,
) -> Text:
    out = Text()
    out.append(t("after.heat.levels", lang) + "\n", style="bold")
    width = max(8, max((len(a) for a in areas), default=8) + 1)
    out.append(" " * 14 + "".join(f"{a[: width - 1]:>{width}}" for a in areas) + "\n")
    for level, row in level_heat.items():
        out.append(f"{_level(level, lang):<14}")
        for area in areas:
            out.append_text(_heat_cell(row.get(area), width))
        out.append("\n")
    out.append("\n" + t("after.heat.departments", lang) + "\n", style="bold")
    if not department_heat:
        out.append(t("after.heat.none_departments", lang) + "\n", style="italic")
        return out
    out.append(" " * 20 + "".join(f"{_factor(f, lang):>14}" for f in FACTORS) + "\n")
    for name, by_factor in department_heat.items():
        out.append(f"{name[:19]:<20}")
        for f in FACTORS:
            out.append_text(_heat_cell(by_factor.get(f), 14))
        out.append("\n")
    return out


def comparison_text(comparison: Comparison, lang: str) -> Text:
    from coherence_tui.i18n.groups import group_label

    out = Text()
    out.append(
        t(
            "after.compare.change",
            lang,
            earlier=comparison.earlier,
            session=comparison.session,
        )
        + "\n\n",
        style="bold",
    )
    out.append(f"{t('after.compare.group', lang):<22}", style="bold")
    for f in FACTORS:
        out.append(f"{_factor(f, lang):>22}", style="bold")
    out.append(f"{t('after.compare.overall', lang):>10}\n", style="bold")
    for group in COMPARED_GROUPS:
        out.append(f"{group_label(group, lang)[:21]:<22}")
        for change in comparison.changes:
            if change.group != group:
                continue
            style = ""
            if change.significant:
                style = "bold dodger_blue2" if (change.change or 0) > 0 else "bold red3"
            out.append(f"{gap_text(change.change, change.ci90):>22}", style=style)
        out.append(f"{signed(comparison.overall.get(group)):>10}\n")
    return out


def action_text(action: Action, lang: str, *, big: bool = False) -> Text:
    about = (
        t("after.plan.about_item", lang, id=action.item)
        if action.item is not None
        else t("after.plan.about_area", lang, area=action.area)
    )
    out = Text()
    out.append(f"{action.id}  ", style="bold")
    out.append(action.what, style="bold" if big else "")
    out.append(f"  ({about})\n", style="italic")
    out.append(f"     {t('after.plan.owner', lang)}: {action.owner}\n")
    out.append(
        f"     {t('after.plan.first_step', lang, date=action.first_step_due.isoformat())}: "
        f"{action.first_step}\n"
    )
    out.append(
        f"     {t('after.plan.kpi', lang)}: {action.kpi} · "
        f"{t('after.plan.review', lang, date=action.review.isoformat())}\n"
    )
    return out
