"""``coherence-tui`` end to end: stdout, stderr and exit codes of a real process."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import Run, write_csv


def test_new_prints_the_session_path_as_its_last_line(run: Run, tmp_path: Path) -> None:
    done = run("new", "w1", "--questionnaire", "general-pl", check=True)
    lines = done.stdout.strip().splitlines()
    assert (tmp_path / lines[-1]).is_file()
    assert lines[0].startswith("Facilitator PIN: ")  # generated, shown once
    pin = lines[0].split()[2]
    assert pin not in (tmp_path / lines[-1]).read_text()


def test_new_refuses_an_unknown_questionnaire_in_one_line(run: Run) -> None:
    done = run("new", "w1", "--questionnaire", "nope")
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "unknown questionnaire 'nope'" in done.stderr
    assert "Traceback" not in done.stderr


def test_new_refuses_k_below_one(run: Run) -> None:
    done = run("new", "w1", "--questionnaire", "general-en", "--k", "0")
    assert done.returncode == 1 and "k" in done.stderr and done.stderr.count("\n") == 1


def test_new_refuses_to_overwrite_an_existing_session(run: Run, session: Path) -> None:
    before = session.read_bytes()
    done = run("new", "acme", "--questionnaire", "general-en", "--pin", "1111")
    assert done.returncode == 1 and "acme" in done.stderr
    assert session.read_bytes() == before


def test_usage_error_exits_two(run: Run) -> None:
    assert run("report").returncode == 2
    assert run("frobnicate").returncode == 2


def test_import_report_export_round_trip(run: Run, session: Path, tmp_path: Path) -> None:
    answers = write_csv(
        tmp_path / "paper.csv",
        [
            "P1,board,,D04,2",
            "P1,board,,R02,1",
            "P1,board,,B11,",
            "P2,board,Sales,D04,1",
            "P2,board,Sales,R02,0",
            "P3,front_line,Care,D04,-1",
            "P3,front_line,Care,R02,-2",
            "P4,front_line,Care,D04,0",
            "P4,front_line,Care,B11,1",
        ],
    )
    done = run("import", "acme", str(answers), check=True)
    assert "imported 9 answers from 4 participants" in done.stdout

    report = json.loads(run("report", "acme", "--json", check=True).stdout)
    assert (
        report["session"] == "acme" and report["questionnaire"] == "general-en" and report["k"] == 2
    )
    assert report["format"] == 2
    board = report["groups"]["board"]
    # One published statement per factor is not a factor score (it needs three).
    assert board["n"] == 2 and board["factors"]["declarations"] is None
    assert report["groups"]["management"] == {
        "n": 0,
        "suppressed": True,
        "suppressed_reason": "fewer_than_k",
    }
    assert report["groups"]["department:Sales"] == {
        "n": 1,
        "suppressed": True,
        "suppressed_reason": "fewer_than_k",
    }
    assert report["gaps"]["board-front_line"]["declarations"] is None
    assert report["items"]["D04"]["levels"]["board"] == {
        "n": 2,
        "real": 2,
        "mean": 150.0,
        "favourable_pct": 100.0,
        "dont_know_pct": 0.0,
    }
    assert report["items"]["D04"]["levels"]["front_line"] == {
        "n": 2,
        "real": 2,
        "mean": -50.0,
        "favourable_pct": 0.0,
        "dont_know_pct": 0.0,
    }
    assert report["items"]["B11"]["levels"]["board"] == {"n": 1, "real": 0}  # a don't know only

    exported = run("export", "acme", "--format", "csv", check=True).stdout
    rows = list(csv.reader(io.StringIO(exported)))
    assert rows[0] == ["participant", "level", "department", "item", "value"]
    assert len(rows) == 10
    assert rows[1:] == sorted(rows[1:], key=lambda r: (r[0], r[3]))
    assert ["P1", "board", "", "B11", ""] in rows

    with_times = run("export", "acme", "--format", "csv", "--timestamps", check=True).stdout
    assert with_times.splitlines()[0].endswith(",answered_at")
    assert (
        with_times.splitlines()[1].split(",")[-1].endswith("Z")
        or "+00:00" in with_times.splitlines()[1]
    )

    document = json.loads(run("export", "acme", "--format", "json", check=True).stdout)
    first = document["questionnaire"]["items"][0]
    assert {"id", "factor", "area", "text", "reverse"} <= set(first)
    assert len(document["answers"]) == 9 and len(document["participants"]) == 4
    assert "answered_at" not in document["answers"][0]
    assert "pin_hash" not in json.dumps(document)
    assert document["report"] == report

    out = tmp_path / "report.md"
    run("export", "acme", "--format", "md", "-o", str(out), check=True)
    markdown = out.read_text()
    assert markdown.startswith("# Customer-service coherence workshop: acme")
    assert "## Recommendations" in markdown and "hidden: fewer than 2 participants" in markdown


def test_text_report_shows_stool_and_recommendations(
    run: Run, session: Path, tmp_path: Path
) -> None:
    from coherence_tui.storage.questionnaires import load

    items = [item.id for item in load("general-en").items]
    rows = [
        f"P{n},{lv},,{item},{v if i % 2 else v // 2}"
        for n, lv, v in (
            (1, "board", 2),
            (2, "board", 2),
            (3, "front_line", -2),
            (4, "front_line", -1),
        )
        for i, item in enumerate(items)
    ]
    run("import", "acme", str(write_csv(tmp_path / "a.csv", rows)), check=True)
    text = run("report", "acme", check=True).stdout
    assert "Declarations" in text and "Recommendations" in text
    assert "The board and the front line see" in text
    assert "±" in text  # scores carry the margin of their 90 % interval


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("P1,board,,NOPE,1", "paper.csv:3: item 'NOPE' is not in questionnaire general-en"),
        ("P1,ceo,,D04,1", "paper.csv:3: level 'ceo' is not one of"),
        ("P1,board,,D04,3", "paper.csv:3: value '3' must be -2..2"),
        ("P1,board,,D04,x", "paper.csv:3: value 'x' must be -2..2"),
        ("P1,board,Legal,D04,1", "paper.csv:3: department 'Legal' is not in this session"),
        ("P1,management,,R02,1", "paper.csv:3: participant P1 has another level"),
        ("P1,board,,D04,2", "paper.csv:3: participant P1 answers item D04 twice"),
    ],
)
def test_bad_import_row_is_refused_in_one_line_and_the_session_is_unchanged(
    run: Run, session: Path, tmp_path: Path, row: str, message: str
) -> None:
    before = session.read_bytes()
    answers = write_csv(tmp_path / "paper.csv", ["P1,board,,D04,1", row])
    done = run("import", "acme", str(answers))
    assert done.returncode == 1
    assert message in done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert session.read_bytes() == before


def test_import_with_a_missing_column_names_it(run: Run, session: Path, tmp_path: Path) -> None:
    before = session.read_bytes()
    answers = write_csv(
        tmp_path / "paper.csv", ["P1,board,D04,1"], header="participant,level,item,value"
    )
    done = run("import", "acme", str(answers))
    assert done.returncode == 1 and "paper.csv:1: missing column(s) department" in done.stderr
    assert session.read_bytes() == before


def test_unknown_session_is_one_line_exit_one(run: Run) -> None:
    for args in (
        ("report", "ghost"),
        ("export", "ghost", "--format", "csv"),
        ("import", "ghost", "x.csv"),
        ("dashboard", "ghost"),
        ("kiosk", "ghost"),
    ):
        done = run(*args)
        assert done.returncode == 1, args
        assert "ghost" in done.stderr and done.stderr.count("\n") == 1


def test_corrupt_session_is_refused_and_left_untouched(run: Run, session: Path) -> None:
    broken = session.read_bytes()[:-40]
    session.write_bytes(broken)
    for command in ("report", "dashboard", "kiosk", "run"):
        done = run(command, "acme")
        assert done.returncode == 1 and str(session.name) in done.stderr, command
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, command
    assert session.read_bytes() == broken


def test_questionnaires_lists_the_shipped_ones(run: Run) -> None:
    out = run("questionnaires", check=True).stdout
    for qid in ("general-en", "general-pl", "retail-services-en", "b2b-subscription-pl"):
        assert qid in out


def test_questionnaires_validate_refuses_a_broken_file(run: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'id = "bad"\nversion = "1"\nlanguage = "en"\ntitle = "x"\ncompany_type = "general"\n'
        '[scale]\nlabels = ["a","b","c","d","e"]\ndont_know = "dk"\n'
        '[[items]]\nid = "D1"\nfactor = "declaration"\narea = "feedback"\ntext = "Some statement"\n'
    )
    done = run("questionnaires", "validate", str(bad))
    assert done.returncode == 1 and "bad.toml" in done.stderr and "D1" in done.stderr
    good = run(
        "questionnaires",
        "validate",
        str(Path(__file__).resolve().parents[2] / "questionnaires" / "general-en.toml"),
    )
    assert good.returncode == 0 and "general-en" in good.stdout


def test_two_imports_started_together_both_land(run: Run, session: Path, tmp_path: Path) -> None:
    files = []
    for n in range(2):
        rows = [
            f"X{n}{p},front_line,,{item},1"
            for p in range(5)
            for item in ("D04", "D02", "R02", "B11")
        ]
        files.append(write_csv(tmp_path / f"kiosk{n}.csv", rows))
    env_dir = tmp_path / "sessions"
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "coherence_tui",
                "import",
                str(session),
                str(f),
                "--sessions-dir",
                str(env_dir),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in files
    ]
    for p in procs:
        _out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
    document = json.loads(run("export", "acme", "--format", "json", check=True).stdout)
    assert len(document["answers"]) == 40 and len(document["participants"]) == 10


def test_demo_report_shows_the_executive_disconnect(run: Run) -> None:
    done = run("demo", "--report", check=True)
    assert "Board 4 · Management 9 · Front line 17" in done.stdout
    assert "The board and the front line see resources differently" in done.stdout
    assert "(reversed)" in done.stdout
