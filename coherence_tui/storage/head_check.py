"""The head check itself: each field of a session head as coherence-tui writes it.

Plain Python (``head`` explains why): every function takes the raw JSON value and where
it is (``questionnaire.items.3.text``), returns it normalised, or raises ``HeadInvalid``
naming the field the way pydantic's messages did.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from coherence_tui.domain.text import check_plain
from coherence_tui.domain.vocabulary import (
    FACTORS,
    LANGUAGES,
    MIN_ITEMS_PER_FACTOR,
    AreaGroup,
    UpdateRule,
    validate_department,
)

if TYPE_CHECKING:
    pass

ITEM_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")
SLUG = re.compile(r"[a-z][a-z0-9_]{0,39}")
QUESTIONNAIRE_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_FACTORS = {factor.value for factor in FACTORS}
_AREA_GROUPS = {group.value for group in AreaGroup}
_UPDATE_RULES = {rule.value for rule in UpdateRule}
_THRESHOLDS = {
    "stool_wobbly": 30.0,
    "stool_tipping": 60.0,
    "promise_gap": 50.0,
    "execution_gap": 50.0,
    "executive_disconnect": 50.0,
    "divided_level_sd": 60.0,
}
_SETTINGS_DEFAULTS: dict[str, Any] = {
    "k": 3,
    "departments": [],
    "k_history": [],
    "update_rule": UpdateRule.PARTICIPANT.value,
    "start_hidden": True,
    "language": None,
    "prediction_round": False,
    "high_contrast": False,
    "pin_salt": None,
    "pin_hash": None,
}
_STATE_DEFAULTS: dict[str, Any] = {
    "revealed": False,
    "paused": False,
    "ended": False,
    "archived": False,
}
MAX_PROMPTS = 3
MAX_PREDICT_ITEMS = 5


class HeadInvalid(Exception):
    """The head is not what coherence-tui writes; ``str()`` says where and what."""


def _fail(where: str, reason: str) -> HeadInvalid:
    return HeadInvalid(f"{where}: {reason}")


def _object(value: Any, where: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON object with no key but ``fields``; a missing key takes its default there
    (``...`` marks a required key)."""
    if not isinstance(value, dict):
        raise _fail(where, "Input should be a valid dictionary or instance")
    unknown = sorted(set(value) - set(fields))
    if unknown:
        raise _fail(f"{where}.{unknown[0]}", "Extra inputs are not permitted")
    out = {}
    for key, default in fields.items():
        if key in value:
            out[key] = value[key]
        elif default is ...:
            raise _fail(f"{where}.{key}", "Field required")
        else:
            out[key] = default
    return out


def _text(
    value: Any,
    where: str,
    *,
    low: int = 0,
    high: int | None = None,
    plain: bool = True,
    newline: bool = False,
    stripped: bool = True,
) -> str:
    if type(value) is not str:
        raise _fail(where, "Input should be a valid string")
    if stripped and value != value.strip():
        raise _fail(where, "surrounding spaces (not as coherence-tui writes it)")
    if len(value) < low:
        raise _fail(where, f"String should have at least {low} characters")
    if high is not None and len(value) > high:
        raise _fail(where, f"String should have at most {high} characters")
    if plain:
        try:
            check_plain(value, allow_newline=newline)
        except ValueError as error:
            raise _fail(where, str(error)) from None
    return value


def _pattern(value: Any, where: str, pattern: re.Pattern[str]) -> str:
    text = _text(value, where, plain=False)
    if not pattern.fullmatch(text):
        raise _fail(where, f"String should match pattern '^{pattern.pattern}$'")
    return text


def _choice(value: Any, where: str, choices: set[str] | tuple[str, ...]) -> str:
    if type(value) is not str or value not in choices:
        raise _fail(where, f"Input should be one of {sorted(choices)}")
    return value


def _bool(value: Any, where: str) -> bool:
    if type(value) is not bool:
        raise _fail(where, "Input should be a valid boolean")
    return value


def _number(value: Any, where: str, low: float, high: float) -> float:
    if type(value) not in (int, float) or value != value:
        raise _fail(where, "Input should be a valid number")
    if not low <= value <= high:
        raise _fail(where, f"Input should be between {low:g} and {high:g}")
    return float(value)


def _list(value: Any, where: str) -> list[Any]:
    if type(value) is not list:
        raise _fail(where, "Input should be a valid tuple")
    return value


def _scale(raw: Any, where: str) -> dict[str, Any]:
    scale = _object(raw, where, {"labels": ..., "dont_know": ...})
    labels = _list(scale["labels"], f"{where}.labels")
    if len(labels) != 5:
        raise _fail(f"{where}.labels", "Tuple should have 5 items")
    for n, label in enumerate(labels):
        _text(label, f"{where}.labels.{n}")
        if not label.strip():
            raise _fail(f"{where}.labels", "every scale label needs text")
    _text(scale["dont_know"], f"{where}.dont_know", low=1)
    return scale


def _translations(raw: Any, where: str, q: Mapping[str, Any]) -> dict[str, Any]:
    """The ``translations`` of a checked questionnaire ``q``, as ``LanguageVersion`` and
    ``Questionnaire._translations_match`` judge them."""
    if not isinstance(raw, dict):
        raise _fail(where, "Input should be a valid dictionary")
    checked: dict[str, Any] = {}
    for language, value in raw.items():
        at = f"{where}.{language}"
        _choice(language, f"{at}.[key]", LANGUAGES)
        version = _object(value, at, {"title": ..., "instruction": "", "scale": ..., "items": ...})
        _text(version["title"], f"{at}.title", low=1, high=120)
        _text(version["instruction"], f"{at}.instruction", high=600, newline=True)
        version["scale"] = _scale(version["scale"], f"{at}.scale")
        texts = version["items"]
        if not isinstance(texts, dict):
            raise _fail(f"{at}.items", "Input should be a valid dictionary")
        for item_id, text in texts.items():
            _pattern(item_id, f"{at}.items.{item_id}.[key]", ITEM_ID)
            _text(text, f"{at}.items.{item_id}", low=8, high=400)
        checked[language] = version
    ids = [item["id"] for item in q["items"]]
    for language, version in checked.items():
        here = f"translation {language}"
        if language == q["language"]:
            raise _fail(where, f"{here}: is the questionnaire's own language")
        missing = [item_id for item_id in ids if item_id not in version["items"]]
        if missing:
            raise _fail(where, f"{here}: item {missing[0]} has no text")
        extra = [item_id for item_id in version["items"] if item_id not in ids]
        if extra:
            raise _fail(where, f"{here}: item {extra[0]} is not in the questionnaire")
        if bool(version["instruction"]) != bool(q["instruction"]):
            raise _fail(
                where, f"{here}: an instruction is needed exactly when the questionnaire has one"
            )
    return checked


def _questionnaire(raw: Any, where: str = "questionnaire") -> dict[str, Any]:
    q = _object(
        raw,
        where,
        {
            "format_version": 1,
            "id": ...,
            "version": ...,
            "language": ...,
            "title": ...,
            "company_type": ...,
            "description": "",
            "instruction": "",
            "translation": None,
            "areas": {},
            "scale": ...,
            "thresholds": dict(_THRESHOLDS),
            "items": ...,
            "translations": {},
        },
    )
    if type(q["format_version"]) is not int or q["format_version"] not in (1, 2):
        raise _fail(f"{where}.format_version", "Input should be 1 or 2")
    _pattern(q["id"], f"{where}.id", QUESTIONNAIRE_ID)
    _text(q["version"], f"{where}.version", low=1, high=20)
    _choice(q["language"], f"{where}.language", LANGUAGES)
    _text(q["title"], f"{where}.title", low=1, high=120)
    _pattern(q["company_type"], f"{where}.company_type", SLUG)
    _text(q["description"], f"{where}.description", newline=True)
    _text(q["instruction"], f"{where}.instruction", high=600, newline=True)
    if q["translation"] is not None:
        t = _object(q["translation"], f"{where}.translation", {"source": None, "note": ...})
        if t["source"] is not None:
            _choice(t["source"], f"{where}.translation.source", LANGUAGES)
        _text(t["note"], f"{where}.translation.note", low=1, high=300, plain=False)
    if not isinstance(q["areas"], dict):
        raise _fail(f"{where}.areas", "Input should be a valid dictionary")
    for area, group in q["areas"].items():
        _pattern(area, f"{where}.areas.{area}.[key]", SLUG)
        _choice(group, f"{where}.areas.{area}", _AREA_GROUPS)
    scale = _scale(q["scale"], f"{where}.scale")
    thresholds = _object(q["thresholds"], f"{where}.thresholds", _THRESHOLDS)
    for key in _THRESHOLDS:
        _number(thresholds[key], f"{where}.thresholds.{key}", 0, 400)
    if thresholds["stool_tipping"] < thresholds["stool_wobbly"]:
        raise _fail(f"{where}.thresholds", "stool_tipping must not be below stool_wobbly")
    items = _list(q["items"], f"{where}.items")
    seen: set[str] = set()
    for n, raw_item in enumerate(items):
        at = f"{where}.items.{n}"
        item = _object(
            raw_item,
            at,
            {
                "id": ...,
                "factor": ...,
                "area": ...,
                "text": ...,
                "reverse": False,
                "prompts": [],
                "predict": False,
            },
        )
        item_id = _pattern(item["id"], f"{at}.id", ITEM_ID)
        _choice(item["factor"], f"{at}.factor", _FACTORS)
        _pattern(item["area"], f"{at}.area", SLUG)
        _text(item["text"], f"{at}.text", low=8, high=400)
        _bool(item["reverse"], f"{at}.reverse")
        prompts = _list(item["prompts"], f"{at}.prompts")
        for m, prompt in enumerate(prompts):
            _text(prompt, f"{at}.prompts.{m}")
        if len(prompts) > MAX_PROMPTS:
            raise _fail(f"{at}.prompts", f"at most {MAX_PROMPTS} prompts (got {len(prompts)})")
        for prompt in prompts:
            if not 8 <= len(prompt) <= 300:
                raise _fail(
                    f"{at}.prompts", f"a prompt needs 8 to 300 characters (got {len(prompt)})"
                )
        _bool(item["predict"], f"{at}.predict")
        if item_id in seen:
            raise _fail(f"{where}.items", f"duplicate item id {item_id!r}")
        seen.add(item_id)
        items[n] = item
    missing = [f for f in (f.value for f in FACTORS) if not any(i["factor"] == f for i in items)]
    if missing:
        raise _fail(f"{where}.items", f"no items for factor(s) {', '.join(missing)}")
    if q["format_version"] == 2:
        if not q["instruction"]:
            raise _fail(where, "missing 'instruction' (format 2 shows it before statement 1)")
        for item in items:
            if item["area"] not in q["areas"]:
                raise _fail(
                    where,
                    f"item {item['id']}: area {item['area']!r} is not in [areas] "
                    "(map it to staff, clients, processes or it)",
                )
        predicted = [item["id"] for item in items if item["predict"]]
        for item in items:
            if item["predict"] and item["reverse"]:
                raise _fail(
                    where,
                    f"item {item['id']}: a reversed statement cannot be a predict statement",
                )
        if len(predicted) > MAX_PREDICT_ITEMS:
            raise _fail(
                where,
                f"{len(predicted)} items have predict = true ({', '.join(predicted)}); "
                f"the prediction round takes at most {MAX_PREDICT_ITEMS}",
            )
        for factor in (f.value for f in FACTORS):
            count = sum(1 for item in items if item["factor"] == factor)
            if count < MIN_ITEMS_PER_FACTOR:
                raise _fail(
                    where,
                    f"factor {factor} has {count} items "
                    f"(format 2 needs at least {MIN_ITEMS_PER_FACTOR})",
                )
    q["thresholds"] = thresholds
    q["scale"] = scale
    q["translations"] = _translations(q["translations"], f"{where}.translations", q)
    return q


def _settings(raw: Any, where: str = "settings") -> dict[str, Any]:
    s = _object(raw, where, _SETTINGS_DEFAULTS)
    k = s["k"]
    if type(k) is not int:
        raise _fail(f"{where}.k", "Input should be a valid integer")
    if not 1 <= k <= 100:
        raise _fail(f"{where}.k", "Input should be between 1 and 100")
    departments = _list(s["departments"], f"{where}.departments")
    for n, department in enumerate(departments):
        if type(department) is not str:
            raise _fail(f"{where}.departments.{n}", "Input should be a valid string")
        try:
            cleaned = validate_department(department)
        except ValueError as error:
            raise _fail(f"{where}.departments", str(error)) from None
        if cleaned != department:
            raise _fail(
                f"{where}.departments", "surrounding spaces (not as coherence-tui writes it)"
            )
    if len({d.casefold() for d in departments}) != len(departments):
        raise _fail(f"{where}.departments", "department names must be unique")
    if len(departments) > 9:
        raise _fail(f"{where}.departments", "at most 9 departments (keys 1-9 at the kiosk)")
    for n, entry in enumerate(_list(s["k_history"], f"{where}.k_history")):
        if (
            type(entry) is not list
            or len(entry) != 2
            or any(type(number) is not int for number in entry)
        ):
            raise _fail(f"{where}.k_history.{n}", "Input should be a pair of integers")
    _choice(s["update_rule"], f"{where}.update_rule", _UPDATE_RULES)
    _bool(s["start_hidden"], f"{where}.start_hidden")
    _bool(s["prediction_round"], f"{where}.prediction_round")
    _bool(s["high_contrast"], f"{where}.high_contrast")
    if s["language"] is not None:
        _choice(s["language"], f"{where}.language", ("en", "pl"))
    for key in ("pin_salt", "pin_hash"):
        if s[key] is not None and type(s[key]) is not str:
            raise _fail(f"{where}.{key}", "Input should be a valid string")
    return s


def _state(raw: Any, where: str = "state") -> dict[str, Any]:
    s = _object(raw, where, _STATE_DEFAULTS)
    for key in _STATE_DEFAULTS:
        _bool(s[key], f"{where}.{key}")
    if s["archived"] and not s["ended"]:
        raise _fail(where, "only an ended session can be archived")
    return s


def _copy(value: Any) -> Any:
    """A deep copy of JSON data (the check normalises lists in place)."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value
