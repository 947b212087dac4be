"""LiveSession: what the room may see, and following other processes' writes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from coherence_tui.domain.model import Level, SessionSettings, SessionState, UpdateRule
from coherence_tui.domain.pin import hash_pin
from coherence_tui.services.live import LiveSession
from coherence_tui.storage.store import SessionStore
from tests.domain.conftest import make_questionnaire

Q = make_questionnaire(per_factor=1)


def open_live(tmp_path: Path, rule: UpdateRule = UpdateRule.PARTICIPANT, k: int = 1) -> LiveSession:
    salt, digest = hash_pin("2468")
    store = SessionStore.create(
        tmp_path / "live.json",
        name="live",
        questionnaire=Q,
        settings=SessionSettings(k=k, update_rule=rule, pin_salt=salt, pin_hash=digest),
    )
    return LiveSession(store)


def answer_all(live: LiveSession, code: str, value: int) -> None:
    for item in ("D1", "R1", "B1"):
        live.record_answer(code, item, value)


def test_room_sees_nothing_of_a_participant_until_they_finish(tmp_path: Path) -> None:
    live = open_live(tmp_path)
    who = live.start_participant(Level.BOARD, None)
    answer_all(live, who.code, 2)
    assert live.report.group(Level.BOARD).n == 0
    assert live.full_report.group(Level.BOARD).n == 1
    live.finish_participant(who.code)
    assert live.report.group(Level.BOARD).factors["declarations"] == 200.0


def test_the_withdrawn_answer_rule_of_old_files_waits_for_the_finish(tmp_path: Path) -> None:
    live = open_live(tmp_path, UpdateRule.ANSWER)
    who = live.start_participant(Level.FRONT_LINE, None)
    live.record_answer(who.code, "D1", -1)
    assert live.report.group(Level.FRONT_LINE).n == 0
    live.finish_participant(who.code)
    assert live.report.group(Level.FRONT_LINE).factors["declarations"] == -100.0


def test_finished_people_reach_the_room_in_batches_of_k_per_level(tmp_path: Path) -> None:
    live = open_live(tmp_path, k=3)
    seen = []
    for level in (
        Level.FRONT_LINE,
        Level.BOARD,
        Level.FRONT_LINE,
        Level.FRONT_LINE,
        Level.BOARD,
        Level.BOARD,
        Level.FRONT_LINE,
    ):
        who = live.start_participant(level, None)
        answer_all(live, who.code, 1)
        live.finish_participant(who.code)
        seen.append((live.report.group(Level.BOARD).n, live.report.group(Level.FRONT_LINE).n))
    # Front line reaches 3 with a board member pending: both wait until the board has 3.
    assert seen == [(0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (3, 3), (3, 3)]


def test_a_restarted_projector_shows_the_same_batches(tmp_path: Path) -> None:
    live = open_live(tmp_path, k=2)
    for level in (Level.BOARD, Level.BOARD, Level.MANAGEMENT):
        who = live.start_participant(level, None)
        answer_all(live, who.code, 2)
        live.finish_participant(who.code)
    again = LiveSession(SessionStore.open(tmp_path / "live.json"))
    assert again.report.level_counts() == live.report.level_counts()
    assert again.report.level_counts()[Level.MANAGEMENT] == 0


def test_ending_the_session_counts_participants_who_stopped_half_way(tmp_path: Path) -> None:
    live = open_live(tmp_path)
    who = live.start_participant(Level.MANAGEMENT, None)
    live.record_answer(who.code, "D1", 1)
    assert live.report.group(Level.MANAGEMENT).n == 0
    live.update_state(SessionState(revealed=True, ended=True))
    assert live.report.group(Level.MANAGEMENT).n == 1


def test_answers_of_returns_only_that_participants_answers(tmp_path: Path) -> None:
    live = open_live(tmp_path)
    a = live.start_participant(Level.BOARD, None)
    b = live.start_participant(Level.BOARD, None)
    live.record_answer(a.code, "D1", 2)
    live.record_answer(b.code, "D1", None)
    live.record_answer(a.code, "D1", -2)
    assert live.answers_of(a.code) == {"D1": -2}
    assert live.answers_of(b.code) == {"D1": None}


def test_pin_check(tmp_path: Path) -> None:
    live = open_live(tmp_path)
    assert live.check_pin("2468")
    assert not live.check_pin("2469") and not live.check_pin("")


def test_poll_picks_up_a_finished_participant_from_another_process(tmp_path: Path) -> None:
    live = open_live(tmp_path)
    assert live.poll() is False
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from coherence_tui.domain.model import Level\n"
        "from coherence_tui.storage.store import SessionStore\n"
        "s = SessionStore.open(Path(sys.argv[1]))\n"
        "p = s.add_participant(Level.FRONT_LINE)\n"
        "for item in ('D1', 'R1', 'B1'): s.record_answer(p.code, item, -2)\n"
        "s.finish_participant(p.code)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(tmp_path / "live.json")], check=True)
    assert live.poll() is True
    assert live.report.group(Level.FRONT_LINE).factors["resources"] == -200.0
    assert live.poll() is False


def test_poll_stays_quiet_for_an_unfinished_participant_elsewhere(tmp_path: Path) -> None:
    live = open_live(tmp_path)
    other = SessionStore.open(tmp_path / "live.json")
    p = other.add_participant(Level.BOARD)
    other.record_answer(p.code, "D1", 2)
    assert live.poll() is False  # the room must not see a bar move for one person's answer
    assert live.report.group(Level.BOARD).n == 0


def test_changing_k_rebuilds_the_visible_report(tmp_path: Path) -> None:
    live = open_live(tmp_path, k=1)
    who = live.start_participant(Level.BOARD, None)
    answer_all(live, who.code, 1)
    live.finish_participant(who.code)
    assert not live.report.group(Level.BOARD).suppressed
    live.update_settings(live.settings.model_copy(update={"k": 2}))
    assert live.report.group(Level.BOARD).suppressed
    assert SessionStore.open(tmp_path / "live.json").snapshot().settings.k == 2


@pytest.mark.parametrize("language", [None, "pl"])
def test_language_follows_the_questionnaire_unless_overridden(
    tmp_path: Path, language: str | None
) -> None:
    live = open_live(tmp_path)
    if language:
        live.update_settings(live.settings.model_copy(update={"language": language}))
    assert live.language == (language or "en")


def test_incremental_poll_equals_a_fresh_load_after_every_change(tmp_path: Path) -> None:
    import random

    live = open_live(tmp_path, k=2)
    other = SessionStore.open(tmp_path / "live.json")
    rng = random.Random(7)
    codes: list[str] = []
    for step in range(40):
        roll = rng.random()
        if roll < 0.25 or not codes:
            codes.append(other.add_participant(rng.choice(list(Level))).code)
        elif roll < 0.4:
            other.finish_participant(rng.choice(codes))
        else:
            other.record_answer(
                rng.choice(codes), rng.choice(["D1", "R1", "B1"]), rng.choice([None, -2, 0, 1, 2])
            )
        live.poll()
        fresh = LiveSession(SessionStore.open(tmp_path / "live.json"))
        assert live.report.to_json() == fresh.report.to_json(), step
        assert live.full_report.to_json() == fresh.full_report.to_json(), step


def test_a_language_chosen_for_this_process_also_translates_recommendations(tmp_path: Path) -> None:
    live = open_live(tmp_path)
    who = live.start_participant(Level.BOARD, None)
    answer_all(live, who.code, 1)
    live.finish_participant(who.code)
    assert live.report.recommendations[0].text.startswith("Weakest leg")
    live.set_language("pl")
    assert live.language == "pl"
    assert live.report.recommendations[0].text.startswith("Najsłabsza noga")


def test_an_answer_from_another_kiosk_is_not_lost_behind_our_own_next_write(
    tmp_path: Path,
) -> None:
    """Our write re-reads the file under the lock, so ``changed()`` no longer sees the
    other kiosk's write; the live session must still pick it up."""
    live = open_live(tmp_path)
    ours = live.start_participant(Level.BOARD, None)
    other = SessionStore.open(tmp_path / "live.json")
    theirs = other.add_participant(Level.FRONT_LINE)
    for item in ("D1", "R1", "B1"):
        other.record_answer(theirs.code, item, -2)
    other.finish_participant(theirs.code)
    live.record_answer(ours.code, "D1", 2)  # before our projector polled
    assert live.poll() is True
    assert live.report.group(Level.FRONT_LINE).factors["declarations"] == -200.0


def test_two_kiosks_interleaved_always_agree_with_a_fresh_load(tmp_path: Path) -> None:
    import random

    live = open_live(tmp_path, k=1)
    other = SessionStore.open(tmp_path / "live.json")
    rng = random.Random(11)
    mine: list[str] = []
    theirs: list[str] = []
    for _step in range(60):
        ours_turn = rng.random() < 0.5
        codes = mine if ours_turn else theirs
        roll = rng.random()
        if roll < 0.2 or not codes:
            level = rng.choice(list(Level))
            new = live.start_participant(level, None) if ours_turn else other.add_participant(level)
            codes.append(new.code)
        elif roll < 0.3:
            (live.finish_participant if ours_turn else other.finish_participant)(rng.choice(codes))
        else:
            record = live.record_answer if ours_turn else other.record_answer
            record(rng.choice(codes), rng.choice(["D1", "R1", "B1"]), rng.choice([None, -1, 2]))
        if rng.random() < 0.5:
            live.poll()
    other.record_answer(theirs[0], "B1", -2)
    live.record_answer(mine[0], "B1", 2)  # our write last: changed() alone would miss theirs
    live.poll()
    fresh = LiveSession(SessionStore.open(tmp_path / "live.json"))
    assert live.report.to_json() == fresh.report.to_json()
    assert live.full_report.to_json() == fresh.full_report.to_json()
