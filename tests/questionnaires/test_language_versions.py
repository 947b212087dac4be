"""Language versions of one questionnaire frozen together (issue 11: ``languages``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from coherence_tui.domain.model import LANGUAGES
from coherence_tui.storage.languages import parse_languages, with_languages
from coherence_tui.storage.questionnaires import SHIPPED_DIR, QuestionnaireError, load, load_file

FAMILIES = ("general", "ecommerce", "b2b-subscription", "retail-services")


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("own", LANGUAGES)
def test_every_shipped_questionnaire_combines_with_its_other_languages(
    family: str, own: str
) -> None:
    combined = with_languages(load(f"{family}-{own}"), LANGUAGES, SHIPPED_DIR)
    assert combined.languages == (own, *(lang for lang in LANGUAGES if lang != own))
    for lang, version in combined.translations.items():
        sibling = load(f"{family}-{lang}")
        assert version.title == sibling.title
        assert version.scale == sibling.scale
        assert version.items == {item.id: item.text for item in sibling.items}
    # Scoring is the questionnaire's own: items, factors and thresholds unchanged.
    assert combined.items == load(f"{family}-{own}").items


def test_own_language_is_offered_first_and_the_rest_in_the_order_given() -> None:
    combined = with_languages(load("general-pl"), ("ru", "pl", "en"), SHIPPED_DIR)
    assert combined.languages == ("pl", "ru", "en")


def test_own_language_alone_gives_the_questionnaire_unchanged() -> None:
    questionnaire = load("general-uk")
    assert with_languages(questionnaire, ("uk",), SHIPPED_DIR) is questionnaire
    assert questionnaire.translations == {} and questionnaire.languages == ("uk",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("en,fr", "unknown language 'fr'"),
        ("en,pl,en", "'en' given twice"),
        (" , ", "at least one language"),
    ],
)
def test_languages_option_is_refused_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_languages(text)


def _copy_pair(tmp_path: Path) -> tuple[Path, Path]:
    english = Path(shutil.copy(SHIPPED_DIR / "general-en.toml", tmp_path))
    polish = Path(shutil.copy(SHIPPED_DIR / "general-pl.toml", tmp_path))
    return english, polish


def _edit_item(path: Path, item_id: str, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in the [[items]] table of ``item_id`` only."""
    text = path.read_text(encoding="utf-8")
    start = text.index(f'id = "{item_id}"')
    end = text.find("[[items]]", start)
    end = len(text) if end < 0 else end
    table = text[start:end]
    assert old in table, (item_id, old)
    path.write_text(text[:start] + table.replace(old, new, 1) + text[end:], encoding="utf-8")


def _first_item(path: Path, **where: object) -> str:
    for item in load_file(path).items:
        if all(getattr(item, key) == value for key, value in where.items()):
            return item.id
    raise AssertionError(where)


@pytest.mark.parametrize("field", ["reverse", "area", "predict"])
def test_a_language_version_that_differs_item_by_item_is_refused_naming_file_and_item(
    tmp_path: Path, field: str
) -> None:
    english, polish = _copy_pair(tmp_path)
    if field == "reverse":
        item = _first_item(polish, reverse=True)
        _edit_item(polish, item, "reverse = true", "reverse = false")
    elif field == "area":
        item = _first_item(polish, area="complaints")
        _edit_item(polish, item, 'area = "complaints"', 'area = "feedback"')
    else:
        item = _first_item(polish, predict=True)
        _edit_item(polish, item, "predict = true", "predict = false")
    load_file(polish)  # still a sound questionnaire on its own
    with pytest.raises(QuestionnaireError) as refused:
        with_languages(load_file(english), ("pl",), tmp_path)
    message = str(refused.value)
    assert "\n" not in message
    assert "general-pl.toml" in message and f"item {item}: {field} is" in message
    assert "general-en" in message


def test_a_language_version_with_another_item_is_refused(tmp_path: Path) -> None:
    english, polish = _copy_pair(tmp_path)
    item = load_file(polish).items[-1].id
    _edit_item(polish, item, f'id = "{item}"', 'id = "ZZ-99"')
    with pytest.raises(QuestionnaireError, match=rf"general-pl.toml: item {item}: missing"):
        with_languages(load_file(english), ("pl",), tmp_path)


def test_a_missing_language_file_is_refused_naming_the_file_looked_for(tmp_path: Path) -> None:
    english, _ = _copy_pair(tmp_path)
    with pytest.raises(QuestionnaireError, match=r"general-uk.toml: no 'uk' version"):
        with_languages(load_file(english), ("pl", "uk"), tmp_path)


def test_a_file_in_another_language_than_its_name_says_is_refused(tmp_path: Path) -> None:
    english, polish = _copy_pair(tmp_path)
    russian = tmp_path / "general-ru.toml"
    russian.write_text(
        polish.read_text(encoding="utf-8").replace('id = "general-pl"', 'id = "general-ru"'),
        encoding="utf-8",
    )
    with pytest.raises(QuestionnaireError, match=r"general-ru.toml: is in 'pl', not 'ru'"):
        with_languages(load_file(english), ("ru",), tmp_path)


def test_a_questionnaire_named_without_its_language_cannot_find_other_languages(
    tmp_path: Path,
) -> None:
    english, _ = _copy_pair(tmp_path)
    mine = tmp_path / "mine.toml"
    mine.write_text(
        english.read_text(encoding="utf-8").replace('id = "general-en"', 'id = "mine"'),
        encoding="utf-8",
    )
    with pytest.raises(QuestionnaireError, match="its id must end in '-en'"):
        with_languages(load_file(mine), ("pl",), tmp_path)


def test_a_questionnaire_file_cannot_hold_translations_itself(tmp_path: Path) -> None:
    english, _ = _copy_pair(tmp_path)
    text = english.read_text(encoding="utf-8")
    english.write_text(
        text.replace("[scale]", '[translations.pl]\ntitle = "x"\n\n[scale]', 1), encoding="utf-8"
    )
    with pytest.raises(QuestionnaireError, match="'translations' is not written"):
        load_file(english)
