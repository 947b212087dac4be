"""The domain, the store and the exports never import Textual (checked in a fresh interpreter)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from coherence_tui.domain.model import AreaGroup, Level, SessionSettings
from coherence_tui.storage.store import SessionStore
from tests.domain.conftest import make_questionnaire

PURE = [
    "coherence_tui.domain.model",
    "coherence_tui.domain.scoring",
    "coherence_tui.domain.recommend",
    "coherence_tui.domain.report",
    "coherence_tui.domain.disclosure",
    "coherence_tui.domain.stats",
    "coherence_tui.domain.text",
    "coherence_tui.domain.pin",
    "coherence_tui.domain.discussion",
    "coherence_tui.domain.predictions",
    "coherence_tui.domain.chain",
    "coherence_tui.domain.compare",
    "coherence_tui.domain.plan",
    "coherence_tui.services.insights",
    "coherence_tui.output.html_report",
    "coherence_tui.output.stool_drawing",
    "coherence_tui.storage.fileio",
    "coherence_tui.storage.pinlock",
    "coherence_tui.services.supervisor",
    "coherence_tui.storage.store",
    "coherence_tui.storage.questionnaires",
    "coherence_tui.storage.languages",
    "coherence_tui.services.live",
    "coherence_tui.output.export",
    "coherence_tui.storage.answerfile",
    "coherence_tui.cli",
]


def test_pure_modules_never_import_textual_or_plotext() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in PURE)
        + "ui = ('textual', 'plotext', 'textual_plotext')\n"
        + "bad = sorted(m for m in sys.modules if m.split('.')[0] in ui)\n"
        + "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_scipy_waits_until_an_interval_is_needed() -> None:
    """Start-up (a kiosk, ``report`` of an empty session) never pays for scipy's import."""
    code = (
        "import sys\n" + "".join(f"import {m}\n" for m in PURE) + "print('scipy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


SERVE_PURE = [
    "coherence_tui.serve.tokens",
    "coherence_tui.serve.room",
    "coherence_tui.serve.seats",
    "coherence_tui.serve.address",
    "coherence_tui.serve.seat_link",
]
"""What the dashboard and the menu import of the server: no aiohttp, no Textual."""


def test_the_room_rules_import_neither_the_web_server_nor_textual() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in SERVE_PURE)
        + "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        + "('textual', 'aiohttp', 'plotext', 'segno'))\n"
        + "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_a_browser_kiosk_imports_no_charts_no_web_server_and_no_command_line() -> None:
    """The light entry point: what one phone's process holds (issue 15's memory budget)."""
    code = (
        "import sys\n"
        "from coherence_tui.serve.kiosk_main import preload\n"
        "preload()\n"
        "heavy = ('plotext', 'textual_plotext', 'scipy', 'aiohttp', 'segno')\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in heavy)\n"
        "bad += [m for m in ('coherence_tui.cli', 'coherence_tui.screens.dashboard',\n"
        "        'coherence_tui.output.export') if m in sys.modules]\n"
        "print(','.join(bad))\n"
        "print('coherence_tui.screens.kiosk' in sys.modules, 'pydantic' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    heavy, loaded = out.stdout.splitlines()
    assert heavy == ""
    # It loads the kiosk (what forked kiosks share), and no pydantic: a kiosk checks its
    # session's head in plain Python (issue 14).
    assert loaded == "True False"


def loaded_after(code: str) -> set[str]:
    """Top-level packages and our modules in ``sys.modules`` after running ``code`` afresh."""
    script = code + "\nimport sys\nprint(' '.join(sorted(sys.modules)))\n"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


@pytest.mark.parametrize("estimates", [False, True], ids=["fresh", "with estimates"])
def test_a_kiosk_starts_without_pydantic_scoring_or_charts(tmp_path: Path, estimates: bool) -> None:
    """A kiosk opens and checks its session (the head with ``coherence_tui.storage.head``), and
    builds no report: no pydantic, no scoring, no plotext (80 ms of pydantic alone), also
    when the session already holds estimates of the prediction round (a restarted kiosk)."""
    path = tmp_path / "s.json"
    questionnaire = make_questionnaire(per_factor=8)
    store = SessionStore.create(
        path,
        name="s",
        questionnaire=questionnaire,
        settings=SessionSettings(prediction_round=estimates),
    )
    if estimates:
        item = questionnaire.items[0]
        assert not item.reverse
        store = SessionStore.create(
            tmp_path / "p.json",
            name="p",
            questionnaire=questionnaire.model_copy(
                update={
                    "format_version": 2,
                    "instruction": "Answer from your own experience.",
                    "areas": {i.area: AreaGroup.STAFF for i in questionnaire.items},
                    "items": (item.model_copy(update={"predict": True}), *questionnaire.items[1:]),
                }
            ),
            settings=SessionSettings(prediction_round=True),
        )
        board = store.add_participant(Level.BOARD)
        store.record_answer(board.code, item.id, 1)
        store.record_prediction(board.code, item.id, 60)
        store.close()
        path = store.path
    loaded = loaded_after(
        "from pathlib import Path\n"
        "from coherence_tui.app import CoherenceApp\n"
        "import coherence_tui.screens.kiosk\n"
        f"app = CoherenceApp(start='kiosk', session=Path({str(path)!r}))\n"
        "assert app.live.head.statements\n"
    )
    heavy = {"pydantic", "plotext", "textual_plotext", "scipy", "numpy"}
    ours = {
        "coherence_tui.domain.model",
        "coherence_tui.domain.scoring",
        "coherence_tui.output.export",
    }
    assert not (heavy | ours) & loaded, sorted((heavy | ours) & loaded)


def test_a_supervisor_imports_neither_textual_nor_the_store() -> None:
    loaded = loaded_after(
        "import coherence_tui.cli, coherence_tui.services.supervisor, coherence_tui.storage.paths"
    )
    assert not {"textual", "pydantic", "coherence_tui.storage.store", "orjson"} & loaded
