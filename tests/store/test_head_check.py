"""The session head's plain-Python check (``coherence_tui.head``) against the pydantic models.

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
from coherence_tui.head import HeadInvalid, check_head
from coherence_tui.questionnaires import list_shipped

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
    for n, questionnaire in enumerate(list_shipped()):
        yield {
            "questionnaire": questionnaire.model_dump(mode="json"),
            "settings": settings[n % len(settings)].model_dump(mode="json"),
            "state": states[n % len(states)].model_dump(mode="json"),
        }


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


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_damaged_heads_are_judged_as_the_models_judge_them(seed: int) -> None:
    rng = random.Random(seed)
    originals = list(heads())
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
