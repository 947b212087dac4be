"""App-level messages: things that happened away from the widget that shows them."""

from __future__ import annotations

from pathlib import Path

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
