"""A deliberately naive, literal reading of DESIGN.md *Scoring*, to check the Tally against.

Recomputes everything from the list of answers, with none of the Tally's
running sums: if both agree on random workshops, the incremental engine is right.
"""

from __future__ import annotations

import statistics
from typing import Any

LEVELS = ("board", "management", "front_line")
FACTORS = ("declarations", "resources", "behaviours")


def _mean(xs: list[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


def reference_report(
    items: list[dict[str, Any]],
    people: dict[str, tuple[str, str | None]],
    answers: dict[tuple[str, str], int | None],
    k: int,
    departments: list[str],
) -> dict[str, Any]:
    """``items``: dicts with id/factor/reverse; ``people``: code -> (level, dept);
    ``answers``: the latest value per (code, item)."""
    rev = {i["id"]: i["reverse"] for i in items}

    def figures(members: set[str]) -> dict[str, Any]:
        n = len({c for (c, _i) in answers if c in members})
        item_mean, agree = {}, {}
        for it in items:
            vals = [
                (-v if rev[it["id"]] else v)
                for (c, i), v in answers.items()
                if c in members and i == it["id"] and v is not None
            ]
            item_mean[it["id"]] = _mean([v * 100 for v in vals])
            agree[it["id"]] = (sum(1 for v in vals if v >= 1) * 100 / len(vals)) if vals else None
        factors = {
            f: _mean(
                [
                    item_mean[it["id"]]
                    for it in items
                    if it["factor"] == f and item_mean[it["id"]] is not None
                ]
            )
            for f in FACTORS
        }
        return {"n": n, "item_mean": item_mean, "agree": agree, "factors": factors}

    level_fig = {lv: figures({c for c, (lvl, _d) in people.items() if lvl == lv}) for lv in LEVELS}
    out: dict[str, Any] = {"groups": {}, "gaps": {}, "items": {}, "spread": {}}

    def finish(n: int, suppressed: bool, factors: dict[str, float | None]) -> dict[str, Any]:
        if suppressed:
            return {"n": n, "suppressed": True}
        present = [v for v in factors.values() if v is not None]
        overall = _mean(present)
        imb = (max(present) - min(present)) if present else None
        stool = (
            None if imb is None else ("stable" if imb < 30 else "wobbly" if imb < 60 else "tipping")
        )
        return {
            "n": n,
            "suppressed": False,
            "factors": factors,
            "overall": overall,
            "imbalance": imb,
            "stool": stool,
        }

    with_answers = [lv for lv in LEVELS if level_fig[lv]["n"] > 0]
    shown = [lv for lv in with_answers if level_fig[lv]["n"] >= k]
    use = shown if shown else with_answers
    total = sum(level_fig[lv]["n"] for lv in LEVELS)
    all_factors = {
        f: _mean(
            [level_fig[lv]["factors"][f] for lv in use if level_fig[lv]["factors"][f] is not None]
        )
        for f in FACTORS
    }
    out["groups"]["all"] = finish(total, total < k, all_factors)
    for lv in LEVELS:
        out["groups"][lv] = finish(
            level_fig[lv]["n"], level_fig[lv]["n"] < k, level_fig[lv]["factors"]
        )
    for d in departments:
        fig = figures({c for c, (_l, dd) in people.items() if dd == d})
        out["groups"][f"department:{d}"] = finish(fig["n"], fig["n"] < k, fig["factors"])
    for a, b in (("board", "front_line"), ("board", "management"), ("management", "front_line")):
        ga, gb = out["groups"][a], out["groups"][b]
        if ga["suppressed"] or gb["suppressed"]:
            out["gaps"][f"{a}-{b}"] = {"suppressed": True}
            continue
        g = {
            f: (
                None
                if ga["factors"][f] is None or gb["factors"][f] is None
                else ga["factors"][f] - gb["factors"][f]
            )
            for f in FACTORS
        }
        g["overall"] = (
            None
            if ga["overall"] is None or gb["overall"] is None
            else ga["overall"] - gb["overall"]
        )
        out["gaps"][f"{a}-{b}"] = {"suppressed": False, **g}
    for it in items:
        levels = {}
        for lv in LEVELS:
            if level_fig[lv]["n"] < k:
                levels[lv] = None
            else:
                levels[lv] = (
                    level_fig[lv]["item_mean"][it["id"]],
                    level_fig[lv]["agree"][it["id"]],
                )
        whole = None
        if total >= k:
            whole = (
                _mean(
                    [
                        level_fig[lv]["item_mean"][it["id"]]
                        for lv in use
                        if level_fig[lv]["item_mean"][it["id"]] is not None
                    ]
                ),
                _mean(
                    [
                        level_fig[lv]["agree"][it["id"]]
                        for lv in use
                        if level_fig[lv]["agree"][it["id"]] is not None
                    ]
                ),
            )
        out["items"][it["id"]] = {"levels": levels, "all": whole}
    for lv in LEVELS:
        if level_fig[lv]["n"] < k:
            continue
        members = [c for c, (lvl, _d) in people.items() if lvl == lv]
        spread = {}
        for f in FACTORS:
            own = []
            for c in members:
                vals = [
                    (-v if rev[i] else v) * 100
                    for (cc, i), v in answers.items()
                    if cc == c
                    and v is not None
                    and next(x for x in items if x["id"] == i)["factor"] == f
                ]
                if vals:
                    own.append(sum(vals) / len(vals))
            spread[f] = statistics.pstdev(own) if own else None
        out["spread"][lv] = spread
    return out
