"""Text is data: control characters are refused where text enters, markup is shown literally.

Attacks from issue 8: ``[/]`` or ``[link=...]`` in a statement, title or department
crashed ``report`` and the kiosk; ``[DRAFT]`` vanished from statements; an
``ESC ]2;...BEL`` in an item retitled the terminal; ``report`` interpreted markup in
department names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hostile_helpers import make_session, questionnaire, rewrite_tables, shipped_toml
from pydantic import ValidationError

from coherence_tui.app import CoherenceApp
from coherence_tui.domain.model import Level, SessionSettings
from coherence_tui.domain.text import check_plain, visible
from coherence_tui.screens.dashboard import DashboardScreen
from coherence_tui.screens.facilitator import FacilitatorScreen
from coherence_tui.screens.kiosk import KioskScreen
from coherence_tui.storage.questionnaires import QuestionnaireError, load_file
from coherence_tui.storage.store import ImportRow, SessionError, SessionStore
from tests.cli.conftest import Run

SIZE = (100, 30)
RETITLE = "\x1b]2;pwned\x07"
MARKUP_TITLE = "[link=https://evil.example]Survey[/link] [b]bold[/b]"
DRAFT = "[DRAFT] Our promise to [company] customers is kept."
CARE = "Care [/]"


def shown(widget: Any) -> str:
    """The text a widget draws, as plain characters."""
    return str(widget.render())


# -- control characters are refused where text enters ------------------------------------


@pytest.mark.parametrize(
    ("replace", "where", "character"),
    [
        (
            {'text = "Our company has': 'text = "\\u001b]2;pwned\\u0007Our company has'},
            "item D02: text",
            "U+001B (ESC) at character 1",
        ),
        (
            {"time within which": "time within\\u0007which"},
            "item D02: text",
            "U+0007 (BEL) at character 40",
        ),
        (
            {"set a clear time": "set a clear\\ttime"},
            "item D02: text",
            "U+0009 (TAB) at character 28",
        ),
        (
            {'title = "Customer service': 'title = "Customer\\rservice'},
            "title",
            "U+000D (CR) at character 9",
        ),
        (
            {'labels = ["Strongly': 'labels = ["\\u009b31mStrongly'},
            "scale.labels.0",
            "U+009B (CSI)",
        ),
        ({'dont_know = "Don\'t know"': 'dont_know = "Don\'t\\u007fknow"'}, "dont_know", "U+007F"),
        ({"Thirty-nine statements": "Thirty-nine\\u0085statements"}, "description", "U+0085 (NEL)"),
    ],
)
def test_validation_refuses_control_characters_naming_file_item_and_character(
    tmp_path: Path, replace: dict[str, str], where: str, character: str
) -> None:
    path = shipped_toml(tmp_path, replace)

    with pytest.raises(QuestionnaireError) as refused:
        load_file(path)

    message = str(refused.value)
    assert "general-en.toml" in message and where in message and character in message
    assert visible(message) == message, "the message itself holds no control character"


def test_a_description_may_hold_newlines_but_nothing_else(tmp_path: Path) -> None:
    multi_line = shipped_toml(tmp_path, {"Thirty-nine statements": "Thirty-nine\\nstatements"})
    assert "\n" in load_file(multi_line).description
    with pytest.raises(QuestionnaireError, match=r"U\+000D \(CR\)"):
        load_file(shipped_toml(tmp_path, {"Thirty-nine statements": "Thirty-nine\\r\\nstatements"}))


def test_questionnaires_validate_refuses_an_escape_sequence_in_one_clean_line(
    run: Run, tmp_path: Path
) -> None:
    path = shipped_toml(tmp_path, {'text = "Our company has': 'text = "\\u001b]2;pwned\\u0007Our'})

    done = run("questionnaires", "validate", str(path))

    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "item D02: text: contains the control character U+001B (ESC)" in done.stderr
    assert "\x1b" not in done.stderr and "\x07" not in done.stderr


def test_new_refuses_a_department_with_a_control_character(run: Run, tmp_path: Path) -> None:
    done = run(
        "new",
        "w",
        "--questionnaire",
        "general-en",
        "--departments",
        "Sales,\x1b[31mCare",
        extra_env={"COHERENCE_PIN": "2468"},
    )

    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert "--departments: department name '\\x1b[31mCare'" in done.stderr
    assert "U+001B (ESC)" in done.stderr and "Value error" not in done.stderr
    assert "\x1b" not in done.stderr
    assert not (tmp_path / "sessions" / "w.json").exists()


@pytest.mark.parametrize("name", ["Care\x1b]2;x\x07", "Sa\rles", "Ops\x9b2J", "Legal\x00"])
def test_settings_refuse_a_department_with_a_control_character(name: str) -> None:
    with pytest.raises(ValidationError, match="control character"):
        SessionSettings(departments=("Sales", name))


def test_store_refuses_settings_built_without_validation(tmp_path: Path) -> None:
    path = make_session(tmp_path, departments=("Sales",))
    store = SessionStore.open(path)
    before = path.read_bytes()
    sneaky = SessionSettings.model_construct(departments=("Sales", "\x1b[2J"))

    with pytest.raises(SessionError, match="U\\+001B"):
        store.update_settings(sneaky)

    assert path.read_bytes() == before


def test_a_session_file_carrying_an_escape_sequence_is_refused_in_one_line(
    run: Run, tmp_path: Path
) -> None:
    path = make_session(tmp_path / "sessions", name="acme")

    def poison(tables: dict[str, Any]) -> None:
        tables["session"]["1"]["questionnaire"]["items"][0]["text"] = f"{RETITLE} we promise"

    rewrite_tables(path, poison)
    before = path.read_bytes()

    done = run("report", "acme")

    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert "U+001B (ESC)" in done.stderr and "refused" in done.stderr
    assert "\x1b" not in done.stdout + done.stderr
    assert path.read_bytes() == before


def test_a_session_file_whose_name_carries_an_escape_sequence_is_refused(
    run: Run, tmp_path: Path
) -> None:
    path = make_session(tmp_path / "sessions", name="acme")

    def rename(tables: dict[str, Any]) -> None:
        tables["session"]["1"]["name"] = f"acme{RETITLE}"

    rewrite_tables(path, rename)

    done = run("export", "acme", "--format", "md")

    assert done.returncode == 1 and "session name holds the control character U+001B" in (
        done.stderr
    )
    assert "\x1b" not in done.stdout + done.stderr


def test_error_lines_never_pass_terminal_escapes_through(run: Run) -> None:
    done = run("report", f"{RETITLE}acme")
    assert done.returncode == 1
    assert "\x1b" not in done.stderr and "\x07" not in done.stderr
    assert "\\x1b]2;pwned\\x07acme" in done.stderr


def test_check_plain_accepts_brackets_and_formula_characters() -> None:
    for text in (DRAFT, CARE, MARKUP_TITLE, "=HYPERLINK(1)", "Zażółć gęślą jaźń"):
        assert check_plain(text) == text


# -- markup is shown literally ------------------------------------------------------------


def hostile_session(directory: Path) -> Path:
    """A session whose title, statements, labels and departments look like markup."""
    q = questionnaire(
        title=MARKUP_TITLE,
        texts=(
            DRAFT,
            "Our tools [/] work [link=https://evil.example]here[/link].",
            "We call customers back when we said we would.",
            "Complaints get passed around between teams.",
        ),
        labels=("[b]No[/b]", "[/]", "Neither", "Agree", "Strongly agree"),
    )
    return make_session(directory, departments=(CARE, "[b]Sales[/b]"), q=q)


def test_report_prints_markup_in_names_literally(run: Run, tmp_path: Path) -> None:
    path = hostile_session(tmp_path)
    SessionStore.open(path).import_answers(
        [ImportRow("P1", Level.BOARD, CARE, item, -2) for item in ("d1", "r1", "b1", "b2")]
        + [ImportRow("P2", Level.FRONT_LINE, "[b]Sales[/b]", "d1", 1)]
    )

    done = run("report", str(path), extra_env={"COLUMNS": "200"})

    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert MARKUP_TITLE in done.stdout
    assert "Care [/] (1)" in done.stdout and "[b]Sales[/b] (1)" in done.stdout


async def test_kiosk_shows_statements_labels_and_departments_literally(tmp_path: Path) -> None:
    path = hostile_session(tmp_path)
    app = CoherenceApp(start="run", session=path)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, KioskScreen)
        assert shown(screen.query_one("#kiosk-title")) == MARKUP_TITLE
        await pilot.press("enter", "1")
        assert screen.stage == "department"
        assert "1   Care [/]" in shown(screen.query_one("#department-choice #choice-0"))
        assert "2   [b]Sales[/b]" in shown(screen.query_one("#department-choice #choice-1"))
        await pilot.press("1")
        assert screen.stage == "statement"
        assert shown(screen.query_one("#statement-text")) == DRAFT
        assert shown(screen.query_one("#answer-0")) == "1\n[b]No[/b]"
        assert shown(screen.query_one("#answer-1")) == "2\n[/]"
        await pilot.press("4")
        assert "[link=https://evil.example]here[/link]" in shown(
            screen.query_one("#statement-text")
        )
    (participant,) = SessionStore.open(path).snapshot().participants
    assert participant.department == CARE


async def test_dashboard_and_menu_show_department_and_title_literally(tmp_path: Path) -> None:
    path = hostile_session(tmp_path)
    store = SessionStore.open(path)
    store.import_answers([ImportRow("P1", Level.BOARD, CARE, "d1", 1)])
    store.update_state(store.snapshot().state.model_copy(update={"revealed": True}))
    app = CoherenceApp(start="run", session=path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("f12", *"2468", "enter")
        menu = app.screen
        assert isinstance(menu, FacilitatorScreen)
        assert MARKUP_TITLE in shown(menu.query_one("#menu-status"))
        await pilot.press("d")
        dashboard = app.screen
        assert isinstance(dashboard, DashboardScreen)
        assert dashboard.report is not None
        for _ in range(len(dashboard.report.groups)):
            if dashboard.group_key == f"department:{CARE}":
                break
            await pilot.press("g")
        await pilot.pause()
        assert dashboard.group_key == f"department:{CARE}"
        assert CARE in shown(dashboard.query_one("#dash-showing"))
        assert dashboard.query_one("#stool").border_title == "Department Care \\[/]"


async def test_home_lists_a_questionnaire_whose_title_looks_like_markup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    shipped_toml(folder, {'title = "Customer service': 'title = "[b]Draft[/b] [/] service'})
    monkeypatch.setenv("COHERENCE_QUESTIONNAIRES_DIR", str(folder))
    app = CoherenceApp(start="home", sessions_dir=tmp_path / "sessions")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screenshot = app.export_screenshot().replace("&#160;", " ")
        assert app.is_running
        assert "[b]Draft[/b] [/] service" in screenshot
