"""The pieces of the client report: its stylesheet and content policy, escaping, and the
small SVG figures (stool, gaps) and HTML blocks (answer distributions, heat colours)
that ``html_report`` puts together. Everything a participant or facilitator typed is
escaped (``_e``): shown as typed, never markup."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from coherence_tui.domain.discussion import percentages
from coherence_tui.domain.model import FACTORS
from coherence_tui.domain.report import GroupScores, ItemFigures
from coherence_tui.output.textreport import (
    FACTOR_LABELS,
    STATE_LABELS,
    gap_text,
    margin_text,
    signed,
    state_text,
)

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
"""Nothing may be fetched: the page holds everything it shows."""

BAR_COLOURS = ("#b2182b", "#ef8a62", "#d9d9d9", "#67a9cf", "#2166ac", "#8c8c8c")
"""Strongly disagree .. strongly agree, then don't know (a diverging, print-safe palette)."""

STYLE = """
:root { --ink: #1b1b1b; --muted: #5c5c5c; --line: #cfcfcf; --good: #2166ac; --bad: #b2182b; }
* { box-sizing: border-box; }
body { font: 11pt/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: var(--ink); margin: 0 auto; max-width: 60rem; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
h2 { font-size: 1.2rem; border-bottom: 2px solid var(--ink); padding-bottom: .2rem;
     margin-top: 2rem; break-after: avoid; }
h3 { font-size: 1rem; margin: 1rem 0 .3rem; break-after: avoid; }
p.meta, p.note { color: var(--muted); margin: .2rem 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; font-size: .92rem; }
th, td { border-bottom: 1px solid var(--line); padding: .25rem .4rem; text-align: left;
         vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.hidden { color: var(--muted); font-style: italic; }
section.item, section.block { break-inside: avoid; page-break-inside: avoid; }
section.item { border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem;
               margin: .8rem 0; }
blockquote { margin: .3rem 0 .5rem; padding-left: .7rem; border-left: 4px solid var(--line); }
.bar { display: flex; height: 1.1rem; width: 100%; border: 1px solid var(--line); }
.bar span { display: block; height: 100%; }
.legend span { display: inline-block; margin-right: .8rem; font-size: .85rem; }
.legend i { display: inline-block; width: .8rem; height: .8rem; margin-right: .25rem;
            vertical-align: -1px; }
ul.prompts { margin: .3rem 0 0 1.2rem; padding: 0; }
.heat td.num { min-width: 3rem; }
.heat table { font-size: .72rem; }
.heat th { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; }
.heat th:first-child { writing-mode: horizontal-tb; transform: none; }
svg { max-width: 100%; height: auto; }
svg text { font: 11px system-ui, sans-serif; fill: var(--ink); }
@page { size: A4; margin: 14mm; }
@media print {
  body { padding: 0; max-width: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-before: auto; }
  section.item { border-color: #999; }
}
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _heat_colour(value: float | None) -> str:
    """Red below 0 through white to blue above, for a score on -200..+200."""
    if value is None:
        return "#ffffff"
    share = max(-1.0, min(1.0, value / 200))
    if share >= 0:
        r, g, b = (int(255 - (255 - c) * share) for c in (33, 102, 172))
    else:
        r, g, b = (int(255 - (255 - c) * -share) for c in (178, 24, 43))
    return f"#{r:02x}{g:02x}{b:02x}"


def _stool_svg(group: GroupScores, lang: str) -> str:
    """Three legs proportional to the factor scores, the seat with the overall score."""
    labels = FACTOR_LABELS.get(lang, FACTOR_LABELS["en"])
    states = STATE_LABELS.get(lang, STATE_LABELS["en"])
    width, height, floor = 420, 230, 190
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="stool">',
        '<rect x="60" y="20" width="300" height="26" rx="6" fill="#444"/>',
        f'<text x="210" y="38" text-anchor="middle" style="fill:#fff;font-weight:bold">'
        f"{_e(signed(group.overall))} · {_e(state_text(group, states))}</text>",
    ]
    for index, factor in enumerate(FACTORS):
        score = group.factors.get(factor)
        x = 90 + index * 120
        length = 0 if score is None else max(4, (max(-200, min(200, score)) + 200) / 400 * 140)
        parts.append(
            f'<rect x="{x - 8}" y="{46}" width="16" height="{length:.1f}" fill="#7a5230"/>'
        )
        parts.append(
            f'<text x="{x}" y="{floor + 14}" text-anchor="middle">{_e(labels[factor])}</text>'
        )
        parts.append(
            f'<text x="{x}" y="{floor + 30}" text-anchor="middle" style="font-weight:bold">'
            f"{_e(margin_text(score, group.ci90.get(factor)))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _gap_svg(factors: Iterable[tuple[str, float | None, tuple[float, float] | None]]) -> str:
    """Horizontal bars from 0 on a -200..+200 axis, the 90 % interval as a whisker."""
    rows = list(factors)
    width, label_w, row_h = 640, 110, 26
    plot_w = width - label_w - 160
    height = row_h * len(rows) + 24

    def x_of(value: float) -> float:
        return label_w + (max(-200.0, min(200.0, value)) + 200) / 400 * plot_w

    zero = x_of(0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img">',
        f'<line x1="{zero:.1f}" y1="4" x2="{zero:.1f}" y2="{height - 16}" stroke="#888"/>',
        f'<text x="{x_of(-200):.1f}" y="{height - 4}">-200</text>',
        f'<text x="{zero - 4:.1f}" y="{height - 4}">0</text>',
        f'<text x="{x_of(200) - 26:.1f}" y="{height - 4}">+200</text>',
    ]
    for index, (label, value, interval) in enumerate(rows):
        y = 6 + index * row_h
        parts.append(f'<text x="0" y="{y + 14}">{_e(label)}</text>')
        if value is None:
            parts.append(f'<text x="{zero + 6:.1f}" y="{y + 14}" class="hidden">–</text>')
            continue
        left, right = sorted((zero, x_of(value)))
        colour = "#2166ac" if value >= 0 else "#b2182b"
        parts.append(
            f'<rect x="{left:.1f}" y="{y + 3}" width="{max(1.0, right - left):.1f}" '
            f'height="14" fill="{colour}"/>'
        )
        if interval is not None:
            lo, hi = x_of(interval[0]), x_of(interval[1])
            mid = y + 10
            parts.append(
                f'<line x1="{lo:.1f}" y1="{mid}" x2="{hi:.1f}" y2="{mid}" stroke="#111" '
                'stroke-width="1.5"/>'
            )
        parts.append(
            f'<text x="{label_w + plot_w + 8}" y="{y + 14}">{_e(gap_text(value, interval))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _distribution_html(figures: ItemFigures, scale_labels: list[str]) -> str:
    assert figures.distribution is not None
    counts = (*figures.distribution, figures.dont_know)
    shares = percentages(figures.distribution, figures.dont_know)
    spans = "".join(
        f'<span style="width:{pct:.2f}%;background:{BAR_COLOURS[i]}" '
        f'title="{_e(scale_labels[i])}: {counts[i]}"></span>'
        for i, pct in enumerate(shares)
        if pct > 0
    )
    text = " · ".join(f"{c} ({round(p)} %)" for c, p in zip(counts, shares, strict=True))
    return f'<div class="bar">{spans}</div><div class="note">{_e(text)}</div>'


def _legend(scale_labels: list[str]) -> str:
    keys = "".join(
        f'<span><i style="background:{BAR_COLOURS[i]}"></i>{_e(label)}</span>'
        for i, label in enumerate(scale_labels)
    )
    return f'<p class="legend">{keys}</p>'
