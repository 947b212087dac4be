"""Random workshops for the property tests, as plain dicts, and how to feed them to a Tally."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from hypothesis import strategies as st

from coherence_tui.domain.model import (
    Answer,
    Item,
    Level,
    Participant,
    Questionnaire,
    Scale,
    Thresholds,
)
from coherence_tui.domain.scoring import Tally
from tests.domain.reference import FACTORS, LEVELS, reference_report

PREFIX = {"declarations": "D", "resources": "R", "behaviours": "B"}
DEPARTMENT_NAMES = ("Sales", "Care", "Ops", "alpha", "Zeta")
"""Mixed case on purpose: ties are broken in code-point order ("Zeta" < "alpha")."""

THRESHOLD_SETS: tuple[dict[str, float], ...] = (
    {},
    {"stool_wobbly": 10, "stool_tipping": 25},
    {"stool_wobbly": 0, "stool_tipping": 0},
    {"promise_gap": 0, "execution_gap": 0, "executive_disconnect": 0, "divided_level_sd": 0},
    {
        "stool_wobbly": 50,
        "stool_tipping": 150,
        "promise_gap": 25,
        "execution_gap": 25.5,
        "executive_disconnect": 100,
        "divided_level_sd": 30,
    },
)

STAMP = "2025-01-01T00:00:00Z"


@dataclass
class Workshop:
    k: int
    items: list[dict[str, Any]]
    thresholds: dict[str, float]
    departments: list[str]
    people: list[tuple[str, str, str | None]]
    answers: dict[tuple[str, str], int | None]
    """Latest value per (participant, item), in the order they were given."""
    session: str = "prop"
    extra: dict[str, Any] = field(default_factory=dict)

    def questionnaire_dict(self) -> dict[str, Any]:
        return {"id": "prop", "items": self.items, "thresholds": self.thresholds}

    def questionnaire(self) -> Questionnaire:
        return build_questionnaire(self.items, self.thresholds)

    def participants(self) -> list[Participant]:
        return [Participant(c, Level(lv), d) for c, lv, d in self.people]

    def answer_objects(self) -> list[Answer]:
        return [Answer(c, i, v, STAMP) for (c, i), v in self.answers.items()]

    def tally(self, language: str | None = None) -> Tally:
        return Tally.from_answers(
            self.questionnaire(),
            self.participants(),
            self.answer_objects(),
            k=self.k,
            departments=self.departments,
            session=self.session,
            language=language,
        )

    def reference(self) -> dict[str, Any]:
        return reference_report(
            self.questionnaire_dict(),
            self.people,
            self.answers,
            self.k,
            self.departments,
            session=self.session,
        )


def build_questionnaire(
    items: list[dict[str, Any]],
    thresholds: dict[str, float] | None = None,
    language: Literal["en", "pl"] = "en",
) -> Questionnaire:
    return Questionnaire(
        id="prop",
        version="1",
        language=language,
        title="Property workshop",
        company_type="general",
        scale=Scale(labels=("SD", "D", "N", "A", "SA"), dont_know="DK"),
        thresholds=Thresholds(**(thresholds or {})),
        items=tuple(Item(**it) for it in items),
    )


def make_items(
    sizes: dict[str, int], reverse: set[str] | frozenset[str] = frozenset()
) -> list[dict[str, Any]]:
    """``sizes[f]`` items per factor, ids D1.., R1.., B1..; ids in ``reverse`` are reversed."""
    out = []
    for f in FACTORS:
        for n in range(1, sizes[f] + 1):
            item_id = f"{PREFIX[f]}{n}"
            out.append(
                {
                    "id": item_id,
                    "factor": f,
                    "area": "processes",
                    "text": f"Statement {item_id} about {f}",
                    "reverse": item_id in reverse,
                }
            )
    return out


VALUE = st.one_of(st.none(), st.integers(-2, 2))
DK_HEAVY = st.sampled_from([None, None, None, -2, -1, 0, 1, 2])
DK_SOMETIMES = st.sampled_from([None, 0, 0, 0, 0, 0, 0, 0])


NOISE = st.sampled_from([-1, 0, 0, 0, 1])
SIZES = (0, 1, 2, 3, 3, 4, 4, 5, 6, 7)


@st.composite
def workshops(
    draw: st.DrawFn,
    *,
    ks: tuple[int, ...] = (1, 2, 3, 3, 4),
    max_per_level: int = 6,
    max_departments: int = 3,
) -> Workshop:
    """Small levels (0..max people), don't-know-heavy boards, people who stopped
    half-way or never answered, departments with tiny cells, reverse items, factors
    of 1-4 items, a few threshold sets.

    Answers are either uniform noise or "structured": each level has a true value
    per factor and people answer it give or take one step, so gaps, intervals,
    confident stools and the paired rules are reached too.
    """
    sizes = {f: draw(st.integers(1, 4), label=f"items of {f}") for f in FACTORS}
    items = make_items(sizes)
    for it in items:
        it["reverse"] = draw(st.booleans())
    reverse = {it["id"]: it["reverse"] for it in items}
    factor_of = {it["id"]: it["factor"] for it in items}
    k = draw(st.sampled_from(ks), label="k")
    thresholds = dict(draw(st.sampled_from(THRESHOLD_SETS)))
    departments = draw(
        st.lists(st.sampled_from(DEPARTMENT_NAMES), unique=True, max_size=max_departments)
    )
    dk_heavy_board = draw(st.booleans(), label="don't-know-heavy board")
    structured = draw(st.booleans(), label="structured answers")
    centre = (
        {(lv, f): draw(st.integers(-2, 2)) for lv in LEVELS for f in FACTORS} if structured else {}
    )
    people: list[tuple[str, str, str | None]] = []
    answers: dict[tuple[str, str], int | None] = {}
    ids = [it["id"] for it in items]
    sizes_allowed = [n for n in SIZES if n <= max_per_level]
    for lv in LEVELS:
        count = draw(st.sampled_from(sizes_allowed), label=f"people in {lv}")
        for j in range(count):
            code = f"{lv[0].upper()}{j}"
            dept = draw(st.sampled_from([None, *departments])) if departments else None
            people.append((code, lv, dept))
            mode = draw(st.sampled_from(["all", "all", "all", "stopped", "sparse", "none"]))
            if mode == "none":
                continue
            if mode == "stopped":
                answered = ids[: draw(st.integers(1, len(ids)))]
            elif mode == "sparse":
                answered = [i for i in ids if draw(st.booleans())]
            else:
                answered = ids
            heavy = lv == "board" and dk_heavy_board
            for i in answered:
                if structured:
                    if draw(DK_HEAVY if heavy else DK_SOMETIMES) is None:
                        answers[(code, i)] = None
                        continue
                    adjusted = max(-2, min(2, centre[(lv, factor_of[i])] + draw(NOISE)))
                    answers[(code, i)] = -adjusted if reverse[i] else adjusted
                else:
                    answers[(code, i)] = draw(DK_HEAVY if heavy else VALUE)
    return Workshop(k, items, thresholds, departments, people, answers)
