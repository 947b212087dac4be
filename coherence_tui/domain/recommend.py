"""Recommendations: where to intervene first, from the figures of a report.

Each rule has a stable id, fires from thresholds that live with the
questionnaire, carries the figures that triggered it and a sentence in the
session's language (English or Polish). Rules never look at a suppressed
group, so a recommendation cannot leak what the anonymity rule hides.

Order, most important first: ``executive_disconnect`` (the top does not see
what the front line sees), ``promise_gap``, ``execution_gap``,
``weakest_leg``, ``divided_level``, ``largest_item_gaps``, ``lowest_items``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from coherence_tui.domain.model import FACTORS, Factor, Level, Thresholds
from coherence_tui.domain.report import ALL, GroupScores, ItemScores, Recommendation, r2

Spread = Mapping[Level, Mapping[Factor, float | None]]
"""Per unsuppressed level: population SD of its participants' own factor scores."""

FACTOR_NAMES: dict[str, dict[Factor, str]] = {
    "en": {
        Factor.DECLARATIONS: "declarations",
        Factor.RESOURCES: "resources",
        Factor.BEHAVIOURS: "behaviours",
    },
    "pl": {
        Factor.DECLARATIONS: "deklaracje",
        Factor.RESOURCES: "zasoby",
        Factor.BEHAVIOURS: "zachowania",
    },
}

LEVEL_NAMES: dict[str, dict[Level, str]] = {
    "en": {Level.BOARD: "board", Level.MANAGEMENT: "management", Level.FRONT_LINE: "front line"},
    "pl": {
        Level.BOARD: "zarząd",
        Level.MANAGEMENT: "kadra kierownicza",
        Level.FRONT_LINE: "pierwsza linia",
    },
}

_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "executive_disconnect": (
            "Executive disconnect: the board and the front line differ by {gap} on "
            "{factor}. Put both in one room with the evidence before any new initiative."
        ),
        "promise_gap": (
            "Promise gap: declarations ({declarations}) outrun resources "
            "({resources}) by {gap}. Fund and equip what has been promised, or "
            "promise less."
        ),
        "execution_gap": (
            "Execution gap: resources ({resources}) are not turning into behaviours "
            "({behaviours}), a gap of {gap}. Look at habits, coaching and "
            "recognition rather than more tools."
        ),
        "weakest_leg": (
            "Weakest leg: {factor} ({score}). Intervene here first: the stool is only "
            "as steady as its shortest leg."
        ),
        "divided_level": (
            "Divided level: {level} disagrees widely among themselves on {factor} "
            "(spread {sd}). Find out which teams see it differently before acting."
        ),
        "largest_item_gaps": (
            "Largest board - front line gaps: {items}. Discuss these statements with both "
            "levels present."
        ),
        "lowest_items": "Lowest-rated statements: {items}. Quick wins are most likely here.",
    },
    "pl": {
        "executive_disconnect": (
            "Rozdźwięk na szczycie: zarząd i pierwsza linia różnią się o {gap} w obszarze "
            "„{factor}”. Zanim ruszy nowa inicjatywa, posadźcie obie strony przy jednym stole "
            "z tymi danymi."
        ),
        "promise_gap": (
            "Luka obietnic: deklaracje ({declarations}) wyprzedzają zasoby "
            "({resources}) o {gap}. Zapewnijcie środki na to, co obiecano, albo "
            "obiecujcie mniej."
        ),
        "execution_gap": (
            "Luka wykonania: zasoby ({resources}) nie przekładają się na zachowania "
            "({behaviours}), różnica {gap}. Szukajcie przyczyn w nawykach, "
            "coachingu i docenianiu, a nie w kolejnych narzędziach."
        ),
        "weakest_leg": (
            "Najsłabsza noga: {factor} ({score}). Tu zacznijcie: stołek jest tak "
            "stabilny, jak jego najkrótsza noga."
        ),
        "divided_level": (
            "Podzielony poziom: {level} ma bardzo różne zdania w obszarze „{factor}” "
            "(rozrzut {sd}). Sprawdźcie, które zespoły widzą to inaczej, zanim zaczniecie "
            "działać."
        ),
        "largest_item_gaps": (
            "Największe różnice między zarządem a pierwszą linią: {items}. Omówcie te "
            "stwierdzenia w obecności obu poziomów."
        ),
        "lowest_items": (
            "Najniżej ocenione stwierdzenia: {items}. Tu najłatwiej o szybkie efekty."
        ),
    },
}


def _signed(value: float) -> str:
    """A whole number with its sign (``+42``, ``-7``), ``0`` without one."""
    whole = round(value)
    return f"{whole:+d}" if whole else "0"


def _text(language: str, rule: str, **values: Any) -> str:
    """The rule's sentence; numbers become signed whole numbers, except spreads and gaps
    named ``gap``/``sd`` in rules where the sign is implied by the wording."""
    table = _TEXT.get(language, _TEXT["en"])
    unsigned = {"sd"} | ({"gap"} if rule in ("promise_gap", "execution_gap") else set())
    shown = {
        key: (str(round(v)) if key in unsigned else _signed(v)) if isinstance(v, float | int) else v
        for key, v in values.items()
    }
    return table[rule].format(**shown)


def recommend(
    *,
    groups: Mapping[str, GroupScores],
    items: Mapping[str, ItemScores],
    spreads: Spread,
    thresholds: Thresholds,
    language: str,
) -> tuple[Recommendation, ...]:
    """The recommendations for a report's figures, most important first."""
    lang = language if language in _TEXT else "en"
    names = FACTOR_NAMES[lang]
    found: list[Recommendation] = []
    whole = groups[ALL]
    board, front = groups[Level.BOARD.value], groups[Level.FRONT_LINE.value]

    if not board.suppressed and not front.suppressed:
        gaps = {
            f: b - fl
            for f in FACTORS
            if (b := board.factors.get(f)) is not None and (fl := front.factors.get(f)) is not None
        }
        wide = {f: g for f, g in gaps.items() if abs(g) >= thresholds.executive_disconnect}
        if wide:
            worst = max(wide, key=lambda f: abs(wide[f]))
            found.append(
                Recommendation(
                    "executive_disconnect",
                    _text(lang, "executive_disconnect", gap=wide[worst], factor=names[worst]),
                    {
                        "factor": worst.value,
                        "gap": r2(wide[worst]),
                        "gaps": {f.value: r2(g) for f, g in wide.items()},
                    },
                )
            )

    if not whole.suppressed:
        d, r, b = (whole.factors.get(f) for f in FACTORS)
        if d is not None and r is not None and d - r >= thresholds.promise_gap:
            found.append(
                Recommendation(
                    "promise_gap",
                    _text(lang, "promise_gap", declarations=d, resources=r, gap=d - r),
                    {"declarations": r2(d), "resources": r2(r), "gap": r2(d - r)},
                )
            )
        if r is not None and b is not None and r - b >= thresholds.execution_gap:
            found.append(
                Recommendation(
                    "execution_gap",
                    _text(lang, "execution_gap", resources=r, behaviours=b, gap=r - b),
                    {"resources": r2(r), "behaviours": r2(b), "gap": r2(r - b)},
                )
            )
        scored = {f: s for f in FACTORS if (s := whole.factors.get(f)) is not None}
        if scored:
            weakest = min(scored, key=lambda f: scored[f])
            found.append(
                Recommendation(
                    "weakest_leg",
                    _text(lang, "weakest_leg", factor=names[weakest], score=scored[weakest]),
                    {"factor": weakest.value, "score": r2(scored[weakest])},
                )
            )

    divided = [
        (level, f, sd)
        for level, spread in spreads.items()
        for f in FACTORS
        if (sd := spread.get(f)) is not None and sd >= thresholds.divided_level_sd
    ]
    if divided:
        level, f, sd = max(divided, key=lambda entry: entry[2])
        found.append(
            Recommendation(
                "divided_level",
                _text(
                    lang, "divided_level", level=LEVEL_NAMES[lang][level], factor=names[f], sd=sd
                ),
                {
                    "level": level.value,
                    "factor": f.value,
                    "sd": r2(sd),
                    "levels": [
                        {"level": lv.value, "factor": fc.value, "sd": r2(s)}
                        for lv, fc, s in divided
                    ],
                },
            )
        )

    if not board.suppressed and not front.suppressed:
        item_gaps = []
        for item in items.values():
            b_mean = item.levels[Level.BOARD].mean
            f_mean = item.levels[Level.FRONT_LINE].mean
            if b_mean is not None and f_mean is not None:
                item_gaps.append((item, b_mean, f_mean, b_mean - f_mean))
        item_gaps.sort(key=lambda entry: -abs(entry[3]))
        top = item_gaps[:3]
        if top:
            found.append(
                Recommendation(
                    "largest_item_gaps",
                    _text(
                        lang,
                        "largest_item_gaps",
                        items=", ".join(f"{it.item_id} ({_signed(gap)})" for it, _, _, gap in top),
                    ),
                    {
                        "items": [
                            {
                                "item": it.item_id,
                                "factor": it.factor.value,
                                "area": it.area,
                                "board": r2(b_mean),
                                "front_line": r2(f_mean),
                                "gap": r2(gap),
                            }
                            for it, b_mean, f_mean, gap in top
                        ]
                    },
                )
            )

    if not whole.suppressed:
        rated = [(it, m) for it in items.values() if (m := it.all.mean) is not None]
        rated.sort(key=lambda entry: entry[1])
        lowest = rated[:3]
        if lowest:
            found.append(
                Recommendation(
                    "lowest_items",
                    _text(
                        lang,
                        "lowest_items",
                        items=", ".join(f"{it.item_id} ({_signed(m)})" for it, m in lowest),
                    ),
                    {
                        "items": [
                            {
                                "item": it.item_id,
                                "factor": it.factor.value,
                                "area": it.area,
                                "mean": r2(m),
                            }
                            for it, m in lowest
                        ]
                    },
                )
            )
    return tuple(found)
