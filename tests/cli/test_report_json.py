"""``report --json`` against a literal reading of DESIGN.md, to 2 decimals, on awkward workshops."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from coherence_tui.questionnaires import load
from tests.cli.conftest import Run, write_csv
from tests.domain.reference import reference_report

QUESTIONNAIRE = load("general-en")
ITEMS = [{"id": i.id, "factor": i.factor.value, "reverse": i.reverse} for i in QUESTIONNAIRE.items]


def r2(v: float | None) -> float | None:
    return None if v is None else round(v, 2)


@pytest.mark.parametrize(
    ("k", "headcount"),
    [
        (3, {"board": 2, "management": 0, "front_line": 6}),  # board below k, nobody in management
        (1, {"board": 1, "management": 2, "front_line": 3}),  # k = 1
        (3, {"board": 1, "management": 1, "front_line": 1}),  # every level below k, all shown
    ],
)
def test_report_json_matches_the_design(
    run: Run, tmp_path: Path, k: int, headcount: dict[str, int]
) -> None:
    run(
        "new",
        "w",
        "--questionnaire",
        "general-en",
        "--departments",
        "Sales,Care",
        "--k",
        str(k),
        "--pin",
        "1234",
        check=True,
    )
    rng = random.Random(k * 100 + sum(headcount.values()))
    rows, people, latest = [], {}, {}
    for level, count in headcount.items():
        for n in range(count):
            code = f"{level[:2].upper()}{n}"
            dept = rng.choice(["", "Sales", "Care"])
            people[code] = (level, dept or None)
            stop = len(ITEMS) if n else len(ITEMS) // 3  # the first of each level stops half-way
            for item in ITEMS[:stop]:
                # D05 is "don't know" for everybody: its figures must be null.
                value = None if item["id"] == "D05" else rng.choice([None, -2, -1, 0, 1, 2, 2])
                rows.append(f"{code},{level},{dept},{item['id']},{'' if value is None else value}")
                latest[(code, item["id"])] = value
    run("import", "w", str(write_csv(tmp_path / "w.csv", rows)), check=True)
    got = json.loads(run("report", "w", "--json", check=True).stdout)
    ref = reference_report(ITEMS, people, latest, k, ["Sales", "Care"])

    for key, want in ref["groups"].items():
        group = got["groups"][key]
        assert group["n"] == want["n"] and group["suppressed"] == want["suppressed"], key
        if want["suppressed"]:
            assert set(group) == {"n", "suppressed"}
            continue
        assert group["factors"] == {f: r2(v) for f, v in want["factors"].items()}, key
        assert group["overall"] == r2(want["overall"]) and group["imbalance"] == r2(
            want["imbalance"]
        )
        assert group["stool"] == want["stool"]
    for key, want in ref["gaps"].items():
        gap = got["gaps"][key]
        assert gap["suppressed"] == want["suppressed"]
        if not want["suppressed"]:
            assert {f: gap[f] for f in ("declarations", "resources", "behaviours", "overall")} == {
                f: r2(want[f]) for f in ("declarations", "resources", "behaviours", "overall")
            }
    for item_id, want in ref["items"].items():
        for level, figures in want["levels"].items():
            entry = got["items"][item_id]["levels"][level]
            if figures is None:
                assert "mean" not in entry
            else:
                assert (entry["mean"], entry["agree_pct"]) == (r2(figures[0]), r2(figures[1]))
    d05 = got["items"]["D05"]["levels"]
    assert all(entry.get("mean") is None for entry in d05.values())
