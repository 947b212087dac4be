"""How a browser kiosk tells the server which participant its seat is answering as.

The kiosk process writes one JSON line per event to a pipe the server gave it
(``--seat-fd``): ``{"participant": CODE}`` when a participant starts,
``{"finished": CODE}`` when they finish. The server keeps the link in memory and in
its sidecar only while the participant is unfinished (``room``). Pure standard library.
"""

from __future__ import annotations

import json
import os


class SeatLink:
    """The kiosk's end of the pipe; every call is durable-ish (one small ``write``)."""

    def __init__(self, fd: int) -> None:
        self._fd = fd

    def _send(self, event: dict[str, str]) -> None:
        try:
            os.write(self._fd, json.dumps(event).encode() + b"\n")
        except OSError:
            pass  # the server went away: the kiosk ends with it, nothing to tell

    def started(self, participant: str) -> None:
        self._send({"participant": participant})

    def finished(self, participant: str) -> None:
        self._send({"finished": participant})
