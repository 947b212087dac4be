"""The home screen: new workshop form, resume table, demo."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import Button, DataTable, Input, Static

from coherence_tui.app import CoherenceApp
from coherence_tui.domain.pin import check_pin
from coherence_tui.screens.home import HomeScreen
from coherence_tui.screens.kiosk import KioskScreen
from coherence_tui.storage.store import SessionStore

SIZE = (120, 40)


def fill(screen: HomeScreen, **values: str) -> None:
    for field, value in values.items():
        screen.query_one(f"#field-{field}", Input).value = value


def json_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.glob("*.json"))


def error_of(screen: HomeScreen, field: str) -> str:
    return str(screen.query_one(f"#error-{field}", Static).render())


async def test_home_creates_a_workshop_and_opens_the_kiosk(tmp_path: Path) -> None:
    app = CoherenceApp(start="home", sessions_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, HomeScreen)
        fill(
            screen,
            name="acme march",
            departments=" Sales, Support ,",
            k="4",
            pin="13579",
            pin2="13579",
        )
        screen.query_one("#field-pin2", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, KioskScreen)
        assert app.locked
    snapshot = SessionStore.open(tmp_path / "acme march.json").snapshot()
    assert snapshot.name == "acme march"
    assert snapshot.settings.k == 4
    assert snapshot.settings.departments == ("Sales", "Support")
    assert check_pin("13579", snapshot.settings.pin_salt, snapshot.settings.pin_hash)
    assert len(snapshot.questionnaire.items) > 10


async def test_home_shows_a_clear_message_under_each_bad_field(
    tmp_path: Path, new_session: Callable[..., Path]
) -> None:
    new_session(tmp_path, name="taken")
    app = CoherenceApp(start="home", sessions_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, HomeScreen)
        fill(screen, name="taken", departments="Sales, sales", k="0", pin="12", pin2="21")
        await pilot.pause()
        assert "already exists" in error_of(screen, "name")
        assert "differ" in error_of(screen, "departments")
        assert "1 to 100" in error_of(screen, "k")
        assert "4 to 12 digits" in error_of(screen, "pin")
        assert "differ" in error_of(screen, "pin2")
        fill(screen, name="bad/name")
        await pilot.pause()
        assert "letters, digits" in error_of(screen, "name")
        screen.query_one("#home-create", Button).press()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert json_files(tmp_path) == ["taken.json"]


async def test_home_lists_sessions_and_an_unreadable_file_as_a_row(
    tmp_path: Path, new_session: Callable[..., Path]
) -> None:
    path = new_session(tmp_path, name="spring")
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    app = CoherenceApp(start="home", sessions_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one(DataTable)
        assert table.row_count == 2
        rows = {str(table.get_row_at(i)[0]): table.get_row_at(i) for i in range(2)}
        assert "unreadable" in str(rows["broken"][1])
        assert [str(c) for c in rows["spring"][2:]] == ["0", "0", "0", "0"]
        table.focus()
        table.move_cursor(row=table.get_row_index(str(path)))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, KioskScreen)
        assert app.live is not None
        assert app.live.name == "spring"


async def test_home_demo_opens_the_dashboard_as_facilitator(tmp_path: Path) -> None:
    app = CoherenceApp(start="home", sessions_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#home-demo")
        await pilot.pause()
        assert type(app.screen).__name__ == "DashboardScreen"
        assert not app.locked
        assert app.mode_name == "demo"


async def test_home_resuming_an_unreadable_file_says_why_and_stays_home(tmp_path: Path) -> None:
    """The home screen asks the app (a message); the app's one line names the problem."""
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    app = CoherenceApp(start="home", sessions_dir=tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        table = app.screen.query_one(DataTable)
        table.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.live is None and app.mode_name == "home"
        for _ in range(50):  # the toast is drawn a refresh or two later
            shown = app.export_screenshot().replace("&#160;", " ")
            if "not valid JSON" in shown:
                break
            await pilot.pause(0.05)
        assert "not valid JSON" in shown
