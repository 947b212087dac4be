"""The high-contrast projector theme.

A projector in a lit room washes out dark backgrounds and pale colours, and some of the
room does not tell red from green. This theme is black on white with dark, saturated
colours and text at full strength; with it the dashboard also tells apart what the
default theme tells by colour (level bars by pattern, the stool state by the border's
weight as well as its words).

The facilitator chooses it in the session's settings (``SessionSettings.high_contrast``,
followed by every dashboard of the session) or for one display with ``c``.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.theme import Theme

HIGH_CONTRAST = "coherence-high-contrast"


def projector_theme() -> Theme:
    """The theme, made afresh for each app (a Theme is mutable; apps must not share one)."""
    return Theme(
        name=HIGH_CONTRAST,
        primary="#0033A0",
        secondary="#000000",
        accent="#0033A0",
        warning="#8A4600",
        error="#B00020",
        success="#00602A",
        foreground="#000000",
        background="#FFFFFF",
        surface="#FFFFFF",
        panel="#E4E4E4",
        dark=False,
        luminosity_spread=0.08,
        text_alpha=1.0,
        variables={
            "text-muted": "#1A1A1A",
            "footer-key-foreground": "#0033A0",
            "footer-description-foreground": "#000000",
            "border": "#000000",
            "border-blurred": "#000000",
        },
    )


def use_projector_theme(app: App[Any], on: bool, *, fallback: str) -> None:
    """Switch ``app`` to the projector theme (registered on first use), or from it back to
    ``fallback``; any other theme is left as it is."""
    if on:
        if HIGH_CONTRAST not in app.available_themes:
            app.register_theme(projector_theme())
        app.theme = HIGH_CONTRAST
    elif app.theme == HIGH_CONTRAST:
        app.theme = fallback
