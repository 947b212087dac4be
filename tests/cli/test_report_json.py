"""``report --json`` (a real subprocess) against a literal reading of DESIGN.md, on awkward
workshops: small levels, don't-know heavy boards, people who stopped half-way, k = 1 and 3."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from coherence_tui.storage.questionnaires import load
from tests.cli.conftest import Run, write_csv
from tests.domain.reference import reference_report
from tests.domain.test_scoring_properties import differences

QUESTIONNAIRE = load("general-en")
DOCUMENT = {
    "id": QUESTIONNAIRE.id,
    "items": [item.model_dump(mode="json") for item in QUESTIONNAIRE.items],
    "thresholds": QUESTIONNAIRE.thresholds.model_dump(mode="json"),
}
DEPARTMENTS = ["Sales", "Care"]


@pytest.mark.parametrize(
    ("k", "headcount"),
    [
        (3, {"board": 2, "management": 0, "front_line": 6}),  # board below k, nobody in management
        (1, {"board": 1, "management": 2, "front_line": 3}),  # k = 1
        (3, {"board": 1, "management": 1, "front_line": 1}),  # every level below k
        (3, {"board": 4, "management": 3, "front_line": 7}),  # departments face the audit
    ],
)
def test_report_json_matches_the_design(
    run: Run, tmp_path: Path, k: int, headcount: dict[str, int]
) -> None:
    args = ["new", "w", "--questionnaire", "general-en", "--departments", ",".join(DEPARTMENTS)]
    run(*args, "--k", str(k), "--pin", "1234", check=True)
    rng = random.Random(k * 100 + sum(headcount.values()))
    rows, people, latest = [], [], {}
    items = DOCUMENT["items"]
    for level, count in headcount.items():
        for n in range(count):
            code = f"{level[:2].upper()}{n}"
            dept = rng.choice(["", "Sales", "Care"])
            people.append((code, level, dept or None))
            stop = len(items) if n else len(items) // 3  # the first of each level stops half-way
            dont_know = 0.6 if level == "board" else 0.15  # don't-know heavy boards
            for item in items[:stop]:
                # D05 is "don't know" for everybody: its figures must be null.
                value = (
                    None
                    if item["id"] == "D05" or rng.random() < dont_know
                    else rng.choice([-2, -1, 0, 1, 2, 2])
                )
                rows.append(f"{code},{level},{dept},{item['id']},{'' if value is None else value}")
                latest[(code, item["id"])] = value
    run("import", "w", str(write_csv(tmp_path / "w.csv", rows)), check=True)
    got = json.loads(run("report", "w", "--json", check=True).stdout)
    expected = reference_report(DOCUMENT, people, latest, k, DEPARTMENTS, session="w")
    expected.pop("_cited")
    expected_ids = sorted(r["id"] for r in expected.pop("recommendations"))
    assert sorted(r["id"] for r in got.pop("recommendations")) == expected_ids
    problems = differences(expected, got)
    assert not problems, "\n".join(problems[:20])
    assert all("mean" not in entry for entry in got["items"]["D05"]["levels"].values())
