"""Interface strings in English and Polish, and the fallback for other languages.

Strings live in one module per part of the interface (``kiosk.py`` for home,
kiosk, PIN and facilitator screens; ``dashboard.py`` for the dashboard and its
widgets), each with ``EN`` and ``PL`` dicts of the same keys. ``t()`` looks a
key up; a test checks both languages have every key.

Questionnaires come in more languages than the whole interface (Ukrainian,
Russian): what a participant sees (the kiosk's ``kiosk.`` and ``web.`` strings) is
in those too (``kiosk_uk.UK``, ``kiosk_ru.RU``, :data:`PARTICIPANT_LANGUAGES`); the
facilitator's screens, the dashboard and the reports speak English there, strings
and plurals alike (:func:`interface_language`).

A number followed by words that change with it is written with a plural phrase
as its format spec, ``"{left:attempts_left}"``: the phrase in the string's own
language, in the form that language's CLDR plural rule gives (``plural.py``).
"""

from __future__ import annotations

from collections.abc import Mapping

from coherence_tui.i18n import after, dashboard, facilitator, kiosk, kiosk_ru, kiosk_uk
from coherence_tui.i18n.plural import render

_TABLES: dict[str, dict[str, str]] = {"en": {}, "pl": {}, "uk": kiosk_uk.UK, "ru": kiosk_ru.RU}
for _module in (kiosk, dashboard, after, facilitator):
    _TABLES["en"].update(_module.EN)
    _TABLES["pl"].update(_module.PL)

LANGUAGES = ("en", "pl")
"""The languages the whole interface speaks (facilitator, dashboard, reports)."""

PARTICIPANT_LANGUAGES = ("en", "pl", "uk", "ru")
"""The languages of what a participant sees: every key starting with one of
:data:`PARTICIPANT_KEYS`."""

PARTICIPANT_KEYS = ("kiosk.", "web.")

FALLBACK = "en"


def interface_language(lang: str | None) -> str:
    """The language the interface speaks for ``lang``: itself if it has strings, else English."""
    return lang if lang in LANGUAGES else FALLBACK


def strings(lang: str) -> Mapping[str, str]:
    """The table for a language (English for one the interface does not speak)."""
    return _TABLES[interface_language(lang)]


def t(key: str, lang: str, /, **values: object) -> str:
    """The string ``key`` in ``lang``, formatted with ``values``; the key itself if missing.

    A language without strings, or a key missing in it (a facilitator's string in
    Ukrainian), gives the English string, whose plural phrases are then English too.
    """
    used = lang if lang in _TABLES else FALLBACK
    template = _TABLES[used].get(key)
    if not template:
        used = FALLBACK
        template = _TABLES[FALLBACK].get(key, key)
    return render(template, used, **values) if values else template
