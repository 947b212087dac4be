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
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from coherence_tui.domain.model import (
    LANGUAGES,
    Questionnaire,
)
from coherence_tui.package_files import SHIPPED_QUESTIONNAIRES, package_folder
from coherence_tui.storage.questionnaire_errors import QuestionnaireError as QuestionnaireError
from coherence_tui.storage.questionnaire_errors import _item_label, _translate
from coherence_tui.storage.questionnaire_merge import (
    _INHERITED_TABLES,
    _INHERITED_VALUES,
    _LOADER_KEYS,
    _check_factor_sizes,
    _check_identity,
    _check_unique_ids,
    _format_version,
    _inherit,
    _merge,
    _own_items,
    _read_toml,
    _without_loader_keys,
)

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
