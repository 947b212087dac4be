"""Paths and the file system: a name stays in the sessions folder, a read-only file stays
unchanged, a symlink stays a symlink.

Attacks from issue 8: ``new ../../x`` and ``new /abs/dir/x.json`` wrote outside the
sessions folder; a 300-character name gave an ``OSError`` traceback; a 0444 session was
rewritten anyway; a session that is a symlink was replaced by a copy; ``new
--questionnaire my.toml`` refused a file that ``validate`` accepted.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hostile_helpers import make_session, shipped_toml

from coherence_tui.domain.model import Level
from coherence_tui.storage.store import ImportRow, SessionError, SessionStore
from tests.cli.conftest import Run, write_csv

PIN_ENV = {"COHERENCE_PIN": "2468"}


def one_clean_line(stderr: str) -> bool:
    return (
        stderr.count("\n") == 1
        and "Traceback" not in stderr
        and stderr.startswith("coherence-tui: error: ")
    )


def every_file(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


# -- names are names ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["../../x", "../escaped", "sub/dir", "ABS", "x.json", "..", ".hidden", "a\nb"]
)
def test_new_refuses_a_name_that_is_not_one_plain_file_name(
    run: Run, tmp_path: Path, name: str
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    if name == "ABS":
        name = str(tmp_path / "abs" / "dir" / "x.json")
    before = every_file(tmp_path)

    done = run("new", name, "--questionnaire", "general-en", extra_env=PIN_ENV)

    assert done.returncode == 1 and one_clean_line(done.stderr), done.stderr
    assert "session name" in done.stderr
    assert every_file(tmp_path) == before
    assert not (tmp_path / "abs").exists()


def test_a_300_character_name_is_refused_in_one_line(run: Run, tmp_path: Path) -> None:
    done = run("new", "a" * 300, "--questionnaire", "general-en", extra_env=PIN_ENV)
    assert done.returncode == 1 and one_clean_line(done.stderr)
    assert "300 characters long; at most 100" in done.stderr

    opened = run("report", "a" * 300)
    assert opened.returncode == 1 and one_clean_line(opened.stderr)


def test_a_name_of_100_characters_works_and_101_does_not(run: Run, tmp_path: Path) -> None:
    assert run("new", "n" * 100, "--questionnaire", "general-en", extra_env=PIN_ENV).returncode == 0
    assert (tmp_path / "sessions" / f"{'n' * 100}.json").is_file()
    assert run("new", "n" * 101, "--questionnaire", "general-en", extra_env=PIN_ENV).returncode == 1


def test_a_name_too_long_in_bytes_for_the_file_system_is_refused_clearly(run: Run) -> None:
    done = run("new", "字" * 90, "--questionnaire", "general-en", extra_env=PIN_ENV)
    assert done.returncode == 1 and one_clean_line(done.stderr)
    assert "270 bytes long in UTF-8; at most 200" in done.stderr


def test_new_never_replaces_a_dangling_symlink(run: Run, tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    (sessions / "acme.json").symlink_to(tmp_path / "elsewhere.json")

    done = run("new", "acme", "--questionnaire", "general-en", extra_env=PIN_ENV)

    assert done.returncode == 1 and "already exists" in done.stderr
    assert not (tmp_path / "elsewhere.json").exists()


# -- --questionnaire: an id or a TOML file --------------------------------------------------


@pytest.mark.parametrize("as_given", ["my.toml", "./qs/my.toml", "ABS"])
def test_new_takes_the_questionnaire_file_that_validate_accepts(
    run: Run, tmp_path: Path, as_given: str
) -> None:
    folder = tmp_path / "qs"
    folder.mkdir()
    toml = shipped_toml(folder, {'id = "general-en"': 'id = "my"'})
    mine = toml.rename(folder / "my.toml")
    if as_given == "my.toml":
        (tmp_path / "my.toml").write_bytes(mine.read_bytes())
    elif as_given == "ABS":
        as_given = str(mine)
    assert run("questionnaires", "validate", as_given).returncode == 0

    done = run("new", "acme", "--questionnaire", as_given, extra_env=PIN_ENV)

    assert done.returncode == 0, done.stderr
    snapshot = SessionStore.open(tmp_path / "sessions" / "acme.json").snapshot()
    assert snapshot.questionnaire.id == "my"


def test_new_names_the_file_of_a_broken_questionnaire(run: Run, tmp_path: Path) -> None:
    broken = shipped_toml(tmp_path, {'factor = "declarations"': 'factor = "declaration"'})
    done = run("new", "acme", "--questionnaire", str(broken), extra_env=PIN_ENV)
    assert done.returncode == 1 and one_clean_line(done.stderr)
    assert "general-en.toml: item D02: unknown factor 'declaration'" in done.stderr


# -- a read-only session is never rewritten ------------------------------------------------


def test_a_read_only_session_is_refused_and_left_untouched(run: Run, tmp_path: Path) -> None:
    path = make_session(tmp_path / "sessions", name="acme")
    path.chmod(0o444)
    before = path.read_bytes()
    paper = write_csv(tmp_path / "paper.csv", ["P1,board,,d1,2"])

    done = run("import", "acme", str(paper))

    assert done.returncode == 1 and one_clean_line(done.stderr)
    assert "read-only (mode 0444)" in done.stderr
    assert path.read_bytes() == before and os.stat(path).st_mode & 0o777 == 0o444

    kiosk = run("kiosk", "acme")
    assert kiosk.returncode == 1 and one_clean_line(kiosk.stderr)
    assert "read-only" in kiosk.stderr

    with pytest.raises(SessionError, match="read-only"):
        SessionStore.open(path).add_participant(Level.BOARD)
    assert path.read_bytes() == before
    assert run("report", "acme").returncode == 0, "reading a read-only session is fine"


# -- a symlinked session is written through ------------------------------------------------


def test_a_session_reached_through_a_symlink_updates_its_target_and_keeps_the_link(
    run: Run, tmp_path: Path
) -> None:
    real = make_session(tmp_path / "storage", name="acme")
    link = tmp_path / "sessions" / "acme.json"
    link.parent.mkdir()
    link.symlink_to(real)
    paper = write_csv(tmp_path / "paper.csv", ["P1,board,,d1,2"])

    done = run("import", "acme", str(paper))

    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert [a.value for a in SessionStore.open(real).snapshot().answers] == [2]
    assert sorted(p.name for p in link.parent.iterdir()) == ["acme.json"], "no copy, no lock here"

    SessionStore.open(link).import_answers([ImportRow("P2", Level.BOARD, None, "d1", -1)])
    assert link.is_symlink()
    assert len(SessionStore.open(real).snapshot().answers) == 2


def test_a_session_and_its_symlink_share_one_lock(tmp_path: Path) -> None:
    real = make_session(tmp_path / "storage", name="acme")
    link = tmp_path / "acme.json"
    link.symlink_to(real)
    assert SessionStore.open(link).lock_path == SessionStore.open(real).lock_path


def test_an_export_through_a_symlink_replaces_the_target_only(run: Run, tmp_path: Path) -> None:
    make_session(tmp_path / "sessions", name="acme")
    target = tmp_path / "shared" / "report.md"
    target.parent.mkdir()
    target.write_text("old\n")
    link = tmp_path / "report.md"
    link.symlink_to(target)

    assert run("export", "acme", "--format", "md", "-o", str(link)).returncode == 0

    assert link.is_symlink() and target.read_text().startswith("# Customer-service")
