"""Interface strings (kiosk part). Same keys in EN and PL."""

from __future__ import annotations

EN: dict[str, str] = {}

PL: dict[str, str] = {}
