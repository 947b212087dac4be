"""App-level messages: things that happened away from the widget that shows them."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from textual.message import Message


class ExportFinished(Message):
    """A facilitator export (or dashboard screenshot) was written, or failed.

    Posted from the export worker thread: ``post_message`` is the one thread-safe call.
    """

    def __init__(self, path: Path | None, error: str | None = None) -> None:
        super().__init__()
        self.path = path
        """Where the file was written; ``None`` when it failed."""
        self.error = error
        """One line saying why it failed."""


class LanguageChanged(Message):
    """The facilitator switched the interface language; screens relabel themselves."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang


# -- requests from screens to the app ------------------------------------------------
# Screens never import the app (it imports them): they post one of these, it bubbles
# from the screen to the app, and the app does the navigation or the switch.


class OpenSession(Message):
    """Leave the home screen for a workshop (the app reports a file it cannot open)."""

    def __init__(self, path: Path, start: Literal["run", "demo"] = "run") -> None:
        super().__init__()
        self.path = path
        """The session file."""
        self.start = start
        """``run``: a locked kiosk; ``demo``: the demo, unlocked, on its dashboard."""


class OpenDashboard(Message):
    """Show the dashboard over the facilitator menu (Escape comes back)."""

    def __init__(self, *, preview: bool = False) -> None:
        super().__init__()
        self.preview = preview
        """The facilitator's own preview of hidden results: the room's view, shown on
        this screen only, under a banner saying the room does not see it."""


class BackToKiosk(Message):
    """Close every facilitator screen and lock the kiosk again."""

    def __init__(self, *, close_participant: bool = False) -> None:
        super().__init__()
        self.close_participant = close_participant
        """Also close the participant who walked away half-way (their answers count)."""


class LanguageChosen(Message):
    """The facilitator chose an interface language; the app switches every screen."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
