"""The questionnaires shipped in ``questionnaires/``: they load, and the languages agree."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from coherence_tui.domain.model import FACTORS, Questionnaire
from coherence_tui.questionnaires import SHIPPED_DIR, list_shipped, load, load_file

GENERAL = ("general-en", "general-pl")
VARIANTS = {
    "retail-services": ("RS-", "retail_services"),
    "b2b-subscription": ("B2B-", "b2b_subscription"),
}
AREAS = {
    "feedback",
    "complaints",
    "response_speed",
    "channels",
    "processes",
    "it_tools",
    "people",
    "recognition",
}
FAMILIES = ("general", *VARIANTS)


def _shape(questionnaire: Questionnaire) -> list[tuple[str, str, str, bool]]:
    return [(i.id, i.factor.value, i.area, i.reverse) for i in questionnaire.items]


def test_shipped_dir_is_the_repositorys_questionnaires_folder() -> None:
    assert SHIPPED_DIR == Path(__file__).resolve().parents[2] / "questionnaires"
    assert SHIPPED_DIR.is_dir()


def test_all_six_shipped_questionnaires_load_sorted_by_id() -> None:
    ids = [q.id for q in list_shipped(SHIPPED_DIR)]
    expected = sorted(f"{family}-{lang}" for family in FAMILIES for lang in ("en", "pl"))
    assert ids == expected


@pytest.mark.parametrize("path", sorted(SHIPPED_DIR.glob("*.toml")), ids=lambda p: p.stem)
def test_every_shipped_file_loads_with_its_stem_as_id_and_language_as_suffix(path: Path) -> None:
    questionnaire = load_file(path)
    assert questionnaire.id == path.stem
    assert questionnaire.language == path.stem.rsplit("-", 1)[1]
    assert questionnaire.version
    assert questionnaire.description


@pytest.mark.parametrize("family", FAMILIES)
def test_english_and_polish_share_item_ids_factors_areas_and_reverse_flags(family: str) -> None:
    english = load(f"{family}-en", SHIPPED_DIR)
    polish = load(f"{family}-pl", SHIPPED_DIR)
    assert _shape(english) == _shape(polish)
    assert english.company_type == polish.company_type
    assert english.thresholds == polish.thresholds


@pytest.mark.parametrize("family", FAMILIES)
def test_english_and_polish_texts_differ_for_every_item(family: str) -> None:
    english = load(f"{family}-en", SHIPPED_DIR)
    polish = load(f"{family}-pl", SHIPPED_DIR)
    for en_item, pl_item in zip(english.items, polish.items, strict=True):
        assert en_item.text != pl_item.text, en_item.id


def test_polish_files_are_written_with_polish_diacritics() -> None:
    for questionnaire in list_shipped(SHIPPED_DIR):
        if questionnaire.language == "pl":
            words = " ".join(item.text for item in questionnaire.items)
            assert set("ąęółśżźćń") & set(words), questionnaire.id


@pytest.mark.parametrize("questionnaire_id", GENERAL)
def test_general_questionnaire_has_ten_items_per_factor(questionnaire_id: str) -> None:
    counts = Counter(item.factor for item in load(questionnaire_id, SHIPPED_DIR).items)
    assert {factor: counts[factor] for factor in FACTORS} == {factor: 10 for factor in FACTORS}
    assert all(counts[factor] >= 8 for factor in FACTORS)


@pytest.mark.parametrize("questionnaire_id", GENERAL)
def test_general_questionnaire_has_reverse_items_in_every_factor(questionnaire_id: str) -> None:
    reversed_by_factor = Counter(
        item.factor for item in load(questionnaire_id, SHIPPED_DIR).items if item.reverse
    )
    for factor in FACTORS:
        assert 1 <= reversed_by_factor[factor] <= 3, factor


@pytest.mark.parametrize("questionnaire_id", GENERAL)
def test_general_questionnaire_ids_follow_the_factor_letter(questionnaire_id: str) -> None:
    letters = {"declarations": "D", "resources": "R", "behaviours": "B"}
    for item in load(questionnaire_id, SHIPPED_DIR).items:
        assert item.id[0] == letters[item.factor.value]
        assert len(item.id) == 3
        assert item.id[1:].isdigit()


@pytest.mark.parametrize("questionnaire_id", GENERAL)
def test_general_questionnaire_covers_every_area_and_only_known_areas(
    questionnaire_id: str,
) -> None:
    areas = {item.area for item in load(questionnaire_id, SHIPPED_DIR).items}
    assert areas == AREAS


def test_variants_use_only_known_areas() -> None:
    for questionnaire in list_shipped(SHIPPED_DIR):
        assert {item.area for item in questionnaire.items} <= AREAS, questionnaire.id


@pytest.mark.parametrize("family", VARIANTS)
@pytest.mark.parametrize("language", ["en", "pl"])
def test_variant_holds_all_general_items_first_then_two_own_items_per_factor(
    family: str, language: str
) -> None:
    prefix, company_type = VARIANTS[family]
    general = load(f"general-{language}", SHIPPED_DIR)
    variant = load(f"{family}-{language}", SHIPPED_DIR)

    assert variant.items[: len(general.items)] == general.items
    own = variant.items[len(general.items) :]
    assert all(item.id.startswith(prefix) for item in own)
    assert Counter(item.factor for item in own) == {factor: 2 for factor in FACTORS}
    assert variant.company_type == company_type
    assert variant.scale == general.scale
    assert variant.thresholds == general.thresholds


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


def test_item_texts_are_unique_within_each_questionnaire() -> None:
    for questionnaire in list_shipped(SHIPPED_DIR):
        texts = [item.text.casefold() for item in questionnaire.items]
        assert len(texts) == len(set(texts)), questionnaire.id
