"""Questionnaire format 2: instruction, area groups, eight items a factor, remove and replace.

Real files in ``tmp_path``; every refusal is one line naming the file, the item (or
factor) and the reason.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from coherence_tui.domain.model import AreaGroup, Questionnaire
from coherence_tui.storage.questionnaires import ENV_DIR, QuestionnaireError, load_file

HEADER = """\
format_version = 2
id = "{id}"
version = "1.0"
language = "{language}"
title = "Test questionnaire"
company_type = "general"
"""

BASE_TABLES = """\
instruction = "Answer from your own experience; press 0 if you have no basis to judge."

[scale]
labels = ["SD", "D", "N", "A", "SA"]
dont_know = "?"

[areas]
feedback = "clients"
people = "staff"
"""

LETTERS = {"declarations": "D", "resources": "R", "behaviours": "B"}


def item(item_id: str, factor: str, text: str = "", **extra: str) -> str:
    """One [[items]] table; ``extra`` values are TOML literals (``'"R03"'``, ``"true"``)."""
    lines = [
        "",
        "[[items]]",
        f'id = "{item_id}"',
        f'factor = "{factor}"',
        'area = "feedback"',
        f'text = "{text or f"Statement {item_id} long enough."}"',
    ]
    lines += [f"{key} = {value}" for key, value in extra.items()]
    return "\n".join(lines) + "\n"


def items_per_factor(count: int = 8) -> str:
    """``count`` items for each factor: D1..Dn, R1..Rn, B1..Bn."""
    return "".join(
        item(f"{letter}{n}", factor)
        for factor, letter in LETTERS.items()
        for n in range(1, count + 1)
    )


def write(
    directory: Path,
    stem: str,
    body: str,
    *,
    tables: str = BASE_TABLES,
    top: str = "",
    language: str = "en",
) -> Path:
    """Write ``stem``.toml: the header, ``top`` keys, ``tables`` and ``body`` (items)."""
    path = directory / f"{stem}.toml"
    path.write_text(HEADER.format(id=stem, language=language) + top + tables + body, "utf-8")
    return path


def write_base(directory: Path, count: int = 8, stem: str = "base") -> Path:
    return write(directory, stem, items_per_factor(count))


def write_variant(directory: Path, body: str, *, top: str = "", stem: str = "variant") -> Path:
    return write(directory, stem, body, tables="", top=f'extends = "base"\n{top}')


def error_of(path: Path) -> str:
    """The one-line message loading ``path`` raises; it starts with the file's name."""
    with pytest.raises(QuestionnaireError) as caught:
        load_file(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path.name}: ")
    return message


@pytest.fixture(autouse=True)
def _inside_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(ENV_DIR, raising=False)


# --- a format 2 file


def test_format_2_file_carries_instruction_areas_and_its_version(tmp_path: Path) -> None:
    questionnaire = load_file(write_base(tmp_path))
    assert questionnaire.format_version == 2
    assert questionnaire.instruction.endswith("press 0 if you have no basis to judge.")
    assert questionnaire.areas == {"feedback": AreaGroup.CLIENTS, "people": AreaGroup.STAFF}
    assert questionnaire.area_group("D1") is AreaGroup.CLIENTS
    assert len(questionnaire.items) == 24


def test_file_without_format_version_is_format_1(tmp_path: Path) -> None:
    path = tmp_path / "old.toml"
    path.write_text(
        'id = "old"\nversion = "1"\nlanguage = "pl"\ntitle = "t"\ncompany_type = "general"\n'
        '[scale]\nlabels = ["a", "b", "c", "d", "e"]\ndont_know = "?"\n'
        + item("D1", "declarations")
        + item("R1", "resources")
        + item("B1", "behaviours"),
        "utf-8",
    )
    questionnaire = load_file(path)
    assert questionnaire.format_version == 1
    assert questionnaire.instruction == "" and questionnaire.areas == {}
    assert questionnaire.area_group("D1") is None


def test_format_1_file_may_not_use_format_2_keys(tmp_path: Path) -> None:
    path = write_base(tmp_path)
    path.write_text(path.read_text("utf-8").replace("format_version = 2", "format_version = 1"))
    assert error_of(path) == "base.toml: 'instruction' needs format_version = 2"


def test_unknown_format_version_is_refused(tmp_path: Path) -> None:
    path = write_base(tmp_path)
    path.write_text(path.read_text("utf-8").replace("format_version = 2", "format_version = 3"))
    assert error_of(path) == "base.toml: format_version 3 is not one this program reads (1, 2)"


def test_format_2_needs_an_instruction(tmp_path: Path) -> None:
    tables = BASE_TABLES.split("\n", 1)[1]  # without the instruction line
    path = write(tmp_path, "mute", items_per_factor(), tables=tables)
    assert error_of(path).startswith("mute.toml: missing 'instruction'")


def test_area_not_in_the_areas_table_names_the_item(tmp_path: Path) -> None:
    body = items_per_factor().replace('area = "feedback"', 'area = "climate"', 1)
    message = error_of(write(tmp_path, "areas", body))
    assert message.startswith("areas.toml: item D1: area 'climate' is not in [areas]")


def test_area_mapped_to_an_unknown_group_is_refused(tmp_path: Path) -> None:
    tables = BASE_TABLES.replace('people = "staff"', 'people = "employees"')
    message = error_of(write(tmp_path, "groups", items_per_factor(), tables=tables))
    assert message.startswith("groups.toml: areas.people: ")
    assert "'employees'" in message


def test_format_2_factor_under_eight_items_names_the_factor(tmp_path: Path) -> None:
    body = items_per_factor().replace(item("B8", "behaviours"), "")
    assert error_of(write(tmp_path, "short", body)) == (
        "short.toml: factor behaviours has 7 items (format 2 needs at least 8)"
    )


def test_translation_note_is_read(tmp_path: Path) -> None:
    tables = BASE_TABLES + '\n[translation]\nsource = "en"\nnote = "Checked by nobody yet."\n'
    questionnaire = load_file(write(tmp_path, "pl", items_per_factor(), tables=tables))
    assert questionnaire.translation is not None
    assert (questionnaire.translation.source, questionnaire.translation.note) == (
        "en",
        "Checked by nobody yet.",
    )


@pytest.mark.parametrize("language", ["uk", "ru"])
def test_ukrainian_and_russian_are_questionnaire_languages(tmp_path: Path, language: str) -> None:
    path = write(tmp_path, f"q-{language}", items_per_factor(), language=language)
    assert load_file(path).language == language


# --- variants: remove and replace


def test_variant_inherits_instruction_and_areas_and_may_add_an_area(tmp_path: Path) -> None:
    write_base(tmp_path)
    own = '\n[areas]\nclimate = "staff"\n' + item("V-B1", "behaviours").replace(
        "feedback", "climate"
    )
    variant = load_file(write_variant(tmp_path, own))
    assert variant.instruction.startswith("Answer from your own experience")
    assert variant.areas["climate"] is AreaGroup.STAFF
    assert variant.areas["feedback"] is AreaGroup.CLIENTS
    assert variant.item_ids[-1] == "V-B1"


def test_variant_may_give_its_own_instruction(tmp_path: Path) -> None:
    write_base(tmp_path)
    top = 'instruction = "Think of your own shop; press 0 when you cannot judge."\n'
    variant = load_file(write_variant(tmp_path, item("V-D1", "declarations"), top=top))
    assert variant.instruction == "Think of your own shop; press 0 when you cannot judge."


def test_remove_drops_base_items_and_keeps_the_order(tmp_path: Path) -> None:
    write_base(tmp_path, count=9)
    top = 'remove = ["D2", "B9"]\n'
    variant = load_file(write_variant(tmp_path, item("V-R1", "resources"), top=top))
    ids = variant.item_ids
    assert "D2" not in ids and "B9" not in ids
    assert ids[:3] == ("D1", "D3", "D4")
    assert ids[-2:] == ("B8", "V-R1")
    assert len(ids) == 27 - 2 + 1


def test_replacement_takes_the_place_of_the_item_it_replaces(tmp_path: Path) -> None:
    write_base(tmp_path)
    own = item("V-R9", "resources", "Staff rotas match the busy hours.", replaces='"R3"')
    variant = load_file(write_variant(tmp_path, own))
    ids = variant.item_ids
    assert "R3" not in ids
    assert ids.index("V-R9") == ids.index("R2") + 1 == ids.index("R4") - 1
    assert variant.item("V-R9").text == "Staff rotas match the busy hours."
    assert len(ids) == 24


def test_variant_with_only_removals_loads(tmp_path: Path) -> None:
    write_base(tmp_path, count=9)
    variant = load_file(write_variant(tmp_path, "", top='remove = ["R9"]\n'))
    assert len(variant.items) == 26 and "R9" not in variant.item_ids


def test_variant_leaving_a_factor_under_eight_names_the_removed_item(tmp_path: Path) -> None:
    write_base(tmp_path)
    path = write_variant(tmp_path, item("V-D1", "declarations"), top='remove = ["B3", "B8"]\n')
    assert error_of(path) == (
        "variant.toml: item B8: removing it leaves factor behaviours with 6 items "
        "(at least 8 needed)"
    )


def test_removal_made_up_by_an_own_item_of_the_factor_is_fine(tmp_path: Path) -> None:
    write_base(tmp_path)
    variant = load_file(
        write_variant(tmp_path, item("V-B1", "behaviours"), top='remove = ["B3"]\n')
    )
    assert sum(1 for i in variant.items if i.factor == "behaviours") == 8


def test_removing_an_item_the_base_lacks_is_refused(tmp_path: Path) -> None:
    write_base(tmp_path)
    path = write_variant(tmp_path, item("V-D1", "declarations"), top='remove = ["D99"]\n')
    assert error_of(path) == "variant.toml: item D99: cannot remove it: not an item of 'base'"


def test_removing_an_item_twice_is_refused(tmp_path: Path) -> None:
    write_base(tmp_path, count=9)
    path = write_variant(tmp_path, item("V-D1", "declarations"), top='remove = ["D1", "D1"]\n')
    assert error_of(path) == "variant.toml: item D1: removed twice"


def test_replacing_an_item_the_base_lacks_is_refused(tmp_path: Path) -> None:
    write_base(tmp_path)
    path = write_variant(tmp_path, item("V-R1", "resources", replaces='"R99"'))
    assert (
        error_of(path) == "variant.toml: item V-R1: replaces 'R99', which is not an item of 'base'"
    )


def test_replacement_in_another_factor_is_refused(tmp_path: Path) -> None:
    write_base(tmp_path)
    path = write_variant(tmp_path, item("V-B1", "behaviours", replaces='"R3"'))
    assert error_of(path) == (
        "variant.toml: item V-B1: replaces 'R3' of factor resources, so it must be resources "
        "too (got 'behaviours')"
    )


def test_replacement_under_the_replaced_items_id_is_refused(tmp_path: Path) -> None:
    write_base(tmp_path)
    path = write_variant(tmp_path, item("R3", "resources", "A new meaning.", replaces='"R3"'))
    assert error_of(path).startswith(
        "variant.toml: item R3: replaces 'R3' under the same id: a replacement needs an id"
    )


def test_replacing_a_removed_item_is_refused(tmp_path: Path) -> None:
    write_base(tmp_path, count=9)
    path = write_variant(
        tmp_path, item("V-R1", "resources", replaces='"R3"'), top='remove = ["R3"]\n'
    )
    assert error_of(path) == "variant.toml: item V-R1: replaces 'R3', which this file also removes"


def test_replacing_one_item_twice_is_refused(tmp_path: Path) -> None:
    write_base(tmp_path)
    own = item("V-R1", "resources", replaces='"R3"') + item("V-R2", "resources", replaces='"R3"')
    assert error_of(write_variant(tmp_path, own)) == (
        "variant.toml: item V-R2: replaces 'R3', already replaced by V-R1"
    )


def test_a_removed_items_id_is_never_given_to_another_statement(tmp_path: Path) -> None:
    write_base(tmp_path, count=9)
    path = write_variant(tmp_path, item("D2", "declarations"), top='remove = ["D2"]\n')
    assert error_of(path) == "variant.toml: duplicate item id 'D2' (already in 'base')"


def test_remove_without_extends_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "lonely", items_per_factor(), top='remove = ["D1"]\n')
    assert error_of(path).startswith("lonely.toml: 'remove' needs 'extends'")


def test_replaces_in_a_format_1_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.toml"
    path.write_text(
        'id = "old"\nversion = "1"\nlanguage = "en"\ntitle = "t"\ncompany_type = "general"\n'
        '[scale]\nlabels = ["a", "b", "c", "d", "e"]\ndont_know = "?"\n'
        + item("D1", "declarations", replaces='"D0"'),
        "utf-8",
    )
    assert error_of(path) == "old.toml: item D1: 'replaces' needs format_version = 2"


def test_variant_in_another_format_than_its_base_is_refused(tmp_path: Path) -> None:
    write_base(tmp_path)
    path = tmp_path / "old.toml"
    path.write_text(
        'id = "old"\nextends = "base"\nversion = "1"\nlanguage = "en"\ntitle = "t"\n'
        'company_type = "general"\n' + item("V-D1", "declarations"),
        "utf-8",
    )
    assert error_of(path) == (
        "old.toml: extends 'base' of format_version 2, but this file is format_version 1"
    )


def test_a_frozen_format_2_questionnaire_survives_a_round_trip(tmp_path: Path) -> None:
    """Sessions freeze ``model_dump(mode="json")`` and load it back with ``model_validate``."""
    write_base(tmp_path, count=9)
    own = item("V-R9", "resources", replaces='"R3"')
    variant = load_file(write_variant(tmp_path, own, top='remove = ["D8"]\n'))
    frozen = variant.model_dump(mode="json")
    assert Questionnaire.model_validate(frozen) == variant
    assert "remove" not in frozen and all("replaces" not in i for i in frozen["items"])


def test_validate_refuses_a_variant_under_eight_in_one_line_exit_1(tmp_path: Path) -> None:
    write_base(tmp_path)
    path = write_variant(tmp_path, item("V-D1", "declarations"), top='remove = ["R1"]\n')
    done = subprocess.run(
        [sys.executable, "-m", "coherence_tui", "questionnaires", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (
        "coherence-tui: error: variant.toml: item R1: removing it leaves factor resources "
        "with 7 items (at least 8 needed)\n"
    )


def test_a_session_frozen_on_a_version_1_questionnaire_still_opens_with_its_old_ids(
    tmp_path: Path,
) -> None:
    """Retiring D01 in the shipped files never touches a session that froze it."""
    from coherence_tui.domain.model import Level, SessionSettings
    from coherence_tui.storage.store import ImportRow, SessionStore

    old = tmp_path / "old-general.toml"
    old.write_text(
        'id = "old-general"\nversion = "1.0"\nlanguage = "en"\ntitle = "t"\n'
        'company_type = "general"\n[scale]\nlabels = ["a", "b", "c", "d", "e"]\n'
        'dont_know = "?"\n'
        + item("D01", "declarations", "Our company has written service standards.")
        + item("R01", "resources")
        + item("B01", "behaviours"),
        "utf-8",
    )
    path = tmp_path / "last-year.json"
    store = SessionStore.create(
        path, name="last-year", questionnaire=load_file(old), settings=SessionSettings(k=3)
    )
    store.import_answers([ImportRow("P1", Level.BOARD, None, "D01", 2)])
    old.unlink()  # the file is gone; the session keeps its frozen copy

    snapshot = SessionStore.open(path).snapshot()
    assert snapshot.questionnaire.format_version == 1
    assert snapshot.questionnaire.item("D01").text == "Our company has written service standards."
    assert [(a.item, a.value) for a in snapshot.answers] == [("D01", 2)]
