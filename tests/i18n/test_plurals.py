"""Plurals by CLDR rules (Babel) in every language, and English for an interface it lacks."""

from __future__ import annotations

import string

import pytest

from coherence_tui.i18n import LANGUAGES, dashboard, interface_language, kiosk, t
from coherence_tui.i18n.plural import PHRASES, categories, counted, plural_category, render

COUNTS = (1, 2, 5, 22)

EXPECTED: dict[tuple[str, str], tuple[str, str, str, str]] = {
    ("en", "answers"): ("1 answer", "2 answers", "5 answers", "22 answers"),
    ("pl", "answers"): ("1 odpowiedź", "2 odpowiedzi", "5 odpowiedzi", "22 odpowiedzi"),
    ("uk", "answers"): ("1 відповідь", "2 відповіді", "5 відповідей", "22 відповіді"),
    ("ru", "answers"): ("1 ответ", "2 ответа", "5 ответов", "22 ответа"),
    ("en", "participants"): (
        "1 participant",
        "2 participants",
        "5 participants",
        "22 participants",
    ),
    ("pl", "participants"): ("1 uczestnik", "2 uczestników", "5 uczestników", "22 uczestników"),
    ("uk", "participants"): ("1 учасник", "2 учасники", "5 учасників", "22 учасники"),
    ("ru", "participants"): ("1 участник", "2 участника", "5 участников", "22 участника"),
    ("en", "fewer_than_people"): (
        "fewer than 1 person",
        "fewer than 2 people",
        "fewer than 5 people",
        "fewer than 22 people",
    ),
    ("pl", "fewer_than_people"): (
        "mniej niż 1 osoba",
        "mniej niż 2 osoby",
        "mniej niż 5 osób",
        "mniej niż 22 osoby",
    ),
    ("uk", "fewer_than_people"): (
        "менше ніж 1 особа",
        "менше ніж 2 особи",
        "менше ніж 5 осіб",
        "менше ніж 22 особи",
    ),
    ("ru", "fewer_than_people"): (
        "меньше 1 человека",
        "меньше 2 человек",
        "меньше 5 человек",
        "меньше 22 человек",
    ),
    ("en", "attempts_left"): (
        "1 attempt left",
        "2 attempts left",
        "5 attempts left",
        "22 attempts left",
    ),
    ("pl", "attempts_left"): (
        "Została 1 próba",
        "Zostały 2 próby",
        "Zostało 5 prób",
        "Zostały 22 próby",
    ),
    ("uk", "attempts_left"): (
        "Залишилася 1 спроба",
        "Залишилося 2 спроби",
        "Залишилося 5 спроб",
        "Залишилося 22 спроби",
    ),
    ("ru", "attempts_left"): (
        "Осталась 1 попытка",
        "Осталось 2 попытки",
        "Осталось 5 попыток",
        "Осталось 22 попытки",
    ),
}


@pytest.mark.parametrize(("lang", "phrase"), sorted(EXPECTED), ids="-".join)
def test_counted_phrases_for_1_2_5_and_22(lang: str, phrase: str) -> None:
    assert tuple(counted(lang, phrase, n) for n in COUNTS) == EXPECTED[(lang, phrase)]


@pytest.mark.parametrize("lang", ["pl", "uk", "ru"])
def test_slavic_teens_take_the_many_form_unlike_2_to_4(lang: str) -> None:
    assert [plural_category(lang, n) for n in (2, 12, 14, 22, 112)] == [
        "few",
        "many",
        "many",
        "few",
        "many",
    ]


@pytest.mark.parametrize("lang", sorted(PHRASES))
def test_every_phrase_has_exactly_the_forms_its_language_uses(lang: str) -> None:
    assert set(PHRASES[lang]) == set(PHRASES["en"])
    for phrase, forms in PHRASES[lang].items():
        assert set(forms) == categories(lang), (lang, phrase)
        assert all("{n}" in form for form in forms.values()), (lang, phrase)


def test_english_uses_one_and_other_and_polish_four_categories() -> None:
    assert categories("en") == {"one", "other"}
    slavic = {"one", "few", "many", "other"}
    assert categories("pl") == categories("uk") == categories("ru") == slavic


def test_render_formats_plain_fields_and_counted_ones_together() -> None:
    text = render("{who}: {n:answers} ({k:fewer_than_people})", "pl", who="Zarząd", n=1, k=3)
    assert text == "Zarząd: 1 odpowiedź (mniej niż 3 osoby)"


def test_render_refuses_to_count_what_is_not_a_whole_number() -> None:
    with pytest.raises(TypeError, match="whole number"):
        render("{n:answers}", "en", n="5")


@pytest.mark.parametrize(
    ("lang", "left", "message"),
    [
        ("en", 1, "Wrong PIN. 1 attempt left before a 60 second lock."),
        ("en", 4, "Wrong PIN. 4 attempts left before a 60 second lock."),
        ("pl", 1, "Błędny PIN. Została 1 próba przed blokadą na 60 sekund."),
        ("pl", 3, "Błędny PIN. Zostały 3 próby przed blokadą na 60 sekund."),
        ("pl", 5, "Błędny PIN. Zostało 5 prób przed blokadą na 60 sekund."),
    ],
)
def test_wrong_pin_message_counts_attempts_properly(lang: str, left: int, message: str) -> None:
    assert t("pin.wrong", lang, left=left) == message


def test_dashboard_answer_count_is_singular_for_one() -> None:
    assert t("dash.answers", "en", n=1) == "1 answer"
    assert t("dash.answers", "en", n=22) == "22 answers"
    assert t("dash.hidden_group", "pl", k=5) == "ukryte dla anonimowości: mniej niż 5 uczestników"


@pytest.mark.parametrize("lang", ["uk", "ru", "de"])
def test_a_language_without_facilitator_strings_gets_english_there(lang: str) -> None:
    assert interface_language(lang) == "en"
    assert t("pin.wrong", lang, left=1) == "Wrong PIN. 1 attempt left before a 60 second lock."


def test_a_language_without_any_strings_gets_english_at_the_kiosk_too() -> None:
    assert t("kiosk.welcome.start", "de") == "Press Enter to start"


def test_interface_languages_keep_their_own_strings() -> None:
    assert LANGUAGES == ("en", "pl")
    assert [interface_language(lang) for lang in LANGUAGES] == ["en", "pl"]
    assert t("kiosk.welcome.start", "pl") == "Naciśnij Enter, aby zacząć"


@pytest.mark.parametrize(
    ("lang", "table"),
    [("en", kiosk.EN), ("pl", kiosk.PL), ("en", dashboard.EN), ("pl", dashboard.PL)],
)
def test_every_format_spec_in_the_interface_names_a_phrase_of_its_language(
    lang: str, table: dict[str, str]
) -> None:
    specs = {
        (key, spec)
        for key, template in table.items()
        for _, field, spec, _ in string.Formatter().parse(template)
        if field is not None and spec
    }
    assert specs, "some strings count something"
    for key, spec in specs:
        assert spec in PHRASES[lang], (key, spec)


@pytest.mark.parametrize("lang", ["en", "pl", "uk", "ru"])
def test_our_cldr_rules_are_babels_and_agree_on_0_to_200(lang: str) -> None:
    """The rule texts kept in ``plural`` (no locale data to load on a kiosk's start) are
    Babel's own, and so give the same category for every count."""
    from babel import Locale

    from coherence_tui.i18n.plural import CLDR_RULES, plural_category

    babel_rule = Locale.parse(lang).plural_form
    assert CLDR_RULES[lang] == babel_rule.rules
    assert [plural_category(lang, n) for n in range(201)] == [babel_rule(n) for n in range(201)]
