"""Counted phrases in every language, chosen by CLDR's plural rules (Babel).

English has two forms for whole numbers ("1 answer", "2 answers"); Polish,
Ukrainian and Russian three ("1 odpowiedź", "2 odpowiedzi", "5 odpowiedzi",
"22 odpowiedzi"), and which one a number takes is a rule of the language, not
of the last digit alone (12-14 differ from 2-4). Babel's ``plural_form`` knows
those rules; this module only holds the phrases.

A phrase carries the words around the number that change with it ("Została 1
próba", "Zostały 2 próby"), because the case a noun takes also depends on the
construction ("fewer than" governs the genitive in Russian, not in Polish). Each
phrase has exactly the forms its language's rule uses (``one``, ``few``,
``many`` and ``other``; English ``one`` and ``other``), checked by a test.
Templates name a phrase in a format spec: ``"{left:attempts_left}"``.
"""

from __future__ import annotations

import string
from functools import cache
from typing import TYPE_CHECKING, Any

__all__ = ["PHRASES", "categories", "counted", "plural_category", "render"]

if TYPE_CHECKING:
    from babel.plural import PluralRule

PHRASES: dict[str, dict[str, dict[str, str]]] = {
    "en": {
        "answers": {"one": "{n} answer", "other": "{n} answers"},
        "participants": {"one": "{n} participant", "other": "{n} participants"},
        "fewer_than_participants": {
            "one": "fewer than {n} participant",
            "other": "fewer than {n} participants",
        },
        "fewer_than_people": {"one": "fewer than {n} person", "other": "fewer than {n} people"},
        "fewer_than_answers": {"one": "fewer than {n} answer", "other": "fewer than {n} answers"},
        "attempts_left": {"one": "{n} attempt left", "other": "{n} attempts left"},
        "estimates": {"one": "{n} estimate", "other": "{n} estimates"},
        "short_statements": {"one": "{n} short statement", "other": "{n} short statements"},
    },
    "pl": {
        "answers": {
            "one": "{n} odpowiedź",
            "few": "{n} odpowiedzi",
            "many": "{n} odpowiedzi",
            "other": "{n} odpowiedzi",
        },
        "participants": {
            "one": "{n} uczestnik",
            "few": "{n} uczestników",
            "many": "{n} uczestników",
            "other": "{n} uczestnika",
        },
        "fewer_than_participants": {
            "one": "mniej niż {n} uczestnik",
            "few": "mniej niż {n} uczestników",
            "many": "mniej niż {n} uczestników",
            "other": "mniej niż {n} uczestnika",
        },
        "fewer_than_people": {
            "one": "mniej niż {n} osoba",
            "few": "mniej niż {n} osoby",
            "many": "mniej niż {n} osób",
            "other": "mniej niż {n} osoby",
        },
        "fewer_than_answers": {
            "one": "mniej niż {n} odpowiedź",
            "few": "mniej niż {n} odpowiedzi",
            "many": "mniej niż {n} odpowiedzi",
            "other": "mniej niż {n} odpowiedzi",
        },
        "attempts_left": {
            "one": "Została {n} próba",
            "few": "Zostały {n} próby",
            "many": "Zostało {n} prób",
            "other": "Zostało {n} próby",
        },
        "estimates": {
            "one": "{n} szacunek",
            "few": "{n} szacunki",
            "many": "{n} szacunków",
            "other": "{n} szacunku",
        },
        "short_statements": {
            "one": "{n} krótkie stwierdzenie",
            "few": "{n} krótkie stwierdzenia",
            "many": "{n} krótkich stwierdzeń",
            "other": "{n} krótkiego stwierdzenia",
        },
    },
    "uk": {
        "answers": {
            "one": "{n} відповідь",
            "few": "{n} відповіді",
            "many": "{n} відповідей",
            "other": "{n} відповіді",
        },
        "participants": {
            "one": "{n} учасник",
            "few": "{n} учасники",
            "many": "{n} учасників",
            "other": "{n} учасника",
        },
        "fewer_than_participants": {
            "one": "менше ніж {n} учасник",
            "few": "менше ніж {n} учасники",
            "many": "менше ніж {n} учасників",
            "other": "менше ніж {n} учасника",
        },
        "fewer_than_people": {
            "one": "менше ніж {n} особа",
            "few": "менше ніж {n} особи",
            "many": "менше ніж {n} осіб",
            "other": "менше ніж {n} особи",
        },
        "fewer_than_answers": {
            "one": "менше ніж {n} відповідь",
            "few": "менше ніж {n} відповіді",
            "many": "менше ніж {n} відповідей",
            "other": "менше ніж {n} відповіді",
        },
        "attempts_left": {
            "one": "Залишилася {n} спроба",
            "few": "Залишилося {n} спроби",
            "many": "Залишилося {n} спроб",
            "other": "Залишилося {n} спроби",
        },
        "estimates": {
            "one": "{n} оцінка",
            "few": "{n} оцінки",
            "many": "{n} оцінок",
            "other": "{n} оцінки",
        },
        "short_statements": {
            "one": "{n} коротке твердження",
            "few": "{n} короткі твердження",
            "many": "{n} коротких тверджень",
            "other": "{n} короткого твердження",
        },
    },
    "ru": {
        "answers": {
            "one": "{n} ответ",
            "few": "{n} ответа",
            "many": "{n} ответов",
            "other": "{n} ответа",
        },
        "participants": {
            "one": "{n} участник",
            "few": "{n} участника",
            "many": "{n} участников",
            "other": "{n} участника",
        },
        "fewer_than_participants": {
            "one": "меньше {n} участника",
            "few": "меньше {n} участников",
            "many": "меньше {n} участников",
            "other": "меньше {n} участника",
        },
        "fewer_than_people": {
            "one": "меньше {n} человека",
            "few": "меньше {n} человек",
            "many": "меньше {n} человек",
            "other": "меньше {n} человека",
        },
        "fewer_than_answers": {
            "one": "меньше {n} ответа",
            "few": "меньше {n} ответов",
            "many": "меньше {n} ответов",
            "other": "меньше {n} ответа",
        },
        "attempts_left": {
            "one": "Осталась {n} попытка",
            "few": "Осталось {n} попытки",
            "many": "Осталось {n} попыток",
            "other": "Осталось {n} попытки",
        },
        "estimates": {
            "one": "{n} оценка",
            "few": "{n} оценки",
            "many": "{n} оценок",
            "other": "{n} оценки",
        },
        "short_statements": {
            "one": "{n} короткое утверждение",
            "few": "{n} коротких утверждения",
            "many": "{n} коротких утверждений",
            "other": "{n} короткого утверждения",
        },
    },
}
"""Per language, per phrase, per CLDR plural category: the phrase with ``{n}``."""


CLDR_RULES: dict[str, dict[str, str]] = {
    "en": {"one": "i in 1 and v in 0"},
    "pl": {
        "few": "v in 0 and i mod 10 in 2..4 and i mod 100 not in 12..14",
        "many": "v in 0 and i not in 1 and i mod 10 in 0..1 or v in 0 and i mod 10 in 5..9 "
        "or v in 0 and i mod 100 in 12..14",
        "one": "i in 1 and v in 0",
    },
    "uk": {
        "few": "v in 0 and i mod 10 in 2..4 and i mod 100 not in 12..14",
        "many": "v in 0 and i mod 10 in 0 or v in 0 and i mod 10 in 5..9 "
        "or v in 0 and i mod 100 in 11..14",
        "one": "v in 0 and i mod 10 in 1 and i mod 100 not in 11",
    },
    "ru": {
        "few": "v in 0 and i mod 10 in 2..4 and i mod 100 not in 12..14",
        "many": "v in 0 and i mod 10 in 0 or v in 0 and i mod 10 in 5..9 "
        "or v in 0 and i mod 100 in 11..14",
        "one": "v in 0 and i mod 10 in 1 and i mod 100 not in 11",
    },
}
"""CLDR's plural rules of our languages, as Babel's locale data holds them
(``Locale.parse(lang).plural_form.rules``; ``tests/i18n`` checks they are equal).

Evaluated by Babel's ``PluralRule``: loading Babel's locale data for the four
languages took 0.28 s and 10 MB, paid by every kiosk at its first count (the welcome
card); the rule evaluator alone costs 0.03 s and 1 MB."""


@cache
def _rule(lang: str) -> PluralRule:
    from babel.plural import PluralRule

    return PluralRule(CLDR_RULES[lang])


def plural_category(lang: str, n: int) -> str:
    """CLDR's plural category of ``n`` in ``lang``: ``one``, ``few``, ``many`` or ``other``."""
    category: str = _rule(lang)(n)
    return category


def categories(lang: str) -> frozenset[str]:
    """Every category ``lang``'s plural rule can give (``other`` included)."""
    return frozenset(_rule(lang).tags) | {"other"}


def counted(lang: str, phrase: str, n: int) -> str:
    """``phrase`` for ``n`` in ``lang``: ``counted("pl", "answers", 5)`` is "5 odpowiedzi"."""
    return PHRASES[lang][phrase][plural_category(lang, n)].format(n=n)


class _CountFormatter(string.Formatter):
    """``str.format`` where a format spec naming a phrase of the language formats a count."""

    def __init__(self, lang: str) -> None:
        self.phrases = PHRASES[lang]
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> Any:
        if format_spec in self.phrases:
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{{…:{format_spec}}} counts a whole number, got {value!r}")
            return counted(self.lang, format_spec, value)
        return super().format_field(value, format_spec)


def render(template: str, lang: str, /, **values: object) -> str:
    """``template.format(**values)``, with ``{n:answers}`` written as ``lang``'s phrase for n.

    ``lang`` is the language ``template`` is written in, one of :data:`PHRASES`.
    """
    return _CountFormatter(lang).format(template, **values)
