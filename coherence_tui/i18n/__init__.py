"""Interface strings in English and Polish.

Strings live in one module per part of the interface (``kiosk.py`` for home,
kiosk, PIN and facilitator screens; ``dashboard.py`` for the dashboard and its
widgets), each with ``EN`` and ``PL`` dicts of the same keys. ``t()`` looks a
key up; a test checks both languages have every key.
"""

from __future__ import annotations

from collections.abc import Mapping

from coherence_tui.i18n import dashboard, kiosk

_TABLES: dict[str, dict[str, str]] = {"en": {}, "pl": {}}
for _module in (kiosk, dashboard):
    _TABLES["en"].update(_module.EN)
    _TABLES["pl"].update(_module.PL)

LANGUAGES = ("en", "pl")


def strings(lang: str) -> Mapping[str, str]:
    """The table for a language (English for an unknown one)."""
    return _TABLES.get(lang, _TABLES["en"])


def t(key: str, lang: str, /, **values: object) -> str:
    """The string ``key`` in ``lang``, formatted with ``values``; the key itself if missing."""
    template = strings(lang).get(key) or _TABLES["en"].get(key, key)
    return template.format(**values) if values else template
