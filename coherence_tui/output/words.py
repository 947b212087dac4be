"""The words of the Markdown and HTML reports, in each interface language (shared by
``export`` and ``html_report``), and the names of groups and links."""

from __future__ import annotations

from coherence_tui.domain.chain import LINK_FACTORS, Link
from coherence_tui.domain.model import LEVELS
from coherence_tui.domain.recommend import LEVEL_NAMES
from coherence_tui.domain.report import ALL
from coherence_tui.output.textreport import FACTOR_LABELS

MD_WORDS = {
    "en": {
        "title": "Customer-service coherence workshop",
        "session": "Session",
        "questionnaire": "Questionnaire",
        "participants": "Participants",
        "answers": "{n:answers}",
        "k_note": "Groups with {k:fewer_than_participants} are hidden (anonymity).",
        "stool": "The stool (whole organisation)",
        "hidden": "hidden: {k:fewer_than_participants}",
        "groups": "Scores by group",
        "group": "Group",
        "overall": "Overall",
        "imbalance": "Imbalance",
        "state": "Stool",
        "gaps": "Gaps between levels",
        "gap": "Gap",
        "recommendations": "Recommendations",
        "none": "No recommendation yet: not enough answers.",
        "items": "Statements by level",
        "item": "Statement",
        "all": "Organisation",
        "department": "Department",
        "footer": (
            "Higher is better in every row. Scores run from -200 to +200 (0 is neutral); "
            "a reversed statement's answers are negated before scoring, so disagreeing with "
            "it counts as favourable. ±N is the margin of the 90 % interval. A question mark "
            "after a stool state means the answers cannot yet tell it from the next state."
        ),
        "favourable": "Favourable % by group",
        "reversed": "(reversed)",
        "subtraction": "hidden: it would let {k:fewer_than_people} be worked out",
        "ci": "90 % interval",
        "not_published": "{k:fewer_than_answers}",
        "queue": "Discussion queue: board − front line, largest gap first",
        "queue_empty": "No statement is published for both the board and the front line yet.",
        "level": "Level",
        "dont_know": "don't know",
        "mean": "Mean",
        "gap_line": "Board − front line: {gap} (90 % interval {lo} to {hi})",
        "gap_line_short": "Board − front line: {gap}",
        "prompts": "To ask the room",
        "predictions": "Prediction round: the front line's favourable %, estimated and actual",
        "predictions_none": "No prediction round in this session.",
        "estimate": "{level} estimate",
        "actual": "Front line actual",
        "estimate_hidden": "{n:estimates}, fewer than {k}",
        "chains": "Chain per area (whole organisation)",
        "chains_none": "No area chain yet: the organisation's figures are hidden.",
        "area": "Area",
        "breaks": "Breaks at",
        "heat_levels": "Heat map: level × area",
        "heat_departments": "Heat map: department × factor (departments that passed the audit)",
        "plan": "Action plan",
        "plan_none": "No actions recorded.",
        "about": "About",
        "what": "What",
        "owner": "Owner (role)",
        "first_step": "First step (due)",
        "kpi": "KPI",
        "review": "Review",
        "statement_ref": "statement {id}",
        "area_ref": "area {area}",
        "unconfirmed": "?",
    },
    "pl": {
        "title": "Warsztat spójności obsługi klienta",
        "session": "Sesja",
        "questionnaire": "Kwestionariusz",
        "participants": "Uczestnicy",
        "answers": "{n:answers}",
        "k_note": "Grupy liczące {k:fewer_than_people} (k = {k}) są ukryte (anonimowość).",
        "stool": "Stołek (cała organizacja)",
        "hidden": "ukryte: za mało uczestników (k = {k})",
        "groups": "Wyniki według grup",
        "group": "Grupa",
        "overall": "Ogółem",
        "imbalance": "Nierównowaga",
        "state": "Stołek",
        "gaps": "Różnice między poziomami",
        "gap": "Różnica",
        "recommendations": "Rekomendacje",
        "none": "Brak rekomendacji: za mało odpowiedzi.",
        "items": "Stwierdzenia według poziomów",
        "item": "Stwierdzenie",
        "all": "Organizacja",
        "department": "Dział",
        "footer": (
            "W każdym wierszu wyżej znaczy lepiej. Wyniki od -200 do +200 (0 to ocena "
            "neutralna); odpowiedzi na stwierdzenia odwrócone są przed liczeniem zmieniane na "
            "przeciwne, więc niezgoda z nimi jest przychylna. ±N to margines przedziału 90 %. "
            "Znak zapytania po stanie stołka: odpowiedzi nie pozwalają jeszcze odróżnić go od "
            "sąsiedniego stanu."
        ),
        "favourable": "% odpowiedzi przychylnych według grup",
        "reversed": "(odwrócone)",
        "subtraction": "ukryte: pozwoliłoby wyliczyć {k:fewer_than_people}",
        "ci": "przedział 90 %",
        "not_published": "{k:fewer_than_answers}",
        "queue": "Kolejka do dyskusji: zarząd − pierwsza linia, od największej różnicy",
        "queue_empty": "Żadne stwierdzenie nie jest jeszcze pokazane i dla zarządu, i dla "
        "pierwszej linii.",
        "level": "Poziom",
        "dont_know": "nie wiem",
        "mean": "Średnia",
        "gap_line": "Zarząd − pierwsza linia: {gap} (przedział 90 % od {lo} do {hi})",
        "gap_line_short": "Zarząd − pierwsza linia: {gap}",
        "prompts": "Pytania do sali",
        "predictions": "Runda przewidywań: % przychylnych odpowiedzi pierwszej linii, "
        "przewidywany i faktyczny",
        "predictions_none": "W tej sesji nie było rundy przewidywań.",
        "estimate": "{level}: przewidywanie",
        "actual": "Pierwsza linia: faktycznie",
        "estimate_hidden": "{n:estimates}, mniej niż {k}",
        "chains": "Łańcuch w obszarach (cała organizacja)",
        "chains_none": "Brak łańcuchów: wyniki organizacji są ukryte.",
        "area": "Obszar",
        "breaks": "Pęka na",
        "heat_levels": "Mapa cieplna: poziom × obszar",
        "heat_departments": "Mapa cieplna: dział × czynnik (działy, które przeszły audyt)",
        "plan": "Plan działań",
        "plan_none": "Nie zapisano działań.",
        "about": "Dotyczy",
        "what": "Co",
        "owner": "Odpowiada (rola)",
        "first_step": "Pierwszy krok (termin)",
        "kpi": "Wskaźnik",
        "review": "Przegląd",
        "statement_ref": "stwierdzenie {id}",
        "area_ref": "obszar {area}",
        "unconfirmed": "?",
    },
}


def group_label(key: str, lang: str) -> str:
    """A human name for a report group key."""
    words = MD_WORDS.get(lang, MD_WORDS["en"])
    names = LEVEL_NAMES.get(lang, LEVEL_NAMES["en"])
    if key == ALL:
        return words["all"]
    if key.startswith("department:"):
        return f"{words['department']}: {key.split(':', 1)[1]}"
    for level in LEVELS:
        if level.value == key:
            return names[level].capitalize()
    return key


def link_label(link: Link, lang: str) -> str:
    """``declarations → resources`` in the interface language."""
    factors = FACTOR_LABELS.get(lang, FACTOR_LABELS["en"])
    upper, lower = LINK_FACTORS[link]
    return f"{factors[upper]} → {factors[lower]}"
