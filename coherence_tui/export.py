"""JSON, CSV and Markdown exports of a session.

CONTRACT STUB - implemented with the command line (issue 2). Keep the API.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from coherence_tui.store import SessionSnapshot

ExportFormat = Literal["json", "csv", "md"]
FORMATS: tuple[ExportFormat, ...] = ("json", "csv", "md")


def render(snapshot: SessionSnapshot, fmt: ExportFormat, *, timestamps: bool = False, lang: str | None = None) -> str:
    """The export as text: full JSON, answer CSV, or a Markdown workshop report."""
    raise NotImplementedError


def default_export_path(snapshot: SessionSnapshot, fmt: ExportFormat | Literal["svg"]) -> Path:
    """Where the facilitator menu saves an export: next to the session file, timestamped."""
    raise NotImplementedError
