"""Fixtures of the export tests (the workshop itself is built in ``workshop.py``)."""

from __future__ import annotations

from workshop import workshop

__all__ = ["workshop"]
