"""The session head's plain-Python check (``storage.head``) against the pydantic models.

The check must never accept what the models refuse, and must accept everything the
models accept in the form coherence-tui writes (``model_dump(mode="json")``). Both are
tried on every shipped questionnaire and on thousands of heads damaged at random.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from pydantic import ValidationError

from coherence_tui.domain.model import Questionnaire, SessionSettings, SessionState
from coherence_tui.storage.head import HeadInvalid, check_head
from coherence_tui.storage.languages import with_languages
from coherence_tui.storage.questionnaires import SHIPPED_DIR, list_shipped, load

MODELS = {"questionnaire": Questionnaire, "settings": SessionSettings, "state": SessionState}


def heads() -> Iterator[dict[str, Any]]:
    """A head per shipped questionnaire, with settings and state of every kind."""
    settings = [
        SessionSettings(),
        SessionSettings(k=5, departments=("Sales", "Care", "Zażółć [x]"), language="pl"),
        SessionSettings(
            k=1, k_history=((0, 1), (4, 3)), start_hidden=False, pin_salt="ab", high_contrast=True
        ),
    ]
    states = [SessionState(), SessionState(revealed=True, paused=True, ended=True)]
    for n, questionnaire in enumerate([*list_shipped(), *translated()]):
        yield {
            "questionnaire": questionnaire.model_dump(mode="json"),
            "settings": settings[n % len(settings)].model_dump(mode="json"),
            "state": states[n % len(states)].model_dump(mode="json"),
        }


def translated() -> list[Questionnaire]:
    """Shipped questionnaires offering other languages too (issue 11)."""
    return [
        with_languages(load("general-en"), ("pl", "uk", "ru"), SHIPPED_DIR),
        with_languages(load("ecommerce-pl"), ("en",), SHIPPED_DIR),
    ]


def pydantic_verdict(head: dict[str, Any]) -> tuple[bool, bool]:
    """(the models accept it, and it is in the form coherence-tui writes)."""
    canonical = True
    for key, model in MODELS.items():
        try:
            validated = model.model_validate(head[key])
        except (ValidationError, ValueError, TypeError):
            return False, False
        dumped = validated.model_dump(mode="json")
        given = head[key]
        # Keys an older coherence-tui did not write take their defaults: still canonical.
        # Compared as JSON, where 0 is not false and 1.0 is not 1.
        if not isinstance(given, dict) or json(
            {k: dumped[k] for k in given if k in dumped}
        ) != json(given):
            canonical = False
    return True, canonical


def json(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def light_verdict(head: dict[str, Any]) -> bool:
    try:
        check_head("s", "2026-01-01T00:00:00Z", head)
    except HeadInvalid:
        return False
    return True


def test_every_shipped_questionnaire_is_accepted_and_gives_the_same_models() -> None:
    for head in heads():
        checked = check_head("s", "2026-01-01T00:00:00Z", head)
        assert checked.questionnaire == Questionnaire.model_validate(head["questionnaire"])
        assert checked.settings == SessionSettings.model_validate(head["settings"])
        assert checked.state == SessionState.model_validate(head["state"])
        q = checked.questionnaire
        assert [(s.id, s.text) for s in checked.statements] == [(i.id, i.text) for i in q.items]
        assert checked.scale_labels == q.scale.labels and checked.title == q.title
        assert checked.k_schedule == checked.settings.k_schedule


def test_a_head_written_before_later_fields_existed_takes_their_defaults() -> None:
    head = next(heads())
    for key in ("format_version", "instruction", "translation", "areas", "description"):
        head["questionnaire"].pop(key, None)
    items = head["questionnaire"]["items"]
    head["questionnaire"]["items"] = [  # two of each factor: within format 1's rules
        item
        for factor in ("declarations", "resources", "behaviours")
        for item in [i for i in items if i["factor"] == factor][:2]
    ]
    for key in ("k_history", "update_rule", "start_hidden", "language", "pin_salt", "pin_hash"):
        head["settings"].pop(key)
    assert pydantic_verdict(head) == (True, True)
    checked = check_head("s", "2026-01-01T00:00:00Z", head)
    assert checked.settings == SessionSettings.model_validate(head["settings"])
    assert checked.questionnaire == Questionnaire.model_validate(head["questionnaire"])


ODD_VALUES: list[Any] = [
    None,
    "",
    " padded ",
    "x" * 401,
    "ok text value",
    "\x1b[31mred",
    "line\nbreak",
    0,
    -1,
    1,
    2,
    3,
    401,
    30.5,
    True,
    False,
    [],
    [1, 2],
    {},
    {"x": 1},
    "declarations",
    "board",
    "it",
    "en",
    "fr",
    "A1",
    "bad id!",
]


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, (*prefix, key))
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from paths(item, (*prefix, n))


def damage(head: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """One to three random edits: a value replaced, a key removed or added, an item
    copied or dropped."""
    head = copy.deepcopy(head)
    for _ in range(rng.randint(1, 3)):
        where = rng.choice([p for p in paths(head) if len(p) >= 2])
        *parents, last = where
        holder: Any = head
        for key in parents:
            holder = holder[key]
        roll = rng.random()
        if roll < 0.6:
            holder[last] = copy.deepcopy(rng.choice(ODD_VALUES))
        elif roll < 0.75 and isinstance(holder, dict):
            del holder[last]
        elif roll < 0.85 and isinstance(holder, dict):
            holder[rng.choice(["extra", "k", "labels", "id"])] = rng.choice(ODD_VALUES)
        elif isinstance(holder, list) and holder:
            if rng.random() < 0.5:
                holder.append(copy.deepcopy(rng.choice(holder)))
            else:
                holder.pop(rng.randrange(len(holder)))
    return head


@pytest.mark.parametrize(
    ("seed", "only_translated"), [(1, False), (2, False), (3, False), (4, True)]
)
def test_damaged_heads_are_judged_as_the_models_judge_them(
    seed: int, only_translated: bool
) -> None:
    rng = random.Random(seed)
    originals = list(heads())
    if only_translated:  # damage lands in a translation about three times in four
        originals = [h for h in originals if h["questionnaire"]["translations"]]
    refused = accepted = 0
    for _ in range(1500):
        head = damage(rng.choice(originals), rng)
        models_accept, canonical = pydantic_verdict(head)
        light = light_verdict(head)
        assert not light or models_accept, f"accepted what the models refuse: {head!r:.600}"
        assert light or not (models_accept and canonical), f"refused a sound head: {head!r:.600}"
        refused += not light
        accepted += light
    assert refused > 500 and accepted > 50, (refused, accepted)


def one_translated_head() -> dict[str, Any]:
    return {
        "questionnaire": translated()[0].model_dump(mode="json"),
        "settings": SessionSettings().model_dump(mode="json"),
        "state": SessionState().model_dump(mode="json"),
    }


def test_a_translated_head_gives_each_language_its_own_words() -> None:
    head = check_head("s", "2026-01-01T00:00:00Z", one_translated_head())
    assert head.languages == ("en", "pl", "uk", "ru")
    polish, english = load("general-pl"), load("general-en")
    words = head.texts("pl")
    assert words.title == polish.title and words.instruction == polish.instruction
    assert words.scale_labels == polish.scale.labels and words.dont_know == polish.scale.dont_know
    assert dict(words.statements) == {item.id: item.text for item in polish.items}
    assert dict(head.texts("en").statements) == {item.id: item.text for item in english.items}
    # Scoring reads the questionnaire's own items only: the same in every language.
    assert [i.id for i in head.scoring.items] == [i.id for i in english.items]
    with pytest.raises(KeyError):
        head.texts("de")


def _break(head: dict[str, Any], how: str) -> None:
    translations = head["questionnaire"]["translations"]
    polish = translations["pl"]
    first = head["questionnaire"]["items"][0]["id"]
    if how == "own language":
        translations["en"] = copy.deepcopy(polish)
    elif how == "missing item":
        del polish["items"][first]
    elif how == "extra item":
        polish["items"]["ZZ99"] = "A statement nobody else has."
    elif how == "no instruction":
        polish["instruction"] = ""
    elif how == "unknown language":
        translations["de"] = translations.pop("uk")
    elif how == "short text":
        polish["items"][first] = "Short"
    elif how == "markup-free but a control character":
        polish["title"] = "Tytu\x1bł"
    elif how == "four scale labels":
        polish["scale"]["labels"] = polish["scale"]["labels"][:4]
    elif how == "unknown key":
        polish["prompts"] = {}


BREAKS = [
    "own language",
    "missing item",
    "extra item",
    "no instruction",
    "unknown language",
    "short text",
    "markup-free but a control character",
    "four scale labels",
    "unknown key",
]


@pytest.mark.parametrize("how", BREAKS)
def test_a_broken_translation_is_refused_by_both_checks(how: str) -> None:
    head = one_translated_head()
    assert pydantic_verdict(head) == (True, True)
    _break(head, how)
    assert pydantic_verdict(head)[0] is False
    with pytest.raises(HeadInvalid, match=r"questionnaire\.translations"):
        check_head("s", "2026-01-01T00:00:00Z", head)


def test_a_head_without_translations_offers_its_own_language_only() -> None:
    head = next(heads())
    del head["questionnaire"]["translations"]
    checked = check_head("s", "2026-01-01T00:00:00Z", head)
    assert checked.languages == (head["questionnaire"]["language"],)
    assert checked.questionnaire.translations == {}
