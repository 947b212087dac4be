"""Run ``coherence-tui`` as a real subprocess against a temporary sessions directory."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run(tmp_path: Path) -> Run:
    """``run("report", "x", "--json")`` -> CompletedProcess, sessions in ``tmp_path/sessions``."""
    env = {**os.environ, "COHERENCE_SESSIONS_DIR": str(tmp_path / "sessions"), "NO_COLOR": "1"}

    def _run(
        *args: str, check: bool = False, extra_env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "coherence_tui", *args],
            stdin=subprocess.DEVNULL,  # never a terminal: `new` would ask for a PIN
            capture_output=True,
            text=True,
            env={**env, **(extra_env or {})},
            cwd=tmp_path,
            timeout=60,
        )
        if check:
            assert done.returncode == 0, done.stderr
        return done

    return _run


@pytest.fixture
def session(run: Run, tmp_path: Path) -> Path:
    """A fresh session 'acme' on general-en with departments Sales and Care, k=2, PIN 4321."""
    done = run(
        "new",
        "acme",
        "--questionnaire",
        "general-en",
        "--departments",
        "Sales,Care",
        "--k",
        "2",
        check=True,
        extra_env={"COHERENCE_PIN": "4321"},
    )
    path = Path(done.stdout.strip().splitlines()[-1])
    return path if path.is_absolute() else tmp_path / path


def write_csv(
    path: Path, rows: list[str], header: str = "participant,level,department,item,value"
) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path
