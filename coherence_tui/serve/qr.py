"""A QR code of the participant URL, drawn with Unicode half blocks.

Each character cell holds two modules, one above the other, so a version-3 code
(29 modules) with its quiet zone is 33 columns by 17 rows: it fits an 80x24
projector beside the counts. The strings use light = ink: draw them light on dark
(``white on black``), which is how a QR code must look (dark modules on a light
ground) since the blocks are the light modules.
"""

from __future__ import annotations

import segno

QUIET_ZONE = 2
"""Modules of light margin around the code (scanners need some; 2 fits 80x24)."""

_CELLS = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}
"""(top light, bottom light) -> the character whose ink is the light modules."""


def qr_lines(text: str, *, quiet_zone: int = QUIET_ZONE) -> list[str]:
    """``text`` as a QR code (error correction M), one string per terminal row."""
    code = segno.make(text, error="m", micro=False, boost_error=False)
    rows = [[not dark for dark in row] for row in code.matrix_iter(border=quiet_zone)]
    if len(rows) % 2:
        rows.append([True] * len(rows[0]))
    return [
        "".join(_CELLS[(top, bottom)] for top, bottom in zip(upper, lower, strict=True))
        for upper, lower in zip(rows[0::2], rows[1::2], strict=True)
    ]


def modules_of(lines: list[str]) -> list[list[bool]]:
    """The light/dark modules drawn by ``qr_lines`` (True = light), for checking a drawing."""
    top = {ch: pair[0] for pair, ch in _CELLS.items()}
    bottom = {ch: pair[1] for pair, ch in _CELLS.items()}
    rows: list[list[bool]] = []
    for line in lines:
        rows.append([top[ch] for ch in line])
        rows.append([bottom[ch] for ch in line])
    return rows
