"""The questionnaires shipped in ``questionnaires/``: they load, and the languages agree.

Version 2 of the content: format 2 everywhere, English as the source text with
Polish, Ukrainian and Russian translations, three company-type variants that
replace and remove general statements, and ids that never change their meaning.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from coherence_tui.domain.model import FACTORS, MIN_ITEMS_PER_FACTOR, AreaGroup, Questionnaire
from coherence_tui.storage.questionnaires import SHIPPED_DIR, list_shipped, load, load_file

LANGUAGES = ("en", "pl", "uk", "ru")
TRANSLATIONS = ("pl", "uk", "ru")

VARIANTS: dict[str, tuple[str, str, dict[str, str], tuple[str, ...]]] = {
    # family: (prefix of its own ids, company type, {replaced: replacement}, removed)
    "retail-services": ("RS-", "retail_services", {"R03": "RS-R01", "R17": "RS-R02"}, ()),
    "b2b-subscription": (
        "B2B-",
        "b2b_subscription",
        {"R03": "B2B-R03", "B15": "B2B-B03"},
        ("D16",),
    ),
    "ecommerce": ("EC-", "ecommerce", {"D05": "EC-D03", "R03": "EC-R03"}, ()),
}
FAMILIES = ("general", *VARIANTS)

AREAS = {
    "feedback": AreaGroup.CLIENTS,
    "complaints": AreaGroup.CLIENTS,
    "response_speed": AreaGroup.CLIENTS,
    "channels": AreaGroup.CLIENTS,
    "processes": AreaGroup.PROCESSES,
    "measurement": AreaGroup.PROCESSES,
    "cooperation": AreaGroup.PROCESSES,
    "it_tools": AreaGroup.IT,
    "digital": AreaGroup.IT,
    "people": AreaGroup.STAFF,
    "recognition": AreaGroup.STAFF,
    "climate": AreaGroup.STAFF,
    "hr": AreaGroup.STAFF,
}
NEW_AREAS = ("measurement", "climate", "hr", "cooperation", "digital")

RETIRED = {"D01", "D03", "D06", "D07", "R01", "R08", *(f"B{n:02d}" for n in range(1, 11))}
"""Version 1 ids whose statements were rewritten (new ids) or dropped: never used again."""

KEPT_FROM_VERSION_1 = {
    "D02": (
        "Our company has set a clear time within which customers should receive a reply from us."
    ),
    "D04": "Senior management says openly that customers' opinions should shape the way we work.",
    "D05": (
        "Our company promises customers the same quality of service whether they visit us, "
        "phone, write or use our website."
    ),
    "D08": "Our company's goals for this year say little about customers.",
    "D09": "Different departments understand our promises to customers in different ways.",
    "D10": (
        "Our company has committed itself to investing in systems that make serving "
        "customers easier."
    ),
    "R02": (
        "There is a clear procedure for cases in which a customer's problem does not fit the "
        "usual rules."
    ),
    "R03": "At busy times there are enough staff to serve customers without long waits.",
    "R04": (
        "New employees are trained in our products and services before they serve customers "
        "on their own."
    ),
    "R05": (
        "Front-line employees may settle a typical complaint themselves, without asking a "
        "manager for approval."
    ),
    "R06": (
        "Employees have a simple way to pass on what customers tell them to the people who can "
        "act on it."
    ),
    "R07": "Our computer systems often slow employees down while they are serving a customer.",
    "R09": (
        "Employees often lack the information they need to answer a customer's question on "
        "the spot."
    ),
    "R10": "Employees' appraisals take into account how well they serve customers.",
}
"""The version 1 statements kept under their ids, word for word (their meaning is stable)."""


def _shape(questionnaire: Questionnaire) -> list[tuple[str, str, str, bool]]:
    return [(i.id, i.factor.value, i.area, i.reverse) for i in questionnaire.items]


def _all_ids() -> list[str]:
    return [f"{family}-{lang}" for family in FAMILIES for lang in LANGUAGES]


def test_shipped_dir_is_the_repositorys_questionnaires_folder() -> None:
    assert SHIPPED_DIR == Path(__file__).resolve().parents[2] / "questionnaires"
    assert SHIPPED_DIR.is_dir()


def test_every_family_ships_in_english_polish_ukrainian_and_russian() -> None:
    assert [q.id for q in list_shipped(SHIPPED_DIR)] == sorted(_all_ids())


@pytest.mark.parametrize("path", sorted(SHIPPED_DIR.glob("*.toml")), ids=lambda p: p.stem)
def test_every_shipped_file_is_format_2_with_its_stem_as_id_and_language_as_suffix(
    path: Path,
) -> None:
    questionnaire = load_file(path)
    assert questionnaire.id == path.stem
    assert questionnaire.language == path.stem.rsplit("-", 1)[1]
    assert questionnaire.format_version == 2
    assert questionnaire.version
    assert questionnaire.description


def test_questionnaires_validate_passes_on_every_shipped_file() -> None:
    for path in sorted(SHIPPED_DIR.glob("*.toml")):
        done = subprocess.run(
            [sys.executable, "-m", "coherence_tui", "questionnaires", "validate", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith(f"ok: {path}: {path.stem} v")


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("language", TRANSLATIONS)
def test_every_language_has_the_english_ids_factors_areas_and_reverse_flags(
    family: str, language: str
) -> None:
    english = load(f"{family}-en", SHIPPED_DIR)
    translated = load(f"{family}-{language}", SHIPPED_DIR)
    assert _shape(translated) == _shape(english)
    assert translated.company_type == english.company_type
    assert translated.thresholds == english.thresholds
    assert translated.areas == english.areas


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("language", TRANSLATIONS)
def test_every_statement_is_translated(family: str, language: str) -> None:
    english = load(f"{family}-en", SHIPPED_DIR)
    translated = load(f"{family}-{language}", SHIPPED_DIR)
    assert translated.title != english.title
    assert translated.instruction != english.instruction
    assert translated.scale.labels != english.scale.labels
    for en_item, item in zip(english.items, translated.items, strict=True):
        assert item.text != en_item.text, (translated.id, item.id)


@pytest.mark.parametrize("questionnaire_id", _all_ids())
def test_instruction_tells_everyone_to_press_0_when_they_cannot_judge(
    questionnaire_id: str,
) -> None:
    questionnaire = load(questionnaire_id, SHIPPED_DIR)
    instruction = questionnaire.instruction.casefold()
    assert " 0 " in instruction
    assert questionnaire.scale.dont_know.casefold() in instruction
    assert len(questionnaire.instruction) <= 400  # read at a kiosk before statement 1


@pytest.mark.parametrize("questionnaire_id", _all_ids())
def test_every_file_says_who_translated_or_wrote_it(questionnaire_id: str) -> None:
    questionnaire = load(questionnaire_id, SHIPPED_DIR)
    assert questionnaire.translation is not None
    assert questionnaire.translation.note
    expected_source = None if questionnaire.language == "en" else "en"
    assert questionnaire.translation.source == expected_source


def test_polish_files_are_written_with_polish_diacritics() -> None:
    for questionnaire in list_shipped(SHIPPED_DIR):
        if questionnaire.language == "pl":
            words = " ".join(item.text for item in questionnaire.items)
            assert set("ąęółśżźćń") & set(words), questionnaire.id


def test_ukrainian_and_russian_files_are_in_their_own_alphabets() -> None:
    for questionnaire in list_shipped(SHIPPED_DIR):
        letters = set(" ".join(item.text for item in questionnaire.items).casefold())
        if questionnaire.language == "uk":
            assert letters & set("іїєґ"), questionnaire.id
            assert not letters & set("ыэъё"), questionnaire.id
        if questionnaire.language == "ru":
            assert letters & set("ыэ"), questionnaire.id
            assert not letters & set("іїєґ"), questionnaire.id


def test_polish_scale_is_as_strong_as_the_english_one() -> None:
    """'Raczej się nie zgadzam' ('rather disagree') was softer than 'Disagree'."""
    polish = load("general-pl", SHIPPED_DIR)
    assert polish.scale.labels == (
        "Zdecydowanie się nie zgadzam",
        "Nie zgadzam się",
        "Ani się zgadzam, ani się nie zgadzam",
        "Zgadzam się",
        "Zdecydowanie się zgadzam",
    )
    assert not any("raczej" in label.casefold() for label in polish.scale.labels)


@pytest.mark.parametrize("questionnaire_id", _all_ids())
def test_every_factor_keeps_at_least_eight_statements(questionnaire_id: str) -> None:
    counts = Counter(item.factor for item in load(questionnaire_id, SHIPPED_DIR).items)
    assert all(counts[factor] >= MIN_ITEMS_PER_FACTOR for factor in FACTORS), counts


def test_general_questionnaire_has_twelve_fifteen_and_twelve_statements() -> None:
    counts = Counter(item.factor.value for item in load("general-en", SHIPPED_DIR).items)
    assert counts == {"declarations": 12, "resources": 15, "behaviours": 12}


def test_general_questionnaire_has_reverse_items_in_every_factor() -> None:
    reversed_by_factor = Counter(
        item.factor for item in load("general-en", SHIPPED_DIR).items if item.reverse
    )
    for factor in FACTORS:
        assert 1 <= reversed_by_factor[factor] <= 3, factor


def test_general_questionnaire_ids_follow_the_factor_letter() -> None:
    letters = {"declarations": "D", "resources": "R", "behaviours": "B"}
    for item in load("general-en", SHIPPED_DIR).items:
        assert item.id[0] == letters[item.factor.value]
        assert len(item.id) == 3
        assert item.id[1:].isdigit()


def test_retired_ids_are_never_used_again() -> None:
    for questionnaire in list_shipped(SHIPPED_DIR):
        assert not RETIRED & set(questionnaire.item_ids), questionnaire.id


def test_statements_kept_from_version_1_keep_their_words_factor_and_direction() -> None:
    general = load("general-en", SHIPPED_DIR)
    for item_id, text in KEPT_FROM_VERSION_1.items():
        item = general.item(item_id)
        assert item.text == text, item_id
        assert item.factor.value[0].upper() == item_id[0]
        assert item.reverse is (item_id in {"D08", "D09", "R07", "R09"})


def test_areas_roll_up_into_the_four_areas_of_the_hr_survey() -> None:
    for questionnaire in list_shipped(SHIPPED_DIR):
        assert questionnaire.areas == AREAS, questionnaire.id
    general = load("general-en", SHIPPED_DIR)
    groups = Counter(general.area_group(item.id) for item in general.items)
    assert set(groups) == set(AreaGroup)
    assert min(groups.values()) >= 5


def test_general_questionnaire_covers_every_area_and_the_new_ones_twice() -> None:
    areas = Counter(item.area for item in load("general-en", SHIPPED_DIR).items)
    assert set(areas) == set(AREAS)
    assert all(areas[area] >= 2 for area in NEW_AREAS), areas


@pytest.mark.parametrize("family", VARIANTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_variant_replaces_in_place_removes_and_then_adds_its_own(
    family: str, language: str
) -> None:
    prefix, company_type, replaced, removed = VARIANTS[family]
    general = load(f"general-{language}", SHIPPED_DIR)
    variant = load(f"{family}-{language}", SHIPPED_DIR)

    expected = [replaced.get(i, i) for i in general.item_ids if i not in removed]
    assert list(variant.item_ids[: len(expected)]) == expected
    own = variant.items[len(expected) :]
    assert own and all(item.id.startswith(prefix) for item in own)
    for old, new in replaced.items():
        assert variant.item(new).factor is general.item(old).factor
        assert old not in variant.item_ids
    assert not set(removed) & set(variant.item_ids)
    kept = [i for i in variant.items if i.id in general.item_ids]
    assert kept == [general.item(i.id) for i in kept]  # general statements word for word
    assert variant.company_type == company_type
    assert variant.scale == general.scale
    assert variant.thresholds == general.thresholds
    assert variant.instruction == general.instruction


def test_b2b_variant_no_longer_sends_business_customers_to_a_front_desk() -> None:
    for language in LANGUAGES:
        texts = " ".join(i.text for i in load(f"b2b-subscription-{language}").items)
        assert "front desk" not in texts.casefold()
    assert "front desk" not in " ".join(i.text for i in load("general-en").items).casefold()


def test_thresholds_are_the_design_defaults() -> None:
    for questionnaire in list_shipped(SHIPPED_DIR):
        assert questionnaire.thresholds.model_dump() == {
            "stool_wobbly": 30,
            "stool_tipping": 60,
            "promise_gap": 50,
            "execution_gap": 50,
            "executive_disconnect": 50,
            "divided_level_sd": 60,
        }


def test_item_texts_are_unique_and_short_enough_for_the_kiosk() -> None:
    for questionnaire in list_shipped(SHIPPED_DIR):
        texts = [item.text.casefold() for item in questionnaire.items]
        assert len(texts) == len(set(texts)), questionnaire.id
        assert max(len(text) for text in texts) <= 160, questionnaire.id
