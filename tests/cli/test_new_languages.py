"""``coherence-tui new --languages``: a session that offers several languages (issue 11)."""

from __future__ import annotations

import shutil
from pathlib import Path

from coherence_tui.storage.questionnaires import SHIPPED_DIR, load
from coherence_tui.storage.store import SessionStore
from tests.cli.conftest import Run


def test_new_with_languages_freezes_every_language_version(run: Run, tmp_path: Path) -> None:
    done = run(
        "new", "mixed", "--questionnaire", "general-en", "--languages", "en,pl,uk,ru",
        "--pin", "1234", check=True,
    )  # fmt: skip
    path = tmp_path / done.stdout.strip().splitlines()[-1]
    head = SessionStore.open(path).head()
    assert head.languages == ("en", "pl", "uk", "ru")
    for lang in ("pl", "uk", "ru"):
        shipped = load(f"general-{lang}")
        assert dict(head.texts(lang).statements) == {i.id: i.text for i in shipped.items}
        assert head.texts(lang).title == shipped.title
    assert head.questionnaire.items == load("general-en").items


def test_new_without_languages_offers_the_questionnaire_language_only(
    run: Run, tmp_path: Path
) -> None:
    done = run("new", "plain", "--questionnaire", "general-pl", "--pin", "1234", check=True)
    head = SessionStore.open(tmp_path / done.stdout.strip().splitlines()[-1]).head()
    assert head.languages == ("pl",)
    assert head.questionnaire.translations == {}


def test_new_refuses_an_unknown_language_in_one_line_and_creates_nothing(
    run: Run, tmp_path: Path
) -> None:
    done = run("new", "mixed", "--questionnaire", "general-en", "--languages", "en,de")
    assert done.returncode == 1
    assert done.stderr == (
        "coherence-tui: error: --languages: unknown language 'de' (expected en, pl, uk, ru)\n"
    )
    assert not (tmp_path / "sessions" / "mixed.json").exists()


def test_new_refuses_language_versions_that_differ_naming_file_and_item(
    run: Run, tmp_path: Path
) -> None:
    folder = tmp_path / "q"
    folder.mkdir()
    shutil.copy(SHIPPED_DIR / "general-en.toml", folder)
    polish = Path(shutil.copy(SHIPPED_DIR / "general-pl.toml", folder))
    reversed_id = next(i.id for i in load("general-pl").items if i.reverse)
    text = polish.read_text(encoding="utf-8")
    start = text.index(f'id = "{reversed_id}"')
    end = text.index("reverse = true", start)
    polish.write_text(text[:end] + "reverse = false" + text[end + 14 :], encoding="utf-8")

    done = run(
        "new", "mixed", "--questionnaire", str(folder / "general-en.toml"),
        "--languages", "pl", "--pin", "1234",
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert f"general-pl.toml: item {reversed_id}: reverse is false here but true" in done.stderr
    assert not (tmp_path / "sessions" / "mixed.json").exists()
