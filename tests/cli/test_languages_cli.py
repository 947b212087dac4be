"""Ukrainian and Russian questionnaires through the command line, and counted messages.

The interface speaks English and Polish; a session on a Ukrainian or Russian
questionnaire gets English labels around statements in their own language.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from coherence_tui.storage.questionnaires import load
from tests.cli.conftest import Run, write_csv


def _answers(questionnaire_id: str, people: int = 4) -> list[str]:
    """``people`` participants, half board, half front line, answering every statement."""
    rows = []
    for n in range(people):
        level, value = ("board", 2) if n % 2 == 0 else ("front_line", -1)
        rows += [f"P{n},{level},,{i.id},{value}" for i in load(questionnaire_id).items]
    return rows


@pytest.mark.parametrize("language", ["uk", "ru"])
def test_session_in_ukrainian_or_russian_reports_with_english_labels(
    run: Run, tmp_path: Path, language: str
) -> None:
    questionnaire_id = f"general-{language}"
    run("new", "mix", "--questionnaire", questionnaire_id, "--k", "2", "--pin", "1234", check=True)
    answers = write_csv(tmp_path / "a.csv", _answers(questionnaire_id))
    run("import", "mix", str(answers), check=True)

    report = run("report", "mix", check=True)
    assert "Participants: Board 2" in report.stdout

    markdown = run("export", "mix", "--format", "md", check=True).stdout
    first = load(questionnaire_id).items[0]
    assert f"| {first.id} | {first.text} |" in markdown  # the statement in its own language
    assert "## Statements by level" in markdown
    assert "Groups with fewer than 2 participants are hidden (anonymity)." in markdown


def test_import_counts_one_answer_from_one_participant_in_the_singular(
    run: Run, session: Path, tmp_path: Path
) -> None:
    done = run("import", "acme", str(write_csv(tmp_path / "one.csv", ["P1,board,,D02,1"])))
    assert done.returncode == 0
    assert done.stdout.startswith("imported 1 answer from 1 participant into ")


def test_import_counts_several_in_the_plural(run: Run, session: Path, tmp_path: Path) -> None:
    rows = ["P1,board,,D02,1", "P1,board,,R02,1", "P2,board,,D02,-1"]
    done = run("import", "acme", str(write_csv(tmp_path / "three.csv", rows)))
    assert done.stdout.startswith("imported 3 answers from 2 participants into ")


@pytest.mark.parametrize(("k", "people"), [(3, "3 osoby"), (5, "5 osób")])
def test_polish_markdown_counts_people_with_the_right_form(
    run: Run, tmp_path: Path, k: int, people: str
) -> None:
    run("new", "pl", "--questionnaire", "general-pl", "--k", str(k), "--pin", "1234", check=True)
    markdown = run("export", "pl", "--format", "md", check=True).stdout
    assert f"Grupy liczące mniej niż {people} (k = {k}) są ukryte (anonimowość)." in markdown
    assert "(0 odpowiedzi)" in markdown
