"""The exports carry the discussion queue, the prediction round and the action plan, as data
(escaped or neutralised), and follow the same disclosure rules as the screens; the command
line compares two workshops and refuses two that do not score the same statements."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import orjson
from workshop import HOSTILE, make_workshop

from coherence_tui.output.export import render
from coherence_tui.storage.questionnaires import load
from coherence_tui.storage.store import SessionStore


def test_json_export_holds_estimates_results_queue_and_actions(workshop: SessionStore) -> None:
    document = orjson.loads(render(workshop.snapshot(), "json"))
    assert len(document["predictions"]) == 6 * 5  # raw estimates by anonymous code
    results = {r["item"]: r for r in document["prediction_results"]}
    assert set(results) == {"R03", "R05", "R06", "R15", "B22"}
    assert results["R05"]["estimates"]["board"] == {
        "count": 3,
        "published": True,
        "mean": 80.0,
        "gap": round(80.0 - results["R05"]["actual_front_line_favourable_pct"], 2),
    }
    queue = document["discussion_queue"]
    assert queue and queue[0]["rank"] == 1 and len(queue[0]["prompts"]) == 2
    gaps = [abs(entry["gap"]) for entry in queue]
    assert gaps == sorted(gaps, reverse=True)
    board = queue[0]["levels"]["board"]
    assert sum(board["distribution"]) + board["dont_know"] == board["n"] == 3
    assert [a["id"] for a in document["actions"]] == ["A1", "A2"]
    assert document["actions"][1]["what"] == HOSTILE  # data, exactly as typed
    assert document["session"]["archived"] is False


def test_markdown_export_carries_predictions_and_actions_escaped(workshop: SessionStore) -> None:
    text = render(workshop.snapshot(), "md")
    assert "## Prediction round" in text and "| R05 |" in text and "80 %" in text
    assert "## Action plan" in text and "Head of Customer Care" in text
    assert "## Discussion queue" in text and "To ask the room" in text
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "\\[x\\](http://evil.example)" in text and "\\| \\*b\\*" in text


def test_actions_csv_neutralises_formulas_but_keeps_the_text(workshop: SessionStore) -> None:
    rows = list(csv.reader(io.StringIO(render(workshop.snapshot(), "actions-csv"))))
    assert rows[0][:3] == ["id", "item", "area"]
    second = dict(zip(rows[0], rows[2], strict=True))
    assert second["owner"] == "'=cmd|' /C calc'!A0" and second["kpi"] == "'@SUM(1+1)"
    assert second["what"] == HOSTILE and second["area"] == "feedback"


def test_html_export_escapes_every_session_text_and_fetches_nothing(
    workshop: SessionStore,
) -> None:
    page = render(workshop.snapshot(), "html")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "default-src 'none'" in page
    lowered = page.lower()
    for fetching in ("<link", "<script", "src=", "@import", "url("):
        assert fetching not in lowered


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COHERENCE_SESSIONS_DIR": str(tmp_path / "sessions"), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "coherence_tui", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_report_compare_shows_the_change_with_intervals(tmp_path: Path) -> None:
    make_workshop(tmp_path / "sessions" / "before.json", board_mean=0)
    make_workshop(tmp_path / "sessions" / "after.json", board_mean=2)
    done = _cli(tmp_path, "report", "after", "--compare", "before", "--json")
    assert done.returncode == 0, done.stderr
    groups = orjson.loads(done.stdout)["compare"]["groups"]
    declarations = groups["board"]["factors"]["declarations"]
    assert declarations["change"] > 100 and declarations["significant"] is True
    assert declarations["ci90"][0] < declarations["change"] < declarations["ci90"][1]
    assert groups["all"]["factors"]["declarations"]["ci90"] is None
    text = _cli(tmp_path, "report", "after", "--compare", "before")
    assert text.returncode == 0 and "Change from before to after" in text.stdout


def test_compare_refuses_questionnaires_whose_item_ids_differ(tmp_path: Path) -> None:
    make_workshop(tmp_path / "sessions" / "now.json")
    SessionStore.create(
        tmp_path / "sessions" / "shop.json",
        name="shop",
        questionnaire=load("retail-services-en"),
        settings=make_workshop.__globals__["SessionSettings"](k=3),
    )
    done = _cli(tmp_path, "report", "now", "--compare", "shop")
    assert done.returncode == 1 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert "item ids do not match" in done.stderr and "RS-D01" in done.stderr


def test_export_html_and_archive_from_the_command_line(tmp_path: Path) -> None:
    make_workshop(tmp_path / "sessions" / "acme.json")
    out = tmp_path / "client.html"
    done = _cli(tmp_path, "export", "acme", "--format", "html", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert out.stat().st_mode & 0o777 == 0o600 and "<svg" in out.read_text()
    assert _cli(tmp_path, "archive", "acme").returncode == 0
    assert SessionStore.open(tmp_path / "sessions" / "acme.json").snapshot().state.archived
