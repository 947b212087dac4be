"""The words of the recommendations: factor and level names and the sentence of each
rule, in English and Polish (``recommend`` fills in the figures)."""

from __future__ import annotations

from coherence_tui.domain.vocabulary import Factor, Level

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

AND_WORD = {"en": " and ", "pl": " i "}

SENTENCES: dict[str, dict[str, str]] = {
    "en": {
        "executive_disconnect": (
            "The board and the front line see {factor} differently: the board's score is "
            "{gap} points {direction} (90 % interval {lo} to {hi}). Ask each side what it "
            "sees day to day that the other may not."
        ),
        "executive_disconnect.higher": "higher",
        "executive_disconnect.lower": "lower",
        "blind_spot": (
            'Blind spot on {factor}: the board answered "don\'t know" to {share} % of these '
            "statements, while the front line scores them {score}. Ask the front line to "
            "describe what actually happens there."
        ),
        "promise_gap": (
            "Promise gap at {levels}: what the company declares is rated {gap} points above "
            "the resources people are given. Ask which promise lacks the tools, time or "
            "authority to keep it."
        ),
        "execution_gap": (
            "Execution gap at {levels}: resources are rated {gap} points above what people "
            "actually do with customers. Ask what stops the tools and procedures from being "
            "used."
        ),
        "compensating_effort": (
            "Compensating effort at {levels}: behaviours are rated {gap} points above the "
            "resources behind them, so people make up with personal effort for what they are "
            "not given. Ask how long that can last, and what would lighten the load."
        ),
        "weakest_leg": (
            "Weakest leg: {factor} ({score}) is the lowest of the three for the whole "
            "organisation. Start the discussion with the statements below."
        ),
        "divided_level": (
            "{level} is divided on {factor}: individual scores spread by {sd} points. Ask for "
            "examples from people who see it well and from people who do not."
        ),
        "largest_item_gaps": (
            "The board and the front line differ most on these statements. Read them out and "
            "ask each side why it answered as it did."
        ),
        "lowest_items": (
            "These statements are rated below zero across the organisation. Ask the room what "
            "would have to change for people to agree with them."
        ),
    },
    "pl": {
        "executive_disconnect": (
            "Zarząd i pierwsza linia różnie widzą obszar „{factor}”: ocena zarządu jest o "
            "{gap} pkt {direction} (przedział 90 %: od {lo} do {hi}). Zapytajcie każdą ze "
            "stron, co widzi na co dzień, a czego druga może nie widzieć."
        ),
        "executive_disconnect.higher": "wyższa",
        "executive_disconnect.lower": "niższa",
        "blind_spot": (
            "Martwe pole w obszarze „{factor}”: zarząd odpowiedział „nie wiem” na {share} % "
            "tych stwierdzeń, a pierwsza linia ocenia je na {score}. Poproście pierwszą linię, "
            "by opisała, jak to wygląda w praktyce."
        ),
        "promise_gap": (
            "Luka obietnic ({levels}): deklaracje firmy są oceniane o {gap} pkt wyżej niż "
            "zasoby, które ludzie dostają. Zapytajcie, której obietnicy brakuje narzędzi, "
            "czasu lub uprawnień."
        ),
        "execution_gap": (
            "Luka wykonania ({levels}): zasoby są oceniane o {gap} pkt wyżej niż to, co "
            "ludzie faktycznie robią z klientami. Zapytajcie, co przeszkadza w korzystaniu z "
            "narzędzi i procedur."
        ),
        "compensating_effort": (
            "Nadrabianie wysiłkiem ({levels}): zachowania są oceniane o {gap} pkt wyżej niż "
            "zasoby, które za nimi stoją; ludzie nadrabiają osobistym wysiłkiem to, czego nie "
            "dostają. Zapytajcie, jak długo da się tak pracować i co by ich odciążyło."
        ),
        "weakest_leg": (
            "Najsłabsza noga: „{factor}” ({score}) to najniższa z trzech ocen całej "
            "organizacji. Zacznijcie rozmowę od poniższych stwierdzeń."
        ),
        "divided_level": (
            "{level}: zdania w obszarze „{factor}” są podzielone, indywidualne oceny różnią "
            "się o {sd} pkt. Poproście o przykłady osoby, które oceniają go dobrze, i te, "
            "które oceniają go źle."
        ),
        "largest_item_gaps": (
            "Przy tych stwierdzeniach zarząd i pierwsza linia różnią się najbardziej. "
            "Przeczytajcie je na głos i zapytajcie każdą ze stron o powody jej odpowiedzi."
        ),
        "lowest_items": (
            "Te stwierdzenia mają w całej organizacji ocenę poniżej zera. Zapytajcie salę, co "
            "musiałoby się zmienić, żeby ludzie mogli się z nimi zgodzić."
        ),
    },
}
