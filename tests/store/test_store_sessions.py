"""What a session file holds and how the store guards it: round trip, rules, names."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_helpers import small_questionnaire

from coherence_tui.domain.model import Level, Questionnaire, SessionSettings, SessionState
from coherence_tui.storage.store import (
    CODE_ALPHABET,
    FORMAT,
    FORMAT_VERSION_CLOSED,
    AnswerRejected,
    ImportRow,
    SessionEnded,
    SessionError,
    SessionNotFound,
    SessionStore,
    list_sessions,
    resolve_session_path,
    session_path_for_name,
)


def test_a_session_reopened_from_disk_holds_everything_that_was_written(
    store: SessionStore, session_path: Path, questionnaire: Questionnaire
) -> None:
    alice = store.add_participant(Level.BOARD, "Sales")
    bob = store.add_participant(Level.FRONT_LINE)
    store.record_answer(alice.code, "D1", 2)
    store.record_answer(alice.code, "R2", None)
    store.record_answer(bob.code, "B1", -2)
    store.finish_participant(alice.code)
    store.update_state(SessionState(revealed=True))

    again = SessionStore.open(session_path).snapshot()

    assert again.name == "workshop"
    assert again.questionnaire == questionnaire
    assert again.settings == SessionSettings(k=3, departments=("Sales", "Support"))
    assert again.state == SessionState(revealed=True)
    by_code = {p.code: p for p in again.participants}
    assert by_code[alice.code].level is Level.BOARD
    assert by_code[alice.code].department == "Sales"
    assert by_code[alice.code].finished is True
    assert by_code[bob.code].finished is False
    assert {(a.participant, a.item, a.value) for a in again.answers} == {
        (alice.code, "D1", 2),
        (alice.code, "R2", None),
        (bob.code, "B1", -2),
    }
    assert all(
        re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", a.answered_at) for a in again.answers
    )


def test_the_file_starts_with_its_header_and_ends_with_the_tables(
    store: SessionStore, session_path: Path
) -> None:
    raw = session_path.read_bytes()
    document = orjson.loads(raw)
    assert list(document) == ["format", "format_version", "generation", "checksum", "tables"]
    assert document["format"] == FORMAT
    assert document["format_version"] == FORMAT_VERSION_CLOSED, "a new file holds everything"
    assert re.fullmatch(r"crc32:[0-9a-f]{8}", document["checksum"])
    assert set(document["tables"]) == {"session", "participants"}


def test_every_write_moves_the_generation_on_by_one(store: SessionStore) -> None:
    first = store.snapshot().generation
    person = store.add_participant(Level.MANAGEMENT)
    store.record_answer(person.code, "D1", 1)
    assert store.snapshot().generation == first + 2
    assert store.generation == first + 2


def test_a_session_made_private_stays_private_after_writes(
    store: SessionStore, session_path: Path
) -> None:
    session_path.chmod(0o600)
    reopened = SessionStore.open(session_path)
    reopened.add_participant(Level.BOARD)
    assert session_path.stat().st_mode & 0o777 == 0o600


def test_the_latest_answer_to_an_item_wins(store: SessionStore, session_path: Path) -> None:
    person = store.add_participant(Level.BOARD)
    store.record_answer(person.code, "D1", 1)
    store.record_answer(person.code, "D1", None)
    store.record_answer(person.code, "D1", -2)

    answers = SessionStore.open(session_path).snapshot().answers

    assert [(a.item, a.value) for a in answers] == [("D1", -2)]


def test_snapshot_orders_participants_by_code_and_answers_by_participant_then_item(
    store: SessionStore,
) -> None:
    people = [store.add_participant(Level.FRONT_LINE) for _ in range(6)]
    for person in reversed(people):
        for item in ("R2", "B1", "D1"):
            store.record_answer(person.code, item, 0)

    snapshot = store.snapshot()

    assert [p.code for p in snapshot.participants] == sorted(p.code for p in people)
    keys = [(a.participant, a.item) for a in snapshot.answers]
    assert keys == sorted(keys)


def test_participant_codes_are_random_and_unambiguous(store: SessionStore) -> None:
    codes = [store.add_participant(Level.BOARD).code for _ in range(25)]
    assert len(set(codes)) == 25
    assert all(len(code) == 6 and set(code) <= set(CODE_ALPHABET) for code in codes)
    assert codes != sorted(codes), "codes must not reveal the order of arrival"


def test_the_file_does_not_list_participants_in_order_of_arrival(
    store: SessionStore, session_path: Path
) -> None:
    codes = [store.add_participant(Level.BOARD).code for _ in range(25)]
    store.close()  # the journal lists arrivals in order while the workshop runs; then folds
    assert not store.journal_path.exists()
    stored = orjson.loads(session_path.read_bytes())["tables"]["participants"]
    in_file = [doc["code"] for doc in stored.values()]
    assert sorted(in_file) == sorted(codes)
    assert in_file != codes
    ids = [int(doc_id) for doc_id in stored]
    assert ids == sorted(ids), "kept in order of the random document ids"
    assert ids != list(range(1, 26)), "document ids are not a counter"


@pytest.mark.parametrize(
    ("participant", "item", "value", "reason"),
    [
        ("NOBODY", "D1", 1, "unknown participant 'NOBODY'"),
        (None, "X9", 1, "unknown item 'X9'"),
        (None, "D1", 3, "answer 3 is not -2..2"),
        (None, "D1", -3, "answer -3 is not -2..2"),
        (None, "D1", True, "answer True is not -2..2"),
        (None, "D1", "1", "answer '1' is not -2..2"),
        (None, "D1", 1.0, "answer 1.0 is not -2..2"),
    ],
)
def test_a_bad_answer_is_rejected_and_the_file_is_untouched(
    store: SessionStore,
    session_path: Path,
    participant: str | None,
    item: str,
    value: object,
    reason: str,
) -> None:
    person = store.add_participant(Level.BOARD)
    before = session_path.read_bytes()

    with pytest.raises(AnswerRejected) as rejected:
        store.record_answer(participant or person.code, item, value)  # type: ignore[arg-type]

    assert reason in str(rejected.value)
    assert str(session_path) in str(rejected.value)
    assert session_path.read_bytes() == before


def test_an_ended_session_takes_no_more_answers_or_participants(
    store: SessionStore, session_path: Path
) -> None:
    person = store.add_participant(Level.BOARD)
    store.update_state(SessionState(ended=True))
    before = session_path.read_bytes()

    with pytest.raises(SessionEnded, match="ended"):
        store.record_answer(person.code, "D1", 1)
    with pytest.raises(SessionEnded):
        store.add_participant(Level.BOARD)
    assert session_path.read_bytes() == before


def test_another_process_ending_the_session_stops_our_next_answer(
    store: SessionStore, session_path: Path
) -> None:
    person = store.add_participant(Level.BOARD)
    SessionStore.open(session_path).update_state(SessionState(ended=True))
    with pytest.raises(SessionEnded):
        store.record_answer(person.code, "D1", 1)


def test_a_department_must_be_one_of_the_sessions(store: SessionStore) -> None:
    assert store.add_participant(Level.BOARD, "sales").department == "Sales"
    with pytest.raises(AnswerRejected, match="unknown department 'Finance'"):
        store.add_participant(Level.BOARD, "Finance")
    with pytest.raises(AnswerRejected, match="unknown level"):
        store.add_participant("ceo")  # type: ignore[arg-type]


def test_finishing_a_participant_twice_changes_nothing_the_second_time(
    store: SessionStore, session_path: Path
) -> None:
    person = store.add_participant(Level.BOARD)
    store.finish_participant(person.code)
    before = session_path.read_bytes()
    store.finish_participant(person.code)
    assert session_path.read_bytes() == before
    with pytest.raises(AnswerRejected, match="unknown participant"):
        store.finish_participant("NOBODY")


def test_settings_are_saved_and_read_back(store: SessionStore, session_path: Path) -> None:
    new = SessionSettings(k=5, departments=("Ops",), start_hidden=False)
    store.update_settings(new)
    saved = new.model_copy(update={"k_history": ((0, 3), (0, 5))})  # k's change is recorded
    assert store.snapshot().settings == saved
    assert SessionStore.open(session_path).snapshot().settings == saved


def test_creating_a_session_over_an_existing_file_fails_and_keeps_it(
    store: SessionStore, session_path: Path, questionnaire: Questionnaire
) -> None:
    before = session_path.read_bytes()
    with pytest.raises(SessionError, match="already exists"):
        SessionStore.create(
            session_path, name="workshop", questionnaire=questionnaire, settings=SessionSettings()
        )
    assert session_path.read_bytes() == before


def test_opening_a_missing_session_says_so(tmp_path: Path) -> None:
    with pytest.raises(SessionNotFound, match="no such session file"):
        SessionStore.open(tmp_path / "nope.json")


@pytest.mark.parametrize("name", ["", " lead", "a/b", "../up", "x" * 101, "dot.", "new\nline"])
def test_a_session_name_that_is_not_a_safe_file_name_is_refused(
    name: str, tmp_path: Path, questionnaire: Questionnaire
) -> None:
    with pytest.raises(SessionError, match="session name"):
        session_path_for_name(name, tmp_path)
    with pytest.raises(SessionError, match="session name"):
        SessionStore.create(
            tmp_path / "x.json", name=name, questionnaire=questionnaire, settings=SessionSettings()
        )
    assert not (tmp_path / "x.json").exists()


@pytest.mark.parametrize("name", ["acme", "Acme Q3 2026", "Łódź-warsztat", "team_2.final"])
def test_ordinary_session_names_become_file_names(name: str, tmp_path: Path) -> None:
    assert session_path_for_name(name, tmp_path) == tmp_path / f"{name}.json"


def test_a_session_argument_is_a_name_unless_it_looks_like_a_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sessions = tmp_path / "sessions"
    assert resolve_session_path("acme", sessions) == sessions / "acme.json"
    assert resolve_session_path("elsewhere/acme.json", sessions) == Path("elsewhere/acme.json")
    assert resolve_session_path("acme.json", sessions) == Path("acme.json")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bare").write_text("x")
    assert resolve_session_path("bare", sessions) == Path("bare")


def test_sessions_are_listed_newest_first_without_temporary_or_lock_files(tmp_path: Path) -> None:
    q = small_questionnaire()
    for name in ["old", "newest", "middle"]:
        SessionStore.create(
            tmp_path / f"{name}.json", name=name, questionnaire=q, settings=SessionSettings()
        )
        age = {"old": 300, "newest": 0, "middle": 100}[name]
        os.utime(tmp_path / f"{name}.json", (1_700_000_000 - age, 1_700_000_000 - age))
    (tmp_path / ".old.json.abc.tmp").write_text("{")
    (tmp_path / "notes.txt").write_text("")
    (tmp_path / "folder.json").mkdir()

    assert [p.name for p in list_sessions(tmp_path)] == ["newest.json", "middle.json", "old.json"]
    assert list(list_sessions(tmp_path / "missing")) == []


def test_an_import_adds_new_participants_as_finished_in_one_write(
    store: SessionStore, session_path: Path
) -> None:
    generation = store.snapshot().generation
    rows = [
        ImportRow("P01", Level.BOARD, "Sales", "D1", 2),
        ImportRow("P01", Level.BOARD, "Sales", "R1", None),
        ImportRow("P02", Level.FRONT_LINE, None, "D1", -1),
        ImportRow("P02", Level.FRONT_LINE, None, "D1", 1),
    ]

    assert store.import_answers(rows) == 3

    snapshot = SessionStore.open(session_path).snapshot()
    assert snapshot.generation == generation + 1
    assert [(p.code, p.level, p.department, p.finished) for p in snapshot.participants] == [
        ("P01", Level.BOARD, "Sales", True),
        ("P02", Level.FRONT_LINE, None, True),
    ]
    assert [(a.participant, a.item, a.value) for a in snapshot.answers] == [
        ("P01", "D1", 2),
        ("P01", "R1", None),
        ("P02", "D1", 1),
    ]


def test_an_import_takes_the_sessions_spelling_of_a_department(store: SessionStore) -> None:
    store.import_answers([ImportRow("P01", Level.BOARD, "SALES", "D1", 1)])
    assert store.snapshot().participants[0].department == "Sales"


def test_an_import_adds_answers_to_a_participant_already_in_the_session(
    store: SessionStore,
) -> None:
    person = store.add_participant(Level.MANAGEMENT, "Support")
    store.record_answer(person.code, "D1", 1)
    store.import_answers([ImportRow(person.code, Level.MANAGEMENT, "Support", "D2", -2)])
    values = {(a.participant, a.item): a.value for a in store.snapshot().answers}
    assert values == {(person.code, "D1"): 1, (person.code, "D2"): -2}


@pytest.mark.parametrize(
    ("bad_row", "reason"),
    [
        (ImportRow("P03", Level.BOARD, None, "NOPE", 1), "import row 3: unknown item 'NOPE'"),
        (ImportRow("P03", Level.BOARD, None, "D1", 5), "import row 3: answer 5 is not -2..2"),
        (ImportRow("P01", Level.FRONT_LINE, None, "D2", 1), "participant 'P01' is board"),
        (ImportRow("P01", Level.BOARD, "Support", "D2", 1), "participant 'P01' is board"),
        (ImportRow("bad code!", Level.BOARD, None, "D1", 1), "invalid participant code"),
        (ImportRow("P03", "ceo", None, "D1", 1), "unknown level 'ceo'"),  # type: ignore[arg-type]
        (ImportRow("P03", Level.BOARD, "Legal", "D1", 1), "row 3: unknown department 'Legal'"),
    ],
)
def test_an_import_with_one_bad_row_changes_nothing(
    store: SessionStore, session_path: Path, bad_row: ImportRow, reason: str
) -> None:
    store.import_answers([ImportRow("P01", Level.BOARD, None, "D1", 1)])
    before = session_path.read_bytes()
    rows = [
        ImportRow("P02", Level.BOARD, None, "D1", 1),
        ImportRow("P01", Level.BOARD, None, "R1", 0),
        bad_row,
    ]

    with pytest.raises(AnswerRejected) as rejected:
        store.import_answers(rows)

    assert reason in str(rejected.value)
    assert session_path.read_bytes() == before
    assert {p.code for p in store.snapshot().participants} == {"P01"}


def test_an_import_of_a_code_that_a_kiosk_created_must_match_its_level(
    store: SessionStore, session_path: Path
) -> None:
    person = store.add_participant(Level.BOARD)
    before = session_path.read_bytes()
    with pytest.raises(AnswerRejected, match=f"participant '{person.code}' is board"):
        store.import_answers([ImportRow(person.code, Level.FRONT_LINE, None, "D1", 1)])
    assert session_path.read_bytes() == before


answer_steps = st.lists(
    st.tuples(
        st.integers(0, 2),
        st.sampled_from(["D1", "D2", "R1", "R2", "B1", "B2"]),
        st.sampled_from([-2, -1, 0, 1, 2, None]),
    ),
    min_size=1,
    max_size=15,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=answer_steps)
def test_the_file_always_holds_the_last_answer_per_participant_and_item(
    steps: list[tuple[int, str, int | None]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "prop.json"
        store = SessionStore.create(
            path, name="prop", questionnaire=small_questionnaire(), settings=SessionSettings()
        )
        people = [store.add_participant(level).code for level in Level]
        expected: dict[tuple[str, str], int | None] = {}
        for who, item, value in steps:
            store.record_answer(people[who], item, value)
            expected[(people[who], item)] = value

        answers = SessionStore.open(path).snapshot().answers

        assert {(a.participant, a.item): a.value for a in answers} == expected
        assert [(a.participant, a.item) for a in answers] == sorted(expected)
