"""Loading questionnaire files: ``extends``, the directory, and one-line errors for broken files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from coherence_tui.storage.questionnaires import (
    ENV_DIR,
    QuestionnaireError,
    list_shipped,
    load,
    load_file,
)

HEADER = """\
id = "{id}"
version = "1.0"
language = "{language}"
title = "Test questionnaire"
company_type = "general"
"""

SCALE = """
[scale]
labels = ["SD", "D", "N", "A", "SA"]
dont_know = "?"
"""


def item(item_id: str, factor: str, text: str = "A statement long enough.", **extra: str) -> str:
    """One [[items]] table in TOML."""
    lines = [
        "",
        "[[items]]",
        f'id = "{item_id}"',
        f'factor = "{factor}"',
        'area = "feedback"',
        f'text = "{text}"',
    ]
    lines += [f"{key} = {value}" for key, value in extra.items()]
    return "\n".join(lines) + "\n"


THREE_ITEMS = item("D01", "declarations") + item("R01", "resources") + item("B01", "behaviours")


def write(
    directory: Path,
    stem: str,
    body: str = THREE_ITEMS,
    *,
    language: str = "en",
    questionnaire_id: str | None = None,
    extends: str | None = None,
    scale: str = SCALE,
) -> Path:
    """Write a questionnaire file ``stem``.toml into ``directory`` and return its path."""
    text = HEADER.format(id=questionnaire_id or stem, language=language)
    if extends is not None:
        text += f'extends = "{extends}"\n'
    path = directory / f"{stem}.toml"
    path.write_text(text + scale + body, encoding="utf-8")
    return path


def error_of(path: Path, at: Path | None = None) -> str:
    """The one-line message of the QuestionnaireError that loading ``path`` raises.

    Checks that the message is one line and starts with the file at fault
    (``at``, by default ``path`` itself).
    """
    with pytest.raises(QuestionnaireError) as caught:
        load_file(path)
    message = str(caught.value)
    assert "\n" not in message
    culprit = at or path
    assert message.startswith(f"{culprit.name}: ")  # the tests run inside tmp_path
    assert caught.value.path == culprit
    return message


@pytest.fixture(autouse=True)
def _inside_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in ``tmp_path`` (so errors name files relative to it), with no directory override."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(ENV_DIR, raising=False)


# --- files that load


def test_minimal_file_loads_with_default_thresholds(tmp_path: Path) -> None:
    questionnaire = load_file(write(tmp_path, "mini"))
    assert questionnaire.item_ids == ("D01", "R01", "B01")
    assert questionnaire.thresholds.stool_wobbly == 30
    assert questionnaire.scale.labels == ("SD", "D", "N", "A", "SA")


def test_reverse_flag_is_read_from_the_file(tmp_path: Path) -> None:
    body = THREE_ITEMS + item("D02", "declarations", reverse="true")
    questionnaire = load_file(write(tmp_path, "mini", body))
    assert questionnaire.item("D02").reverse is True
    assert questionnaire.item("D01").reverse is False


def test_variant_puts_base_items_first_and_inherits_scale_and_thresholds(tmp_path: Path) -> None:
    write(tmp_path, "base", THREE_ITEMS + "\n[thresholds]\npromise_gap = 40\n")
    variant = load_file(
        write(tmp_path, "variant", item("X-D01", "declarations"), extends="base", scale="")
    )
    assert variant.item_ids == ("D01", "R01", "B01", "X-D01")
    assert variant.scale.labels == ("SD", "D", "N", "A", "SA")
    assert variant.thresholds.promise_gap == 40
    assert variant.id == "variant"


def test_variant_may_override_single_thresholds_and_keep_the_rest(tmp_path: Path) -> None:
    write(tmp_path, "base", THREE_ITEMS + "\n[thresholds]\npromise_gap = 40\nstool_wobbly = 20\n")
    own = "\n[thresholds]\npromise_gap = 70\n" + item("X-R01", "resources")
    variant = load_file(write(tmp_path, "variant", own, extends="base", scale=""))
    assert variant.thresholds.promise_gap == 70
    assert variant.thresholds.stool_wobbly == 20


def test_variant_of_a_variant_collects_items_of_the_whole_chain(tmp_path: Path) -> None:
    write(tmp_path, "base")
    write(tmp_path, "middle", item("M-D01", "declarations"), extends="base", scale="")
    top = load_file(write(tmp_path, "top", item("T-B01", "behaviours"), extends="middle", scale=""))
    assert top.item_ids == ("D01", "R01", "B01", "M-D01", "T-B01")


def test_load_finds_a_questionnaire_by_id_in_the_given_directory(tmp_path: Path) -> None:
    write(tmp_path, "mine")
    assert load("mine", tmp_path).id == "mine"


def test_load_names_the_available_ids_when_the_id_is_unknown(tmp_path: Path) -> None:
    write(tmp_path, "alpha")
    write(tmp_path, "beta")
    with pytest.raises(QuestionnaireError) as caught:
        load("gamma", tmp_path)
    assert str(caught.value) == "unknown questionnaire 'gamma' (available: alpha, beta)"


def test_load_refuses_an_id_that_points_outside_the_directory(tmp_path: Path) -> None:
    inner = tmp_path / "inner"
    inner.mkdir()
    write(tmp_path, "outside")
    with pytest.raises(QuestionnaireError, match="unknown questionnaire '../outside'"):
        load("../outside", inner)


def test_environment_variable_redirects_the_default_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "elsewhere")
    monkeypatch.setenv(ENV_DIR, str(tmp_path))
    assert [q.id for q in list_shipped()] == ["elsewhere"]
    assert load("elsewhere").id == "elsewhere"


def test_list_shipped_sorts_by_id_and_ignores_other_files(tmp_path: Path) -> None:
    write(tmp_path, "zulu")
    write(tmp_path, "alpha")
    (tmp_path / "notes.txt").write_text("not a questionnaire", encoding="utf-8")
    assert [q.id for q in list_shipped(tmp_path)] == ["alpha", "zulu"]


def test_list_shipped_raises_the_error_of_a_broken_file(tmp_path: Path) -> None:
    write(tmp_path, "good")
    (tmp_path / "broken.toml").write_text("id = \n", encoding="utf-8")
    with pytest.raises(QuestionnaireError, match=r"broken\.toml: line 1: invalid TOML"):
        list_shipped(tmp_path)


def test_list_shipped_refuses_a_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(QuestionnaireError, match="questionnaires directory not found"):
        list_shipped(tmp_path / "nowhere")


# --- broken files: one line naming the file, the item and the reason


def test_unknown_factor_names_file_item_and_expected_factors(tmp_path: Path) -> None:
    path = write(tmp_path, "broken", THREE_ITEMS + item("D03", "declaration"))
    assert error_of(path).endswith(
        "broken.toml: item D03: unknown factor 'declaration'"
        " (expected declarations, resources, behaviours)"
    )


def test_duplicate_item_id_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "dup", THREE_ITEMS + item("D01", "declarations", "Another statement."))
    assert error_of(path).endswith("dup.toml: duplicate item id 'D01'")


def test_missing_text_names_the_item(tmp_path: Path) -> None:
    body = THREE_ITEMS + '\n[[items]]\nid = "R02"\nfactor = "resources"\narea = "people"\n'
    assert error_of(write(tmp_path, "notext", body)).endswith("notext.toml: item R02: missing text")


def test_blank_text_counts_as_missing(tmp_path: Path) -> None:
    path = write(tmp_path, "blank", THREE_ITEMS + item("B02", "behaviours", text="   "))
    assert error_of(path).endswith("blank.toml: item B02: missing text")


def test_item_without_id_is_named_by_its_position(tmp_path: Path) -> None:
    body = (
        THREE_ITEMS + '\n[[items]]\nfactor = "resources"\narea = "people"\ntext = "Long enough."\n'
    )
    assert error_of(write(tmp_path, "noid", body)).endswith("noid.toml: item #4: missing 'id'")


def test_item_without_id_in_a_variant_is_numbered_within_the_variant(tmp_path: Path) -> None:
    write(tmp_path, "base")
    body = item("V-D01", "declarations") + '\n[[items]]\nfactor = "resources"\n'
    body += 'area = "people"\ntext = "Long enough."\n'
    path = write(tmp_path, "variant", body, extends="base", scale="")
    assert error_of(path).endswith("variant.toml: item #2: missing 'id'")


def test_bad_toml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "syntax.toml"
    path.write_text('id = "syntax"\nversion = "1.0"\n\ntitle = = "oops"\n', encoding="utf-8")
    message = error_of(path)
    assert message.startswith("syntax.toml: line 4: invalid TOML: ")
    assert "(at line" not in message


def test_unknown_extends_names_the_missing_base_and_what_exists(tmp_path: Path) -> None:
    write(tmp_path, "general")
    path = write(tmp_path, "variant", item("V-D01", "declarations"), extends="genral", scale="")
    assert error_of(path).endswith(
        "variant.toml: extends unknown questionnaire 'genral' (available: general)"
    )


def test_base_in_another_language_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "base-en", language="en")
    path = write(
        tmp_path, "variant-pl", item("V-D01", "declarations"), language="pl", extends="base-en"
    )
    assert error_of(path).endswith(
        "variant-pl.toml: extends 'base-en' in language 'en', but this file is 'pl'"
    )


def test_file_stem_must_equal_id(tmp_path: Path) -> None:
    path = write(tmp_path, "stem", questionnaire_id="other")
    assert error_of(path).endswith(
        "stem.toml: id 'other' does not match the file name (expected 'stem')"
    )


def test_extends_cycle_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "a", item("A-D01", "declarations"), extends="b")
    write(tmp_path, "b", item("B-D01", "declarations"), extends="a")
    message = error_of(tmp_path / "a.toml", at=tmp_path / "b.toml")
    assert message.endswith("b.toml: 'extends' makes a cycle: a -> b -> a")


def test_file_extending_itself_is_a_cycle(tmp_path: Path) -> None:
    path = write(tmp_path, "self", extends="self")
    assert error_of(path).endswith("self.toml: 'extends' makes a cycle: self -> self")


def test_variant_repeating_a_base_item_id_is_a_duplicate(tmp_path: Path) -> None:
    write(tmp_path, "base")
    path = write(tmp_path, "variant", item("R01", "resources"), extends="base", scale="")
    assert error_of(path).endswith("variant.toml: duplicate item id 'R01' (already in 'base')")


def test_broken_base_is_reported_against_the_base_file(tmp_path: Path) -> None:
    write(tmp_path, "base", THREE_ITEMS + item("B09", "behavior"))
    path = write(tmp_path, "variant", item("V-D01", "declarations"), extends="base", scale="")
    message = error_of(path, at=tmp_path / "base.toml")
    assert "base.toml: item B09: unknown factor 'behavior'" in message


def test_unknown_item_key_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "extra", THREE_ITEMS + item("D02", "declarations", weight="2"))
    assert error_of(path).endswith("extra.toml: item D02: unknown key 'weight'")


def test_unknown_top_level_key_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "extra", THREE_ITEMS)
    path.write_text('author = "me"\n' + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert error_of(path).endswith("extra.toml: unknown key 'author'")


def test_file_without_items_is_refused(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, "empty", ""))
    assert message.endswith("empty.toml: no items (add at least one [[items]] table)")


def test_missing_factor_in_the_whole_questionnaire_is_refused(tmp_path: Path) -> None:
    body = item("D01", "declarations") + item("R01", "resources")
    assert error_of(write(tmp_path, "two", body)).endswith(
        "two.toml: no items for factor(s) behaviours"
    )


def test_unknown_language_is_refused(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, "de", language="de"))
    assert message.startswith("de.toml: language: ")
    assert "'de'" in message


def test_missing_scale_is_refused(tmp_path: Path) -> None:
    assert error_of(write(tmp_path, "noscale", scale="")).endswith("noscale.toml: missing 'scale'")


def test_bad_item_id_shows_the_value(tmp_path: Path) -> None:
    path = write(tmp_path, "badid", THREE_ITEMS + item("D 04", "declarations"))
    message = error_of(path)
    assert "badid.toml: item D 04: id: " in message
    assert "'D 04'" in message


def test_missing_file_is_a_questionnaire_error(tmp_path: Path) -> None:
    assert error_of(tmp_path / "ghost.toml").endswith("ghost.toml: file not found")


def test_several_problems_are_counted_on_the_same_line(tmp_path: Path) -> None:
    body = THREE_ITEMS + item("D02", "nonsense") + item("D03", "nonsense")
    message = error_of(write(tmp_path, "many", body))
    assert message.endswith("(and 1 more problem)")


def test_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "latin")
    path.write_bytes(path.read_bytes() + "# zażółć\n".encode("iso8859-2"))
    assert error_of(path).endswith("latin.toml: not UTF-8 text")


def test_loader_never_imports_textual() -> None:
    code = (
        "import sys\n"
        "from coherence_tui.storage.questionnaires import list_shipped\n"
        "list_shipped()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'textual', 'plotext'}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
