"""Strings of the facilitator's own views (issue 12): the preview and the menu's additions.

Kept apart from ``kiosk.py`` (the participant's screens) so both can change independently.
"""

from __future__ import annotations

EN: dict[str, str] = {
    "menu.preview": "Preview the results (this screen only; the room still sees nothing)",
    "preview.banner": "PREVIEW — not shown to the room (results are hidden)  ·  Esc back",
    "settings.prediction_round.short": "Prediction round",
    "settings.prediction_round.hint": (
        "Board and management estimate how the front line answers a few statements."
    ),
    "settings.high_contrast.short": "High-contrast projector",
    "settings.high_contrast.hint": (
        "Black on white, patterns as well as colours: for a washed-out projector."
    ),
}

PL: dict[str, str] = {
    "menu.preview": "Podgląd wyników (tylko na tym ekranie; sala nadal nic nie widzi)",
    "preview.banner": "PODGLĄD — sala tego nie widzi (wyniki są ukryte)  ·  Esc powrót",
    "settings.prediction_round.short": "Runda przewidywań",
    "settings.prediction_round.hint": (
        "Zarząd i kierownictwo szacują, jak pierwsza linia odpowie na kilka stwierdzeń."
    ),
    "settings.high_contrast.short": "Wysoki kontrast na projektorze",
    "settings.high_contrast.hint": ("Czarne na białym, wzory obok kolorów: na blady projektor."),
}
