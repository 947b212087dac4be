"""Several language versions of one questionnaire in one session (``new --languages``).

A questionnaire ships as one file per language with the same item ids: ``general-en``,
``general-pl``, ``general-uk``, ``general-ru``. A session that offers several languages
freezes its questionnaire (the one named with ``--questionnaire``, whose language comes
first at the kiosk) with the other languages' participant-facing text in
``Questionnaire.translations``: title, instruction, scale labels and each statement's
text by id. Scoring reads only the questionnaire's own items, so answers pool by item id
whatever language a participant chose.

Language versions must be the same questionnaire item by item: the same ids, and for
each id the same factor, area, reverse flag and predict flag. Anything else is refused
with one line naming the file and the item, before a session is created.

Pure Python and pydantic, never Textual.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from coherence_tui.domain.model import LANGUAGES, LanguageVersion, Questionnaire
from coherence_tui.storage.questionnaires import SUFFIX, QuestionnaireError, load_file

__all__ = [
    "MATCHED_FIELDS",
    "language_version",
    "parse_languages",
    "sibling_path",
    "with_languages",
]

MATCHED_FIELDS = ("factor", "area", "reverse", "predict")
"""What every language version must give each item id exactly as the questionnaire does."""


def parse_languages(text: str) -> tuple[str, ...]:
    """``--languages en,pl,uk``: known languages, none twice (``ValueError`` saying which)."""
    languages = tuple(part.strip() for part in text.split(",") if part.strip())
    if not languages:
        raise ValueError("name at least one language, e.g. en,pl")
    for language in languages:
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r} (expected {', '.join(LANGUAGES)})")
    twice = [language for n, language in enumerate(languages) if language in languages[:n]]
    if twice:
        raise ValueError(f"{twice[0]!r} given twice")
    return languages


def sibling_path(questionnaire: Questionnaire, directory: Path, language: str) -> Path:
    """The file of ``questionnaire`` in ``language``: its id with the language suffix
    swapped (``general-en`` -> ``general-uk``), in the same directory."""
    own = f"-{questionnaire.language}"
    if not questionnaire.id.endswith(own):
        raise QuestionnaireError(
            f"questionnaire {questionnaire.id!r}: other languages are found by file name, so "
            f"its id must end in {own!r} (as general-en, general-pl, ...)"
        )
    return directory / f"{questionnaire.id.removesuffix(own)}-{language}{SUFFIX}"


def language_version(
    questionnaire: Questionnaire, other: Questionnaire, path: Path
) -> LanguageVersion:
    """``other``'s text for ``questionnaire``'s items, refusing a mismatch item by item."""
    if other.language == questionnaire.language:
        raise QuestionnaireError(
            f"is in {other.language!r}, the language of {questionnaire.id!r} itself", path=path
        )
    theirs = {item.id: item for item in other.items}
    for item in questionnaire.items:
        twin = theirs.get(item.id)
        if twin is None:
            raise QuestionnaireError(
                f"missing, but {questionnaire.id!r} has it (language versions must have the "
                "same items)",
                path=path,
                item=item.id,
            )
        for field in MATCHED_FIELDS:
            mine, yours = getattr(item, field), getattr(twin, field)
            if mine != yours:
                raise QuestionnaireError(
                    f"{field} is {_shown(yours)} here but {_shown(mine)} in "
                    f"{questionnaire.id!r} (language versions must match item by item)",
                    path=path,
                    item=item.id,
                )
    ours = set(questionnaire.item_ids)
    for item in other.items:
        if item.id not in ours:
            raise QuestionnaireError(
                f"not in {questionnaire.id!r} (language versions must have the same items)",
                path=path,
                item=item.id,
            )
    if bool(other.instruction) != bool(questionnaire.instruction):
        raise QuestionnaireError(
            f"has {'an' if other.instruction else 'no'} instruction but {questionnaire.id!r} "
            f"has {'one' if questionnaire.instruction else 'none'}",
            path=path,
        )
    return LanguageVersion(
        title=other.title,
        instruction=other.instruction,
        scale=other.scale,
        items={item.id: theirs[item.id].text for item in questionnaire.items},
    )


def with_languages(
    questionnaire: Questionnaire, languages: Sequence[str], directory: Path
) -> Questionnaire:
    """``questionnaire`` offering ``languages`` too, each read from its sibling file in
    ``directory`` (:func:`sibling_path`). Its own language may be listed or not: it is
    always offered, first; the others follow in the order given.

    Raises:
        QuestionnaireError: a sibling file is missing or broken, or differs item by item.
    """
    others = [language for language in languages if language != questionnaire.language]
    if not others:
        return questionnaire
    translations: dict[str, LanguageVersion] = {}
    for language in others:
        path = sibling_path(questionnaire, directory, language)
        if not path.is_file():
            raise QuestionnaireError(
                f"no {language!r} version of {questionnaire.id!r} (looked for this file)",
                path=path,
            )
        other = load_file(path)
        if other.language != language:
            raise QuestionnaireError(
                f"is in {other.language!r}, not {language!r} as its name says", path=path
            )
        translations[language] = language_version(questionnaire, other, path)
    document = questionnaire.model_dump(mode="json")
    document["translations"] = {
        language: version.model_dump(mode="json") for language, version in translations.items()
    }
    return Questionnaire.model_validate(document)


def _shown(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else repr(value)
