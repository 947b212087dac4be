"""What a participant sees, in English, Polish, Ukrainian and Russian (issue 11)."""

from __future__ import annotations

import string

import pytest

from coherence_tui.i18n import PARTICIPANT_KEYS, PARTICIPANT_LANGUAGES, kiosk, kiosk_ru, kiosk_uk, t
from coherence_tui.i18n.plural import PHRASES

TABLES = {"en": kiosk.EN, "pl": kiosk.PL, "uk": kiosk_uk.UK, "ru": kiosk_ru.RU}
PARTICIPANT = {key for key in kiosk.EN if key.startswith(PARTICIPANT_KEYS)}


def test_every_participant_language_has_a_name_in_itself() -> None:
    assert tuple(kiosk.LANGUAGE_NAMES) == PARTICIPANT_LANGUAGES
    assert kiosk.LANGUAGE_NAMES == {
        "en": "English",
        "pl": "Polski",
        "uk": "Українська",
        "ru": "Русский",
    }


@pytest.mark.parametrize("lang", ["uk", "ru"])
def test_ukrainian_and_russian_have_every_participant_string_and_no_other(lang: str) -> None:
    assert set(TABLES[lang]) == PARTICIPANT
    assert "kiosk.language.title" in PARTICIPANT


@pytest.mark.parametrize("lang", PARTICIPANT_LANGUAGES)
def test_participant_strings_keep_the_english_fields_and_count_with_their_own_phrases(
    lang: str,
) -> None:
    def fields(template: str) -> set[tuple[str, str]]:
        return {
            (field, spec)
            for _, field, spec, _ in string.Formatter().parse(template)
            if field is not None
        }

    for key in PARTICIPANT:
        ours, english = fields(TABLES[lang][key]), fields(kiosk.EN[key])
        assert {f for f, _ in ours} == {f for f, _ in english}, (lang, key)
        for _, spec in ours:
            assert not spec or spec in PHRASES[lang], (lang, key, spec)
        assert TABLES[lang][key].strip() and TABLES[lang][key] == TABLES[lang][key].strip()


@pytest.mark.parametrize(
    ("lang", "count", "expected"),
    [
        ("en", 1, "1 short statement · about 1 min"),
        ("en", 39, "39 short statements · about 7 min"),
        ("pl", 39, "39 krótkich stwierdzeń · około 7 min"),
        ("pl", 42, "42 krótkie stwierdzenia · około 7 min"),
        ("uk", 41, "41 коротке твердження · близько 7 хв"),
        ("uk", 43, "43 короткі твердження · близько 7 хв"),
        ("uk", 45, "45 коротких тверджень · близько 7 хв"),
        ("ru", 41, "41 короткое утверждение · около 7 мин"),
        ("ru", 44, "44 коротких утверждения · около 7 мин"),
        ("ru", 39, "39 коротких утверждений · около 7 мин"),
    ],
)
def test_the_welcome_counts_statements_with_the_right_plural(
    lang: str, count: int, expected: str
) -> None:
    minutes = 1 if count == 1 else 7
    assert t("kiosk.welcome.count", lang, count=count, minutes=minutes) == expected


def test_ukrainian_and_russian_speak_their_own_words_at_the_kiosk() -> None:
    assert t("kiosk.level.front_line", "uk") == "Перша лінія"
    assert t("kiosk.level.front_line", "ru") == "Первая линия"
    assert t("kiosk.department.none", "ru") == "Без отдела"
    # The facilitator's strings are English there.
    assert t("menu.title", "uk") == t("menu.title", "en")
