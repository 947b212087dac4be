"""Discussion prompts and predict statements in questionnaires: the format's rules and the
shipped files (two prompts a statement, five predict statements, the same in every language)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_questionnaire_format_v2 import item, items_per_factor, write

from coherence_tui.domain.model import MAX_PREDICT_ITEMS
from coherence_tui.storage.questionnaires import QuestionnaireError, list_shipped, load_file

SHIPPED = list_shipped()
BY_ID = {q.id: q for q in SHIPPED}


@pytest.fixture(autouse=True)
def _inside_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_a_format_2_item_carries_its_prompts_and_predict_flag(tmp_path: Path) -> None:
    extra = item(
        "X1", "resources", prompts='["Who decides this today?", "What would help?"]', predict="true"
    )
    q = load_file(write(tmp_path, "q", items_per_factor() + extra))
    x1 = q.item("X1")
    assert x1.prompts == ("Who decides this today?", "What would help?") and x1.predict
    assert [i.id for i in q.predict_items] == ["X1"]


def test_format_1_refuses_prompts_naming_the_item(tmp_path: Path) -> None:
    path = tmp_path / "old.toml"
    path.write_text(
        'id = "old"\nversion = "1"\nlanguage = "en"\ntitle = "Old"\ncompany_type = "general"\n'
        '[scale]\nlabels = ["a", "b", "c", "d", "e"]\ndont_know = "?"\n'
        + item("D1", "declarations")
        + item("R1", "resources", prompts='["Why is it so?"]')
        + item("B1", "behaviours"),
        encoding="utf-8",
    )
    with pytest.raises(QuestionnaireError, match=r"old.toml: item R1: 'prompts' needs format"):
        load_file(path)


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        (
            'prompts = ["Question one?", "Question two?", "Question three?", "Question four?"]',
            "at most 3 prompts",
        ),
        ('prompts = ["short"]', "8 to 300 characters"),
        ('prompts = ["A bell \\u0007 rings here"]', "control character"),
    ],
)
def test_bad_prompts_are_refused_naming_the_item(tmp_path: Path, extra: str, reason: str) -> None:
    key, value = extra.split(" = ", 1)
    body = items_per_factor() + item("X1", "resources", **{key: value})
    with pytest.raises(QuestionnaireError, match=rf"item X1: .*{reason}"):
        load_file(write(tmp_path, "q", body))


def test_more_than_five_or_a_reversed_predict_statement_is_refused(tmp_path: Path) -> None:
    body = items_per_factor() + "".join(
        item(f"P{n}", "resources", predict="true") for n in range(MAX_PREDICT_ITEMS + 1)
    )
    with pytest.raises(QuestionnaireError, match="at most 5"):
        load_file(write(tmp_path, "many", body))
    body = items_per_factor() + item("P1", "resources", predict="true", reverse="true")
    with pytest.raises(QuestionnaireError, match="reversed statement cannot be a predict"):
        load_file(write(tmp_path, "reversed", body))


@pytest.mark.parametrize("questionnaire", SHIPPED, ids=lambda q: q.id)
def test_every_shipped_statement_has_two_prompts_and_five_predict_statements(
    questionnaire: object,
) -> None:
    from coherence_tui.domain.model import Questionnaire

    assert isinstance(questionnaire, Questionnaire)
    assert all(len(i.prompts) == 2 for i in questionnaire.items)
    predicted = questionnaire.predict_items
    assert len(predicted) == MAX_PREDICT_ITEMS and not any(i.reverse for i in predicted)
    # Prompts are questions to the room, in the questionnaire's own language.
    assert all(p.rstrip().endswith("?") for i in questionnaire.items for p in i.prompts)


@pytest.mark.parametrize("family", ["general", "retail-services", "b2b-subscription", "ecommerce"])
def test_prompts_and_predict_flags_match_across_languages(family: str) -> None:
    english = BY_ID[f"{family}-en"]
    for lang in ("pl", "uk", "ru"):
        other = BY_ID[f"{family}-{lang}"]
        assert [i.id for i in other.predict_items] == [i.id for i in english.predict_items]
        assert [len(i.prompts) for i in other.items] == [len(i.prompts) for i in english.items]
        assert all(a.prompts != b.prompts for a, b in zip(english.items, other.items, strict=True))
        assert "prompts" in (other.translation.note if other.translation else "")
