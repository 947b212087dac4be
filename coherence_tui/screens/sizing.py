"""Breakpoint classes known before the first layout.

Textual gives a screen its breakpoint classes (``-narrow``, ``-wide``, ...) when the
screen receives its first ``Resize``, which comes after the first layout: that first
layout, and the frame drawn from it, used the wrong classes and was thrown away. A
screen that passes ``breakpoint_classes(...)`` to its constructor is laid out right the
first time.
"""

from __future__ import annotations

from textual.geometry import Size


def _class_for(dimension: int, breakpoints: list[tuple[int, str]] | None) -> list[str]:
    """The class Textual picks: the largest breakpoint at or below ``dimension``."""
    for threshold, name in sorted(breakpoints or [], reverse=True):
        if dimension >= threshold:
            return [name]
    return []


def breakpoint_classes(
    size: Size,
    horizontal: list[tuple[int, str]] | None,
    vertical: list[tuple[int, str]] | None,
) -> str:
    """The breakpoint classes of a screen of ``size``, as Textual will set them."""
    return " ".join(_class_for(size.width, horizontal) + _class_for(size.height, vertical))
