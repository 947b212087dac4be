"""One rule for text: whatever comes from a questionnaire, a session or a user is data.

It is never markup (the screens and ``report`` render it literally) and never a
control code: C0 (U+0000-U+001F), DEL (U+007F) and C1 (U+0080-U+009F) characters
are refused wherever text enters (questionnaire files, department names, answer
files), so an ``ESC ]2;...BEL`` in a statement cannot retitle the terminal and a
carriage return cannot overwrite what a kiosk shows. A newline is allowed only
where a text may have several lines (a questionnaire's description).

Pure Python: no Textual, no Rich.
"""

from __future__ import annotations

import re

_C0_NAMES = (
    "NUL SOH STX ETX EOT ENQ ACK BEL BS TAB LF VT FF CR SO SI "
    "DLE DC1 DC2 DC3 DC4 NAK SYN ETB CAN EM SUB ESC FS GS RS US"
).split()
_C1_NAMES = {0x85: "NEL", 0x90: "DCS", 0x9B: "CSI", 0x9C: "ST", 0x9D: "OSC"}

CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
"""Every C0 and C1 control character, and DEL."""
CONTROL_BUT_NEWLINE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
"""The same, less the newline (LF) that multi-line texts may hold."""


def describe_character(char: str) -> str:
    """A control character as a reader can name it: ``U+001B (ESC)``."""
    code = ord(char)
    if code < 0x20:
        name: str | None = _C0_NAMES[code]
    elif code == 0x7F:
        name = "DEL"
    else:
        name = _C1_NAMES.get(code)
    return f"U+{code:04X} ({name})" if name else f"U+{code:04X}"


def find_control(text: str, *, allow_newline: bool = False) -> tuple[int, str] | None:
    """The 1-based position and the first control character in ``text``, or ``None``."""
    match = (CONTROL_BUT_NEWLINE if allow_newline else CONTROL).search(text)
    if match is None:
        return None
    return match.start() + 1, match.group()


def check_plain(text: str, *, allow_newline: bool = False) -> str:
    """``text`` unchanged if it holds no control character; ``ValueError`` naming it otherwise.

    The message names the character and its position, e.g. ``contains the control
    character U+001B (ESC) at character 12``; it never echoes the text itself.
    """
    found = find_control(text, allow_newline=allow_newline)
    if found is not None:
        position, char = found
        raise ValueError(
            f"contains the control character {describe_character(char)} at character {position}"
        )
    return text


def visible(text: str) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``), for messages.

    For echoing untrusted text (a path, a cell of a file) in an error line on a
    terminal: nothing in it can act on the terminal, and the reader still sees
    what was there.
    """
    return CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
