"""Reading a questionnaire file: TOML, its format version, and a variant merged onto
the questionnaire it ``extends`` (tables inherited key by key, items added, replaced or
removed, every factor kept at its minimum size)."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from coherence_tui.domain.model import (
    FACTORS,
    FORMAT_VERSIONS,
    MIN_ITEMS_PER_FACTOR,
    Questionnaire,
)
from coherence_tui.storage.questionnaire_errors import (
    _TOML_POSITION,
    QuestionnaireError,
    _item_label,
)

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
