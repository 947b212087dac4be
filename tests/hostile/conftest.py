"""The attack tests reuse the command-line fixtures: ``coherence-tui`` as a real subprocess."""

from __future__ import annotations

from tests.cli.conftest import run, session  # noqa: F401 - fixtures, used by name
