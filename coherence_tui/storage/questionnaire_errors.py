"""Why a questionnaire file is refused, in one line: file, line or item, reason.

``QuestionnaireError`` and the translation of pydantic's and TOML's messages into ours.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from coherence_tui.domain.model import (
    FACTORS,
)
from coherence_tui.errors import CoherenceError

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


class QuestionnaireError(CoherenceError):
    """A questionnaire that cannot be used; ``str()`` is one line: file, item, reason."""

    def __init__(
        self,
        reason: str,
        *,
        path: Path | None = None,
        item: str | None = None,
        line: int | None = None,
    ) -> None:
        self.reason = " ".join(reason.split())
        """Why the questionnaire is refused, without file or item."""
        self.path = path
        """The file at fault, when there is one."""
        self.item = item
        """The item at fault (its id, or ``#n`` when it has none), when there is one."""
        self.line = line
        """The line of the file at fault, for TOML syntax errors."""
        super().__init__(str(self))

    def __str__(self) -> str:
        parts: list[str] = []
        if self.path is not None:
            parts.append(_display(self.path))
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.item is not None:
            parts.append(f"item {self.item}")
        parts.append(self.reason)
        return ": ".join(parts)


def _translate(path: Path, exc: ValidationError, labels: Sequence[str]) -> QuestionnaireError:
    """One :class:`QuestionnaireError` from pydantic's first error, naming the item.

    ``labels`` name the merged items in order: an id, or for an item of this file
    without one its position in this file (``#n``).
    """
    errors = exc.errors(include_url=False)
    first = errors[0]
    loc: tuple[int | str, ...] = tuple(first["loc"])
    item: str | None = None
    field_path = loc
    if len(loc) >= 2 and loc[0] == "items" and isinstance(loc[1], int):
        index = loc[1]
        item = labels[index] if index < len(labels) else f"#{index + 1}"
        field_path = loc[2:]
    reason = _reason(first["type"], field_path, first["msg"], first.get("input"))
    if len(errors) > 1:
        more = len(errors) - 1
        reason += f" (and {more} more problem{'s' if more > 1 else ''})"
    return QuestionnaireError(reason, path=path, item=item)


def _reason(kind: str, field_path: tuple[int | str, ...], message: str, value: Any) -> str:
    """A short reason in the file's terms (keys, not pydantic's model vocabulary)."""
    name = ".".join(str(part) for part in field_path)
    if kind == "enum" and field_path == ("factor",):
        expected = ", ".join(f.value for f in FACTORS)
        return f"unknown factor {value!r} (expected {expected})"
    if kind == "extra_forbidden":
        return f"unknown key {name!r}"
    if kind == "missing":
        return f"missing {name!r}"
    message = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if not name or (kind == "value_error" and field_path == ("items",)):
        return message
    return f"{name}: {message} (got {value!r})" if _short(value) else f"{name}: {message}"


def _short(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) and len(repr(value)) <= 40


def _item_label(entry: Any, index: int) -> str:
    """An item's id when it has a usable one, else its 1-based position as ``#n``."""
    if isinstance(entry, Mapping):
        item_id = entry.get("id")
        if isinstance(item_id, str) and item_id.strip():
            return item_id.strip()
    return f"#{index + 1}"


def _display(path: Path) -> str:
    """``path`` relative to the working directory when it lies beneath it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except (ValueError, OSError):
        return str(path)
