"""Choose your language at the kiosk (issue 11): real sessions on the shipped questionnaires
offering several languages, driven through the real app with Pilot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from coherence_tui.app import CoherenceApp
from coherence_tui.domain.model import Level, SessionSettings
from coherence_tui.domain.pin import hash_pin
from coherence_tui.services.insights import snapshot_report
from coherence_tui.storage.languages import with_languages
from coherence_tui.storage.questionnaires import SHIPPED_DIR, load
from coherence_tui.storage.store import SessionStore
from coherence_tui.widgets.statement import DONT_KNOW, Statement
from tests.app.conftest import PIN
from tests.app.test_kiosk import SIZE, kiosk, stored, wait_for
from tests.serve.test_kiosk_touch import PHONE

ENGLISH = load("general-en")
ITEMS = ENGLISH.item_ids
TEXTS = {lang: {i.id: i.text for i in load(f"general-{lang}").items} for lang in ("pl", "uk", "ru")}


def make_session(
    directory: Path,
    *,
    name: str = "mixed",
    languages: tuple[str, ...] = ("en", "pl", "uk", "ru"),
    departments: tuple[str, ...] = (),
) -> Path:
    """A real session on general-en offering ``languages``, k = 1, the test PIN."""
    salt, digest = hash_pin(PIN)
    path = directory / f"{name}.json"
    SessionStore.create(
        path,
        name=name,
        questionnaire=with_languages(ENGLISH, languages, SHIPPED_DIR),
        settings=SessionSettings(k=1, departments=departments, pin_salt=salt, pin_hash=digest),
    )
    return path


def shown(app: CoherenceApp, selector: str) -> str:
    """The plain text a Static shows (its content, never markup)."""
    widget = app.screen.query_one(selector, Widget)
    assert isinstance(widget, Static)
    rendered = widget.render()
    assert isinstance(rendered, Content)
    return rendered.plain


KEY_VALUES: dict[str, int | None] = {"1": -2, "2": -1, "3": 0, "4": 1, "5": 2, "0": None}


def values(n: int) -> list[str]:
    """Keys answering every statement: a pattern over 1-5 and 0 that starts at ``n``."""
    keys = "123450"
    return [keys[(n + i) % len(keys)] for i in range(len(ITEMS))]


async def answer_all(pilot: Any, app: CoherenceApp, keys: list[str]) -> None:
    for key in keys:
        await pilot.press(key)
    await wait_for(pilot, lambda: kiosk(app).stage == "thanks")


async def test_a_participant_chooses_ukrainian_and_reads_everything_in_it(tmp_path: Path) -> None:
    path = make_session(tmp_path)
    uk = load("general-uk")
    app = CoherenceApp(start="run", session=path)
    async with app.run_test(size=SIZE) as pilot:
        assert kiosk(app).stage == "language"
        options = [shown(app, f"#language-choice #choice-{n}") for n in range(4)]
        assert [o.split(maxsplit=1)[1] for o in options] == [
            "English",
            "Polski",
            "Українська",
            "Русский",
        ]
        await pilot.press("3")
        assert kiosk(app).stage == "level"
        assert shown(app, "#kiosk-title") == uk.title
        assert shown(app, "#level-choice .choice-title") == "Де ви працюєте?"
        assert "39 коротких тверджень" in shown(app, "#level-choice .choice-intro")
        await pilot.press("3")  # front line
        assert kiosk(app).stage == "instruction"
        assert shown(app, "#instruction-card .card-body") == uk.instruction
        await pilot.press("enter")
        statement = app.screen.query_one(Statement)
        assert statement.item_id == ITEMS[0]
        assert shown(app, "#statement-text") == TEXTS["uk"][ITEMS[0]]
        assert uk.scale.labels[0] in shown(app, "#answer-0")
        assert uk.scale.dont_know in shown(app, f"#answer-{DONT_KNOW}")
        await pilot.press("5", "4")
        assert shown(app, "#statement-text") == TEXTS["uk"][ITEMS[2]]
        await answer_all(pilot, app, values(0)[2:])
        assert shown(app, "#thanks-card .card-title") == "Дякуємо!"
        await pilot.press("enter")
        # The next participant starts at the language choice, in the session's words.
        assert kiosk(app).stage == "language"
        assert shown(app, "#kiosk-title") == ENGLISH.title
        assert shown(app, "#level-choice .choice-title") == "Where do you work?"
    answers = stored(path)
    assert set(answers) == set(ITEMS)  # stored by item id, whatever the language
    assert answers[ITEMS[0]] == 2 and answers[ITEMS[1]] == 1


async def test_answers_in_two_languages_pool_into_the_figures_of_one_language(
    tmp_path: Path,
) -> None:
    """A Polish front-line participant and a Russian board member at the kiosk give the
    figures that the same answers, given in English, give."""
    mixed = make_session(tmp_path, name="mixed")
    people = [("2", "3", Level.FRONT_LINE, values(1)), ("4", "1", Level.BOARD, values(4))]
    app = CoherenceApp(start="run", session=mixed)
    async with app.run_test(size=SIZE) as pilot:
        for language_key, level_key, _, keys in people:
            await pilot.press(language_key, level_key, "enter")
            await answer_all(pilot, app, keys)
            await pilot.press("enter")
    english = make_session(tmp_path, name="english", languages=("en",))
    store = SessionStore.open(english)
    for _, _, level, keys in people:
        participant = store.add_participant(level, None)
        for item, key in zip(ITEMS, keys, strict=True):
            store.record_answer(participant.code, item, KEY_VALUES[key])
        store.finish_participant(participant.code)

    def figures(path: Path) -> dict[str, Any]:
        snapshot = SessionStore.open(path).snapshot()
        document: dict[str, Any] = orjson.loads(orjson.dumps(snapshot_report(snapshot).to_json()))
        document.pop("session")
        return document

    pooled = figures(mixed)
    assert pooled == figures(english)
    assert pooled["groups"]["board"]["n"] == 1 and pooled["groups"]["front_line"]["n"] == 1
    assert pooled["groups"]["all"]["factors"]["declarations"] is not None
    assert len(SessionStore.open(mixed).snapshot().answers) == 2 * len(ITEMS)


async def test_backspace_on_the_level_question_returns_to_the_language_choice(
    tmp_path: Path,
) -> None:
    path = make_session(tmp_path, departments=("Sales", "Care"))
    app = CoherenceApp(start="run", session=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")  # Polish, by mistake
        assert kiosk(app).stage == "level"
        assert "Backspace wraca" in shown(app, "#level-choice .choice-hint")
        await pilot.press("1", "backspace")  # board, department question, back
        assert kiosk(app).stage == "level"
        await pilot.press("backspace")
        assert kiosk(app).stage == "language"
        await pilot.press("4")  # Russian
        assert shown(app, "#level-choice .choice-title") == "Где вы работаете?"
        await pilot.press("3", "3", "enter")  # front line, no department
        assert shown(app, "#statement-text") == TEXTS["ru"][ITEMS[0]]
        await pilot.press("backspace", "backspace")  # statement 1 -> department -> level
        assert kiosk(app).stage == "level"
        await pilot.press("backspace")
        assert kiosk(app).stage == "language"
    assert SessionStore.open(path).snapshot().participants == ()  # nothing was answered


async def test_a_single_language_session_skips_the_language_choice(tmp_path: Path) -> None:
    path = make_session(tmp_path, languages=("en",))
    app = CoherenceApp(start="run", session=path)
    async with app.run_test(size=SIZE) as pilot:
        assert kiosk(app).stage == "welcome"
        assert not app.screen.query("#language-choice")
        await pilot.press("enter")
        assert kiosk(app).stage == "level"
        assert not shown(app, "#level-choice .choice-intro")  # the welcome card said it
        await pilot.press("backspace")  # nothing before the level question to go back to
        assert kiosk(app).stage == "level"
        await pilot.press("3", "enter", "5")
        assert shown(app, "#statement-text") == ENGLISH.items[1].text


async def test_a_participant_closed_half_way_leaves_the_next_at_the_language_choice(
    tmp_path: Path,
) -> None:
    path = make_session(tmp_path)
    app = CoherenceApp(start="run", session=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "2", "enter", "5")
        kiosk(app).close_participant()  # as the idle close and the facilitator's close do
        await pilot.pause()
        assert kiosk(app).stage == "language"
        assert kiosk(app).lang == "en" and kiosk(app).words.language == "en"
        # The idle card is mounted when first shown, in the words the kiosk speaks then.
        assert kiosk(app)._text().cards()["idle-card"][0] == "Still there?"
    (participant,) = SessionStore.open(path).snapshot().participants
    assert participant.finished and participant.level is Level.MANAGEMENT


async def test_a_phone_starts_at_the_language_choice_and_taps_back_to_it(tmp_path: Path) -> None:
    path = make_session(tmp_path, departments=("Sales", "Care"))
    app = CoherenceApp(start="web", session=path)
    async with app.run_test(size=PHONE) as pilot:
        await wait_for(pilot, lambda: kiosk(app).stage == "language")
        await pilot.click("#language-choice #choice-1")  # Polski
        await wait_for(pilot, lambda: kiosk(app).stage == "level")
        assert shown(app, "#level-choice .choice-title") == "Gdzie pracujesz?"
        await pilot.click("#level-choice #choice-back")
        await wait_for(pilot, lambda: kiosk(app).stage == "language")
        await pilot.click("#language-choice #choice-2")  # Українська
        await wait_for(pilot, lambda: kiosk(app).stage == "level")
        assert shown(app, "#level-choice #choice-back").endswith("Назад")
        await pilot.click("#level-choice #choice-2")
        await wait_for(pilot, lambda: kiosk(app).stage == "department")
        await pilot.click("#department-choice #choice-1")
        await wait_for(pilot, lambda: kiosk(app).stage == "instruction")
        await pilot.click("#instruction-card")
        await wait_for(pilot, lambda: kiosk(app).stage == "statement")
        assert shown(app, "#statement-text") == TEXTS["uk"][ITEMS[0]]
        await pilot.click("#answer-4")
        await wait_for(pilot, lambda: app.screen.query_one(Statement).item_id == ITEMS[1])
    assert stored(path) == {ITEMS[0]: 2}


async def test_a_phone_resuming_its_participant_asks_the_language_first(tmp_path: Path) -> None:
    path = make_session(tmp_path)
    store = SessionStore.open(path)
    participant = store.add_participant(Level.FRONT_LINE, None)
    store.record_answer(participant.code, ITEMS[0], 1)
    app = CoherenceApp(start="web", session=path, resume=participant.code)
    async with app.run_test(size=PHONE) as pilot:
        await wait_for(pilot, lambda: kiosk(app).stage == "language")
        await pilot.click("#language-choice #choice-3")  # Русский
        await wait_for(pilot, lambda: kiosk(app).stage == "statement")
        assert app.screen.query_one(Statement).item_id == ITEMS[1]
        assert shown(app, "#statement-text") == TEXTS["ru"][ITEMS[1]]
        await pilot.press("2")
        await wait_for(pilot, lambda: app.screen.query_one(Statement).item_id == ITEMS[2])
    assert stored(path) == {ITEMS[0]: 1, ITEMS[1]: -1}
    assert len(SessionStore.open(path).snapshot().participants) == 1


async def test_translated_text_is_shown_as_typed_never_as_markup(tmp_path: Path) -> None:
    from coherence_tui.domain.model import Questionnaire
    from tests.app.conftest import small_questionnaire

    document = small_questionnaire().model_dump(mode="json")
    document["translations"] = {
        "pl": {
            "title": "Mała [bold]kontrola[/bold] $x",
            "scale": {
                "labels": ["[red]Zdecydowanie nie", "Nie", "Ani tak", "Tak", "Zdecydowanie tak"],
                "dont_know": "Nie [i]wiem",
            },
            "items": {
                item["id"]: f"[link=http://x]Stwierdzenie[/link] {item['id']}"
                for item in document["items"]
            },
        }
    }
    salt, digest = hash_pin(PIN)
    path = tmp_path / "marked.json"
    SessionStore.create(
        path,
        name="marked",
        questionnaire=Questionnaire.model_validate(document),
        settings=SessionSettings(k=1, pin_salt=salt, pin_hash=digest),
    )
    app = CoherenceApp(start="run", session=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "3")
        assert shown(app, "#kiosk-title") == "Mała [bold]kontrola[/bold] $x"
        assert shown(app, "#statement-text") == "[link=http://x]Stwierdzenie[/link] d1"
        assert "[red]Zdecydowanie nie" in shown(app, "#answer-0")
        assert "Nie [i]wiem" in shown(app, f"#answer-{DONT_KNOW}")
        await pilot.press("5")
    assert stored(path) == {"d1": 2}
