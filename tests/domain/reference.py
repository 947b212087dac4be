"""A deliberately naive, literal reading of DESIGN.md *Scoring* (version 2).

Recomputes the whole ``report --json`` (format 2) document from plain dicts,
sentence by sentence of DESIGN.md, with none of the engine's running sums,
caches or helpers (it imports nothing from ``coherence_tui``):

- every figure is an exact ``Fraction``; only standard deviations, t quantiles
  (``scipy.stats.t.ppf``) and interval bounds are floats;
- the departments' subtraction audit works on the cells (level, department or
  none) with its own Fraction Gaussian elimination: a set of cells is exposed
  when adding its indicator vector to the published equations does not raise
  their rank; every set of cells holding 1..k-1 people is tried;
- figures are rounded to 2 decimals only when written (``round`` of the exact
  value; Python rounds half to even, as ``round`` of a float does).

Recommendations are reduced to the set of rule ids whose DESIGN.md trigger
holds (``recommendation_ids``); their texts and figures are checked elsewhere.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from fractions import Fraction
from functools import cache
from itertools import combinations
from typing import Any

from scipy.stats import t as student_t  # type: ignore[import-untyped]

LEVELS = ("board", "management", "front_line")
FACTORS = ("declarations", "resources", "behaviours")
GAP_PAIRS = (("board", "front_line"), ("board", "management"), ("management", "front_line"))
DEFAULT_THRESHOLDS = {
    "stool_wobbly": 30,
    "stool_tipping": 60,
    "promise_gap": 50,
    "execution_gap": 50,
    "executive_disconnect": 50,
    "divided_level_sd": 60,
}

Person = tuple[str, str, "str | None"]
"""(code, level, department or None)."""


# -- small exact helpers --------------------------------------------------------------


def avg(values: Sequence[Fraction]) -> Fraction | None:
    """Exact mean, None of nothing."""
    if not values:
        return None
    return sum(values, Fraction(0)) / len(values)


def sample_variance(values: Sequence[Fraction]) -> Fraction:
    m = avg(values)
    assert m is not None
    return sum(((v - m) ** 2 for v in values), Fraction(0)) / (len(values) - 1)


def population_variance(values: Sequence[Fraction]) -> Fraction:
    m = avg(values)
    assert m is not None
    return sum(((v - m) ** 2 for v in values), Fraction(0)) / len(values)


@cache
def t95(df: float) -> float:
    """Student's t(0.95, df), as DESIGN.md names it."""
    return float(student_t.ppf(0.95, df))


def written(x: Fraction | None) -> float | None:
    """A figure as written: rounded to 2 decimals from the exact value."""
    return None if x is None else float(round(x, 2))


def written_interval(iv: tuple[float, float] | None) -> list[float] | None:
    return None if iv is None else [round(iv[0], 2), round(iv[1], 2)]


def threshold(value: float) -> Fraction:
    """A questionnaire threshold as an exact number (tests use short decimals only)."""
    return Fraction(str(value))


def mean_ci(centre: Fraction, values: Sequence[Fraction]) -> tuple[float, float] | None:
    """``centre +- t(0.95, n-1) x s / sqrt(n)``; null when n < 2."""
    n = len(values)
    if n < 2:
        return None
    s = math.sqrt(float(sample_variance(values)))
    half = t95(n - 1) * s / math.sqrt(n)
    return (float(centre) - half, float(centre) + half)


def welch_ci(
    gap: Fraction, a: Sequence[Fraction], b: Sequence[Fraction]
) -> tuple[float, float] | None:
    """Welch: se = sqrt(sA^2/nA + sB^2/nB), Welch-Satterthwaite df, gap +- t x se."""
    na, nb = len(a), len(b)
    if na < 2 or nb < 2:
        return None
    qa = sample_variance(a) / na
    qb = sample_variance(b) / nb
    if qa + qb == 0:
        return (float(gap), float(gap))
    df = (qa + qb) ** 2 / (qa**2 / (na - 1) + qb**2 / (nb - 1))
    half = t95(float(df)) * math.sqrt(float(qa + qb))
    return (float(gap) - half, float(gap) + half)


# -- linear algebra for the audit ---------------------------------------------------


def rank(rows: Sequence[Sequence[Fraction]]) -> int:
    """Rank by plain Gaussian elimination over the rationals."""
    m = [list(r) for r in rows]
    if not m:
        return 0
    width = len(m[0])
    r = 0
    for c in range(width):
        pivot = None
        for i in range(r, len(m)):
            if m[i][c] != 0:
                pivot = i
                break
        if pivot is None:
            continue
        m[r], m[pivot] = m[pivot], m[r]
        for i in range(r + 1, len(m)):
            if m[i][c] != 0:
                f = m[i][c] / m[r][c]
                m[i] = [x - f * y for x, y in zip(m[i], m[r], strict=True)]
        r += 1
    return r


def in_span(rows: Sequence[Sequence[Fraction]], v: Sequence[Fraction]) -> bool:
    if not any(v):
        return True
    return rank([*rows, v]) == rank(rows)


def audit(
    cells: dict[tuple[str, str | None], int], k: int, departments: Iterable[str]
) -> dict[str, str | None]:
    """DESIGN.md's subtraction audit, literally: department -> None (admitted) or reason."""
    live = sorted(
        (c for c, n in cells.items() if n > 0), key=lambda c: (c[0], c[1] is None, c[1] or "")
    )
    level_n = {lv: sum(cells[c] for c in live if c[0] == lv) for lv in LEVELS}
    publishable_levels = [lv for lv in LEVELS if level_n[lv] >= k]
    equations = [[Fraction(int(c[0] == lv)) for c in live] for lv in publishable_levels]
    if publishable_levels:
        equations.append(
            [
                Fraction(1, level_n[c[0]]) if c[0] in publishable_levels else Fraction(0)
                for c in live
            ]
        )
    # Every set of cells holding 1..k-1 people (only cells of at most k-1 can be in one).
    small = [c for c in live if cells[c] <= k - 1]
    candidate_sets = [
        s
        for size in range(1, k)
        for s in combinations(small, size)
        if 1 <= sum(cells[c] for c in s) <= k - 1
    ]
    dept_n = {d: sum(n for (lv, dd), n in cells.items() if dd == d) for d in departments}
    out: dict[str, str | None] = {}
    for d in sorted(dept_n, key=lambda name: (-dept_n[name], name)):
        if dept_n[d] < k:
            out[d] = "fewer_than_k"
            continue
        trial = [*equations, [Fraction(int(c[1] == d)) for c in live]]
        exposed = any(in_span(trial, [Fraction(int(c in s)) for c in live]) for s in candidate_sets)
        if exposed:
            out[d] = "subtraction"
        else:
            out[d] = None
            equations = trial
    return out


def released_reference(
    moments: Sequence[Sequence[tuple[str, str]]], k: int
) -> list[frozenset[str]]:
    """The room's view after each moment (everyone who finished at once): newly finished
    people are held back until every level holds 0 or at least k of them, then shown."""
    views = []
    shown: set[str] = set()
    waiting: list[tuple[str, str]] = []
    for moment in moments:
        waiting.extend(moment)
        per_level = {lv: sum(1 for _c, l2 in waiting if l2 == lv) for lv in LEVELS}
        if all(n == 0 or n >= k for n in per_level.values()):
            shown |= {c for c, _l in waiting}
            waiting = []
        views.append(frozenset(shown))
    return views


# -- the report ----------------------------------------------------------------------


def reference_report(
    questionnaire: dict[str, Any],
    people: Sequence[Person],
    answers: dict[tuple[str, str], int | None],
    k: int,
    departments: Sequence[str],
    session: str = "",
) -> dict[str, Any]:
    """The ``report --json`` document; ``answers`` holds the latest value per (code, item).

    ``questionnaire``: {"id", "items": [{"id", "factor", "area", "text", "reverse"}],
    "thresholds": {...}} (missing thresholds take the defaults).
    """
    items = questionnaire["items"]
    th = {**DEFAULT_THRESHOLDS, **questionnaire.get("thresholds", {})}
    item_ids = [it["id"] for it in items]
    by_id = {it["id"]: it for it in items}
    factor_items = {f: [it["id"] for it in items if it["factor"] == f] for f in FACTORS}

    def adjusted(code: str, item: str) -> int | None:
        v = answers[(code, item)]
        if v is None:
            return None
        return -v if by_id[item]["reverse"] else v

    # A participant counts once they gave at least one answer (a don't know counts).
    counting = [x for x in people if any((x[0], i) in answers for i in item_ids)]
    level_members = {lv: [x[0] for x in counting if x[1] == lv] for lv in LEVELS}
    dept_names = list(departments)
    for x in people:
        if x[2] is not None and x[2] not in dept_names:
            dept_names.append(x[2])
    dept_members = {d: [x[0] for x in counting if x[2] == d] for d in dept_names}

    def given(members: Sequence[str], item: str) -> list[int | None]:
        return [adjusted(c, item) for c in members if (c, item) in answers]

    def p(code: str, f: str) -> Fraction | None:
        real = [
            v
            for i in factor_items[f]
            if (code, i) in answers and (v := adjusted(code, i)) is not None
        ]
        return Fraction(100 * sum(real), len(real)) if real else None

    def needed(f: str) -> int:
        return 3 if len(factor_items[f]) >= 3 else len(factor_items[f])

    def item_figures(members: Sequence[str], item: str) -> dict[str, Any]:
        answered = given(members, item)
        real = [v for v in answered if v is not None]
        return {
            "n": len(answered),
            "real": len(real),
            "mean": Fraction(100 * sum(real), len(real)) if real else None,
            "favourable": Fraction(100 * sum(1 for v in real if v in (1, 2)), len(real))
            if real
            else None,
            "dont_know": Fraction(100 * (len(answered) - len(real)), len(answered))
            if answered
            else None,
        }

    def exact_group(members: Sequence[str], publishable: bool) -> dict[str, Any]:
        """Published item figures and factor scores of a group (published items only)."""
        figs = {i: item_figures(members, i) for i in item_ids}
        published = {i for i in item_ids if publishable and figs[i]["real"] >= k}
        factors: dict[str, Fraction | None] = {}
        favourable: dict[str, Fraction | None] = {}
        for f in FACTORS:
            used = [i for i in factor_items[f] if i in published]
            if len(used) >= needed(f):
                factors[f] = avg([figs[i]["mean"] for i in used])
                favourable[f] = avg([figs[i]["favourable"] for i in used])
            else:
                factors[f] = favourable[f] = None
        return {"figs": figs, "published": published, "factors": factors, "favourable": favourable}

    def stool(imbalance: Fraction | None) -> str | None:
        if imbalance is None:
            return None
        if imbalance < threshold(th["stool_wobbly"]):
            return "stable"
        if imbalance < threshold(th["stool_tipping"]):
            return "wobbly"
        return "tipping"

    def in_band(iv: tuple[float, float], state: str) -> bool:
        lo, hi = iv
        wobbly, tipping = float(th["stool_wobbly"]), float(th["stool_tipping"])
        if state == "stable":
            return hi < wobbly
        if state == "wobbly":
            return lo >= wobbly and hi < tipping
        return lo >= tipping

    def group_json(
        n: int,
        reason: str | None,
        factors: dict[str, Fraction | None],
        favourable: dict[str, Fraction | None],
        members: Sequence[str] | None,
    ) -> dict[str, Any]:
        """``members`` None for ``all`` (no ci90, no stool_confident)."""
        if reason is not None:
            return {"n": n, "suppressed": True, "suppressed_reason": reason}
        present = [factors[f] for f in FACTORS if factors[f] is not None]
        overall = avg(present)  # type: ignore[arg-type]
        imbalance = max(present) - min(present) if len(present) >= 2 else None  # type: ignore[type-var,operator]
        state = stool(imbalance)
        ci90: dict[str, list[float] | None] = {}
        for f in FACTORS:
            if members is None or factors[f] is None:
                ci90[f] = None
            else:
                own = [v for c in members if (v := p(c, f)) is not None]
                ci90[f] = written_interval(mean_ci(factors[f], own))  # type: ignore[arg-type]
        confident: bool | None = None
        if members is not None and len(present) >= 2:
            assert state is not None
            scored = [f for f in FACTORS if factors[f] is not None]
            top = max(factors[f] for f in scored)  # type: ignore[type-var]
            hi = next(f for f in scored if factors[f] == top)
            bottom = min(factors[f] for f in scored if f != hi)  # type: ignore[type-var]
            lo = next(f for f in scored if f != hi and factors[f] == bottom)
            d = [
                a - b
                for c in members
                if (a := p(c, hi)) is not None and (b := p(c, lo)) is not None
            ]
            if len(d) < 2:
                confident = False
            else:
                iv = mean_ci(avg(d), d)  # type: ignore[arg-type]
                assert iv is not None
                confident = in_band(iv, state)
        return {
            "n": n,
            "suppressed": False,
            "factors": {f: written(factors[f]) for f in FACTORS},
            "ci90": ci90,
            "favourable_pct": {f: written(favourable[f]) for f in FACTORS},
            "overall": written(overall),
            "imbalance": written(imbalance),
            "stool": state,
            "stool_confident": confident,
        }

    # Levels.
    publishable_levels = [lv for lv in LEVELS if len(level_members[lv]) >= k]
    level = {lv: exact_group(level_members[lv], lv in publishable_levels) for lv in LEVELS}

    # Departments: the audit over counting participants' cells.
    cells: dict[tuple[str, str | None], int] = {}
    for _code, lv, d in counting:
        cells[(lv, d)] = cells.get((lv, d), 0) + 1
    verdict = audit(cells, k, dept_names)
    dept_order = sorted(dept_names, key=lambda d: (-len(dept_members[d]), d))

    groups: dict[str, Any] = {}
    if publishable_levels:
        all_factors = {
            f: avg([v for lv in publishable_levels if (v := level[lv]["factors"][f]) is not None])
            for f in FACTORS
        }
        all_fav = {
            f: avg(
                [v for lv in publishable_levels if (v := level[lv]["favourable"][f]) is not None]
            )
            for f in FACTORS
        }
        groups["all"] = group_json(len(counting), None, all_factors, all_fav, None)
    else:
        all_factors = dict.fromkeys(FACTORS)
        groups["all"] = group_json(len(counting), "fewer_than_k", {}, {}, None)
    for lv in LEVELS:
        groups[lv] = group_json(
            len(level_members[lv]),
            None if lv in publishable_levels else "fewer_than_k",
            level[lv]["factors"],
            level[lv]["favourable"],
            level_members[lv],
        )
    dept_exact = {}
    for d in dept_order:
        reason = verdict.get(d, "fewer_than_k")
        dept_exact[d] = exact_group(dept_members[d], reason is None)
        groups[f"department:{d}"] = group_json(
            len(dept_members[d]),
            reason,
            dept_exact[d]["factors"],
            dept_exact[d]["favourable"],
            dept_members[d],
        )

    # Gaps.
    gaps: dict[str, Any] = {}
    exact_gaps: dict[str, dict[str, Fraction | None]] = {}
    for a, b in GAP_PAIRS:
        key = f"{a}-{b}"
        if a not in publishable_levels or b not in publishable_levels:
            gaps[key] = {"suppressed": True}
            exact_gaps[key] = dict.fromkeys(FACTORS)
            continue
        out: dict[str, Any] = {"suppressed": False}
        factor_gap: dict[str, Fraction | None] = {}
        ci90: dict[str, list[float] | None] = {}
        significant: dict[str, bool | None] = {}
        for f in FACTORS:
            both = [
                i
                for i in factor_items[f]
                if i in level[a]["published"] and i in level[b]["published"]
            ]
            if len(both) < needed(f):
                factor_gap[f] = None
                ci90[f] = None
                significant[f] = None
                continue
            g = avg([level[a]["figs"][i]["mean"] - level[b]["figs"][i]["mean"] for i in both])
            assert g is not None
            factor_gap[f] = g
            own_a = [v for c in level_members[a] if (v := p(c, f)) is not None]
            own_b = [v for c in level_members[b] if (v := p(c, f)) is not None]
            iv = welch_ci(g, own_a, own_b)
            ci90[f] = written_interval(iv)
            significant[f] = None if iv is None else (iv[0] > 0 or iv[1] < 0)
        for f in FACTORS:
            out[f] = written(factor_gap[f])
        out["overall"] = written(avg([v for v in factor_gap.values() if v is not None]))
        out["ci90"] = ci90
        out["significant"] = significant
        gaps[key] = out
        exact_gaps[key] = factor_gap

    # Items.
    items_out: dict[str, Any] = {}
    all_item_mean: dict[str, Fraction | None] = {}
    for it in items:
        i = it["id"]
        levels_out: dict[str, Any] = {}
        for lv in publishable_levels:
            fig = level[lv]["figs"][i]
            if i in level[lv]["published"]:
                levels_out[lv] = {
                    "n": fig["n"],
                    "real": fig["real"],
                    "mean": written(fig["mean"]),
                    "favourable_pct": written(fig["favourable"]),
                    "dont_know_pct": written(fig["dont_know"]),
                }
            else:
                levels_out[lv] = {"n": fig["n"], "real": fig["real"]}
        shown = [lv for lv in publishable_levels if i in level[lv]["published"]]
        all_item_mean[i] = avg([level[lv]["figs"][i]["mean"] for lv in shown])
        items_out[i] = {
            "factor": it["factor"],
            "area": it["area"],
            "reverse": it["reverse"],
            "text": it["text"],
            "levels": levels_out,
            "all": {
                "mean": written(all_item_mean[i]),
                "favourable_pct": written(
                    avg([level[lv]["figs"][i]["favourable"] for lv in shown])
                ),
            },
        }

    # Recommendation triggers (ids only).
    fired: list[str] = []

    def paired(hi: str, lo: str, limit: float) -> bool:
        for lv in publishable_levels:
            d = [
                x - y
                for c in level_members[lv]
                if (x := p(c, hi)) is not None and (y := p(c, lo)) is not None
            ]
            if len(d) < 2:
                continue
            m = avg(d)
            iv = mean_ci(m, d)  # type: ignore[arg-type]
            assert m is not None and iv is not None
            if m >= threshold(limit) and iv[0] > 0:
                return True
        return False

    bf = gaps["board-front_line"]
    if not bf["suppressed"] and any(
        (g := exact_gaps["board-front_line"][f]) is not None
        and abs(g) >= threshold(th["executive_disconnect"])
        and bf["significant"][f] is True
        for f in FACTORS
    ):
        fired.append("executive_disconnect")
    if "board" in publishable_levels and "front_line" in publishable_levels:
        for f in FACTORS:
            board_answers = [v for i in factor_items[f] for v in given(level_members["board"], i)]
            score = level["front_line"]["factors"][f]
            if (
                board_answers
                and Fraction(100 * sum(1 for v in board_answers if v is None), len(board_answers))
                >= 30
                and score is not None
                and score <= 0
            ):
                fired.append("blind_spot")
                break
    D, R, B = FACTORS  # noqa: N806
    if paired(D, R, th["promise_gap"]):
        fired.append("promise_gap")
    if paired(R, B, th["execution_gap"]):
        fired.append("execution_gap")
    if paired(B, R, th["execution_gap"]):
        fired.append("compensating_effort")
    if publishable_levels and all(all_factors[f] is not None for f in FACTORS):
        fired.append("weakest_leg")
    limit = threshold(th["divided_level_sd"]) ** 2
    divided = False
    for lv in publishable_levels:
        for f in FACTORS:
            own = [v for c in level_members[lv] if (v := p(c, f)) is not None]
            if len(own) >= 2 and population_variance(own) >= limit:
                divided = True
    if divided:
        fired.append("divided_level")
    item_gaps = largest_item_gaps(level, publishable_levels, item_ids, th)
    if item_gaps:
        fired.append("largest_item_gaps")
    low = lowest_items(all_item_mean)
    if low:
        fired.append("lowest_items")

    return {
        "format": 2,
        "session": session,
        "questionnaire": questionnaire["id"],
        "k": k,
        "groups": groups,
        "gaps": gaps,
        "items": items_out,
        "recommendations": [{"id": rid} for rid in fired],
        # Not part of the document: what the tests check recommendations against.
        "_cited": {"largest_item_gaps": item_gaps[:3], "lowest_items": low[:3]},
    }


def largest_item_gaps(
    level: dict[str, Any], publishable: list[str], item_ids: list[str], th: dict[str, Any]
) -> list[str]:
    if "board" not in publishable or "front_line" not in publishable:
        return []
    board, front = level["board"], level["front_line"]
    wide = {
        i: abs(board["figs"][i]["mean"] - front["figs"][i]["mean"])
        for i in item_ids
        if i in board["published"] and i in front["published"]
    }
    limit = threshold(th["executive_disconnect"])
    return sorted((i for i, g in wide.items() if g >= limit), key=lambda i: (-wide[i], i))


def lowest_items(all_mean: dict[str, Fraction | None]) -> list[str]:
    below = [i for i, m in all_mean.items() if m is not None and m < 0]
    return sorted(below, key=lambda i: (all_mean[i], i))
