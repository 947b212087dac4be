"""Load and validate questionnaire files (TOML) into :class:`Questionnaire` models.

A questionnaire file is human-edited, so every way it can be wrong ends in one
:class:`QuestionnaireError` whose text is a single line naming the file, the
item (when there is one) and the reason, e.g.::

    questionnaires/broken.toml: item D03: unknown factor 'declaration' (expected ...)

A file may ``extends`` another questionnaire of the same language in the same
directory: the base's items come first, then the file's own; ``scale`` and
``thresholds`` are inherited key by key where the file leaves them out.

Pure Python: the standard library's ``tomllib`` and pydantic, never Textual.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from coherence_tui.domain.model import FACTORS, LANGUAGES, Questionnaire
from coherence_tui.package_files import SHIPPED_QUESTIONNAIRES, package_folder

__all__ = [
    "ENV_DIR",
    "SHIPPED_DIR",
    "QuestionnaireError",
    "available_ids",
    "default_dir",
    "list_shipped",
    "load",
    "load_file",
]

ENV_DIR = "COHERENCE_QUESTIONNAIRES_DIR"
"""Environment variable that points the loader at another questionnaires directory."""

SHIPPED_DIR: Path = package_folder(SHIPPED_QUESTIONNAIRES)
"""The shipped questionnaires, wherever the package is installed.

The package ``coherence_tui.shipped``, found through ``importlib.resources``: in a
wheel or sdist install a folder inside the package, in an editable install the
repository's top-level ``questionnaires/`` (``pyproject.toml`` maps one onto the other).
"""

SUFFIX = ".toml"

_INHERITED_TABLES = ("scale", "thresholds")
"""Top-level tables a variant inherits key by key from the questionnaire it extends."""

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


class QuestionnaireError(Exception):
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


def default_dir() -> Path:
    """The directory questionnaires are loaded from when none is given.

    ``$COHERENCE_QUESTIONNAIRES_DIR`` when it is set and not empty, else
    :data:`SHIPPED_DIR`; read on every call, so a test or a shell can redirect it.
    """
    override = os.environ.get(ENV_DIR, "").strip()
    return Path(override) if override else SHIPPED_DIR


def available_ids(directory: Path | None = None) -> list[str]:
    """The ids (file stems) of the questionnaire files in ``directory``, sorted.

    Raises:
        QuestionnaireError: the directory does not exist or is not a directory.
    """
    folder = directory if directory is not None else default_dir()
    if not folder.is_dir():
        raise QuestionnaireError("questionnaires directory not found", path=folder)
    return sorted(
        entry.stem
        for entry in folder.iterdir()
        if entry.suffix == SUFFIX and entry.is_file() and not entry.name.startswith(".")
    )


def load(questionnaire_id: str, directory: Path | None = None) -> Questionnaire:
    """The questionnaire ``questionnaire_id`` from ``directory`` (default: :func:`default_dir`).

    Only ids of files actually present are accepted, so an id can never reach
    outside the directory.

    Raises:
        QuestionnaireError: the id is unknown (the message lists the available
            ones) or its file (or a file it extends) is broken.
    """
    folder = directory if directory is not None else default_dir()
    available = available_ids(folder)
    if questionnaire_id not in available:
        choices = ", ".join(available) if available else "none"
        raise QuestionnaireError(
            f"unknown questionnaire {questionnaire_id!r} (available: {choices})"
        )
    return load_file(folder / f"{questionnaire_id}{SUFFIX}")


def list_shipped(directory: Path | None = None) -> list[Questionnaire]:
    """Every questionnaire in ``directory`` (default: :func:`default_dir`), sorted by id.

    Raises:
        QuestionnaireError: of the first broken file; a broken file is never skipped.
    """
    folder = directory if directory is not None else default_dir()
    return [load_file(folder / f"{stem}{SUFFIX}") for stem in available_ids(folder)]


def load_file(path: Path) -> Questionnaire:
    """The validated questionnaire in the TOML file ``path``.

    Promises a questionnaire whose id equals the file stem, with at least one
    item of its own, every item with a text, no duplicate item ids (across the
    base it extends too), and no unknown keys. ``extends`` is resolved from
    the same directory, in the same language, recursively, refusing cycles.

    Raises:
        QuestionnaireError: one line naming the file, the item and the reason.
    """
    return _load(Path(path), chain=())


def _load(path: Path, chain: tuple[Path, ...]) -> Questionnaire:
    raw = _read_toml(path)
    _check_identity(path, raw)
    own_items = _own_items(path, raw)

    fields = {key: value for key, value in raw.items() if key != "extends"}
    base_items: tuple[Any, ...] = ()
    if "extends" in raw:
        base = _load_base(path, raw, chain)
        for table in _INHERITED_TABLES:
            fields[table] = _inherit(path, table, base, fields.get(table))
        base_items = tuple(item.model_dump() for item in base.items)
    fields["items"] = [*base_items, *own_items]
    _check_unique_ids(path, base_items, own_items, raw.get("extends"))

    try:
        return Questionnaire.model_validate(fields)
    except ValidationError as exc:
        raise _translate(path, exc, fields["items"], inherited=len(base_items)) from None


def _read_toml(path: Path) -> dict[str, Any]:
    """The parsed TOML document at ``path``, or a one-line error."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise QuestionnaireError("file not found", path=path) from None
    except IsADirectoryError:
        raise QuestionnaireError("is a directory, not a questionnaire file", path=path) from None
    except OSError as exc:
        raise QuestionnaireError(f"cannot read file: {exc.strerror}", path=path) from None
    except UnicodeDecodeError:
        raise QuestionnaireError("not UTF-8 text", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        position = _TOML_POSITION.search(message)
        line = int(position.group(1)) if position else None
        reason = _TOML_POSITION.sub("", message) if position else message
        raise QuestionnaireError(f"invalid TOML: {reason}", path=path, line=line) from None


def _check_identity(path: Path, raw: Mapping[str, Any]) -> None:
    """Refuse a file whose ``id`` is missing or differs from its file name."""
    if "id" not in raw:
        raise QuestionnaireError("missing 'id'", path=path)
    if raw["id"] != path.stem:
        raise QuestionnaireError(
            f"id {raw['id']!r} does not match the file name (expected {path.stem!r})",
            path=path,
        )


def _own_items(path: Path, raw: Mapping[str, Any]) -> list[Any]:
    """The file's own ``[[items]]``, refusing none at all or an item without text.

    Other defects of an item (unknown factor, bad id, unknown key) are left to
    the model and translated by :func:`_translate`.
    """
    items = raw.get("items")
    if items is None or items == []:
        raise QuestionnaireError("no items (add at least one [[items]] table)", path=path)
    if not isinstance(items, list):
        raise QuestionnaireError("'items' must be a list of [[items]] tables", path=path)
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise QuestionnaireError("must be an [[items]] table", path=path, item=f"#{index + 1}")
        text = item.get("text")
        if text is None or (isinstance(text, str) and not text.strip()):
            raise QuestionnaireError("missing text", path=path, item=_item_label(item, index))
    return list(items)


def _check_unique_ids(
    path: Path, base_items: Sequence[Any], own_items: Sequence[Any], extends: Any
) -> None:
    """Refuse an item id used twice in the file, or already used by its base."""
    base_ids = {entry["id"] for entry in base_items}
    seen: set[str] = set()
    for entry in own_items:
        item_id = entry.get("id")
        if not isinstance(item_id, str):
            continue
        if item_id in base_ids:
            raise QuestionnaireError(
                f"duplicate item id {item_id!r} (already in {extends!r})", path=path
            )
        if item_id in seen:
            raise QuestionnaireError(f"duplicate item id {item_id!r}", path=path)
        seen.add(item_id)


def _load_base(path: Path, raw: Mapping[str, Any], chain: tuple[Path, ...]) -> Questionnaire:
    """The questionnaire ``path`` extends: same directory, same language, no cycle."""
    extends = raw["extends"]
    if not isinstance(extends, str) or not extends:
        raise QuestionnaireError("'extends' must be the id of another questionnaire", path=path)
    here = path.resolve()
    base_path = path.parent / f"{extends}{SUFFIX}"
    if not base_path.is_file():
        choices = ", ".join(i for i in available_ids(path.parent) if i != path.stem) or "none"
        raise QuestionnaireError(
            f"extends unknown questionnaire {extends!r} (available: {choices})", path=path
        )
    seen = (*chain, here)
    if base_path.resolve() in seen:
        cycle = " -> ".join(p.stem for p in (*seen, base_path.resolve()))
        raise QuestionnaireError(f"'extends' makes a cycle: {cycle}", path=path)
    base = _load(base_path, seen)
    language = raw.get("language")
    if language in LANGUAGES and base.language != language:
        raise QuestionnaireError(
            f"extends {extends!r} in language {base.language!r}, but this file is {language!r}",
            path=path,
        )
    return base


def _inherit(path: Path, table: str, base: Questionnaire, own: Any) -> Any:
    """The base's ``table`` with the file's own keys laid over it."""
    inherited: dict[str, Any] = getattr(base, table).model_dump()
    if own is None:
        return inherited
    if not isinstance(own, dict):
        raise QuestionnaireError(f"'{table}' must be a table", path=path)
    return {**inherited, **own}


def _translate(
    path: Path, exc: ValidationError, items: Sequence[Any], *, inherited: int
) -> QuestionnaireError:
    """One :class:`QuestionnaireError` from pydantic's first error, naming the item.

    ``items`` are the merged items, of which the first ``inherited`` come from
    the base; an item without an id is named by its position in this file.
    """
    errors = exc.errors(include_url=False)
    first = errors[0]
    loc: tuple[int | str, ...] = tuple(first["loc"])
    item: str | None = None
    field_path = loc
    if len(loc) >= 2 and loc[0] == "items" and isinstance(loc[1], int):
        index = loc[1]
        entry = items[index] if index < len(items) else None
        item = _item_label(entry, index - inherited if index >= inherited else index)
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
