"""Load and validate questionnaire files (TOML) into :class:`Questionnaire` models.

A questionnaire file is human-edited, so every way it can be wrong ends in one
:class:`QuestionnaireError` whose text is a single line naming the file, the
item (when there is one) and the reason, e.g.::

    questionnaires/broken.toml: item D03: unknown factor 'declaration' (expected ...)

A file may ``extends`` another questionnaire of the same language and format in
the same directory: the base's items come first, then the file's own; ``scale``
and ``thresholds`` (and in format 2 ``areas``) are inherited key by key where the
file leaves them out, ``instruction`` whole. A format 2 variant may also drop
base items (``remove = ["D16"]``) and put one of its own in a base item's place
(``replaces = "R03"`` in the item; same factor, its own id). Every factor of a
format 2 questionnaire keeps at least eight items; a variant that leaves fewer is
refused naming the item whose removal did it. The format is documented in
``docs/questionnaires.md``.

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

from coherence_tui.domain.model import (
    FACTORS,
    FORMAT_VERSIONS,
    LANGUAGES,
    MIN_ITEMS_PER_FACTOR,
    Questionnaire,
)
from coherence_tui.errors import CoherenceError
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

_INHERITED_TABLES = ("scale", "thresholds", "areas")
"""Top-level tables a variant inherits key by key from the questionnaire it extends."""

_INHERITED_VALUES = ("instruction",)
"""Top-level values a variant inherits whole unless it gives its own."""

_FORMAT_2_KEYS = ("instruction", "translation", "areas", "remove")
"""Top-level keys only format 2 knows (``replaces``, ``prompts`` and ``predict`` are its item
keys: ``_FORMAT_2_ITEM_KEYS``)."""

_FORMAT_2_ITEM_KEYS = ("replaces", "prompts", "predict")
"""Item keys only format 2 knows."""

_LOADER_KEYS = ("extends", "remove")
"""Keys the loader resolves itself; they never reach the model."""

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
    item of its own (or, for a variant, a removal), every item with a text, no
    duplicate item ids (across the base it extends too, removed items included),
    and no unknown keys. ``extends`` is resolved from the same directory, in the
    same language and format, recursively, refusing cycles. In format 2 every
    area tag is mapped in ``[areas]``, there is an ``instruction``, and every
    factor has at least eight items.

    Raises:
        QuestionnaireError: one line naming the file, the item and the reason.
    """
    return _load(Path(path), chain=())


def _load(path: Path, chain: tuple[Path, ...]) -> Questionnaire:
    raw = _read_toml(path)
    _check_identity(path, raw)
    if "translations" in raw:
        raise QuestionnaireError(
            "'translations' is not written in a questionnaire file: one file per language, "
            "and 'coherence-tui new --languages' puts them together",
            path=path,
        )
    version = _format_version(path, raw)
    own_items = _own_items(path, raw)

    fields = {key: value for key, value in raw.items() if key not in _LOADER_KEYS}
    items: list[Any] = list(own_items)
    labels = [_item_label(entry, index) for index, entry in enumerate(own_items)]
    if "extends" not in raw:
        _check_unique_ids(path, (), own_items, None)
        if "remove" in raw:
            raise QuestionnaireError(
                "'remove' needs 'extends' (it names items of the questionnaire it extends)",
                path=path,
            )
        for index, entry in enumerate(own_items):
            if "replaces" in entry:
                raise QuestionnaireError(
                    "'replaces' needs 'extends' (it names an item of the questionnaire it extends)",
                    path=path,
                    item=_item_label(entry, index),
                )
    else:
        base = _load_base(path, raw, chain, version)
        for table in _INHERITED_TABLES:
            if table != "areas" or version >= 2:
                fields[table] = _inherit(path, table, base, fields.get(table))
        for key in _INHERITED_VALUES:
            if version >= 2 and key not in raw:
                fields[key] = getattr(base, key)
        base_items = [item.model_dump(mode="json") for item in base.items]
        _check_unique_ids(path, base_items, own_items, raw["extends"])
        items, labels, removed = _merge(path, raw, base_items, own_items)
        _check_factor_sizes(path, items, removed)
    fields["items"] = [_without_loader_keys(entry) for entry in items]

    try:
        return Questionnaire.model_validate(fields)
    except ValidationError as exc:
        raise _translate(path, exc, labels) from None


def _format_version(path: Path, raw: Mapping[str, Any]) -> int:
    """The file's ``format_version`` (1 when absent), refusing keys its format lacks."""
    version = raw.get("format_version", 1)
    if isinstance(version, bool) or version not in FORMAT_VERSIONS:
        known = ", ".join(str(v) for v in FORMAT_VERSIONS)
        raise QuestionnaireError(
            f"format_version {version!r} is not one this program reads ({known})", path=path
        )
    if version < 2:
        for key in _FORMAT_2_KEYS:
            if key in raw:
                raise QuestionnaireError(f"'{key}' needs format_version = 2", path=path)
        for index, entry in enumerate(raw.get("items") or ()):
            for key in _FORMAT_2_ITEM_KEYS:
                if isinstance(entry, dict) and key in entry:
                    raise QuestionnaireError(
                        f"'{key}' needs format_version = 2",
                        path=path,
                        item=_item_label(entry, index),
                    )
    return int(version)


def _without_loader_keys(entry: Any) -> Any:
    if isinstance(entry, dict) and "replaces" in entry:
        return {key: value for key, value in entry.items() if key != "replaces"}
    return entry


def _merge(
    path: Path, raw: Mapping[str, Any], base_items: list[Any], own_items: list[Any]
) -> tuple[list[Any], list[str], list[Any]]:
    """The variant's items: the base's in order, replaced in place or removed, then its own.

    Returns the items, their labels for error messages (a base item's id, an own item's id
    or ``#n`` in this file) and the base items this file removed, in the file's order.
    """
    extends = raw["extends"]
    base_by_id = {entry["id"]: entry for entry in base_items}
    removed_ids = _remove_list(path, raw, base_by_id)

    replacement: dict[str, tuple[Any, str]] = {}
    appended: list[tuple[Any, str]] = []
    for index, entry in enumerate(own_items):
        label = _item_label(entry, index)
        target = entry.get("replaces")
        if target is None:
            appended.append((entry, label))
            continue
        if not isinstance(target, str) or target not in base_by_id:
            raise QuestionnaireError(
                f"replaces {target!r}, which is not an item of {extends!r}", path=path, item=label
            )
        if target in removed_ids:
            raise QuestionnaireError(
                f"replaces {target!r}, which this file also removes", path=path, item=label
            )
        if target in replacement:
            raise QuestionnaireError(
                f"replaces {target!r}, already replaced by {replacement[target][1]}",
                path=path,
                item=label,
            )
        factor = base_by_id[target]["factor"]
        if entry.get("factor") != factor:
            raise QuestionnaireError(
                f"replaces {target!r} of factor {factor}, so it must be {factor} too "
                f"(got {entry.get('factor')!r})",
                path=path,
                item=label,
            )
        replacement[target] = (entry, label)

    items: list[Any] = []
    labels: list[str] = []
    for entry in base_items:
        item_id = entry["id"]
        if item_id in removed_ids:
            continue
        own, label = replacement.get(item_id, (entry, item_id))
        items.append(own)
        labels.append(label)
    for entry, label in appended:
        items.append(entry)
        labels.append(label)
    return items, labels, [base_by_id[item_id] for item_id in removed_ids]


def _remove_list(path: Path, raw: Mapping[str, Any], base_by_id: Mapping[str, Any]) -> list[str]:
    """The ids in ``remove``, each an item of the base, none twice."""
    remove = raw.get("remove", [])
    if not isinstance(remove, list) or not all(isinstance(i, str) for i in remove):
        raise QuestionnaireError("'remove' must be a list of item ids", path=path)
    seen: set[str] = set()
    for item_id in remove:
        if item_id not in base_by_id:
            raise QuestionnaireError(
                f"cannot remove it: not an item of {raw['extends']!r}", path=path, item=item_id
            )
        if item_id in seen:
            raise QuestionnaireError("removed twice", path=path, item=item_id)
        seen.add(item_id)
    return list(remove)


def _check_factor_sizes(path: Path, items: Sequence[Any], removed: Sequence[Any]) -> None:
    """Refuse a format 2 variant whose removals leave a factor under the minimum.

    Names the last item of that factor the file removes: putting it back is one way out.
    A factor short for other reasons is left to the model, which names the factor.
    """
    for factor in FACTORS:
        gone = [entry for entry in removed if entry["factor"] == factor.value]
        if not gone:
            continue
        left = sum(1 for entry in items if _is_factor(entry, factor.value))
        if left < MIN_ITEMS_PER_FACTOR:
            raise QuestionnaireError(
                f"removing it leaves factor {factor.value} with {left} items "
                f"(at least {MIN_ITEMS_PER_FACTOR} needed)",
                path=path,
                item=gone[-1]["id"],
            )


def _is_factor(entry: Any, factor: str) -> bool:
    return isinstance(entry, Mapping) and entry.get("factor") == factor


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
    if (items is None or items == []) and raw.get("remove"):
        return []  # a variant that only removes base items
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
    """Refuse an item id used twice in the file, or already used by its base.

    Removed and replaced base items count too: an id keeps its meaning, so a variant
    never gives a base item's id to a statement of its own.
    """
    base_ids = {entry["id"] for entry in base_items}
    seen: set[str] = set()
    for entry in own_items:
        item_id = entry.get("id")
        if not isinstance(item_id, str):
            continue
        if item_id in base_ids and entry.get("replaces") == item_id:
            raise QuestionnaireError(
                f"replaces {item_id!r} under the same id: a replacement needs an id of its "
                "own (an id keeps its meaning)",
                path=path,
                item=item_id,
            )
        if item_id in base_ids:
            raise QuestionnaireError(
                f"duplicate item id {item_id!r} (already in {extends!r})", path=path
            )
        if item_id in seen:
            raise QuestionnaireError(f"duplicate item id {item_id!r}", path=path)
        seen.add(item_id)


def _load_base(
    path: Path, raw: Mapping[str, Any], chain: tuple[Path, ...], version: int
) -> Questionnaire:
    """The questionnaire ``path`` extends: same directory, language and format, no cycle."""
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
    if base.format_version != version:
        raise QuestionnaireError(
            f"extends {extends!r} of format_version {base.format_version}, "
            f"but this file is format_version {version}",
            path=path,
        )
    return base


def _inherit(path: Path, table: str, base: Questionnaire, own: Any) -> Any:
    """The base's ``table`` with the file's own keys laid over it."""
    value = getattr(base, table)
    inherited: dict[str, Any] = (
        dict(value) if isinstance(value, dict) else value.model_dump(mode="json")
    )
    if own is None:
        return inherited
    if not isinstance(own, dict):
        raise QuestionnaireError(f"'{table}' must be a table", path=path)
    return {**inherited, **own}


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
