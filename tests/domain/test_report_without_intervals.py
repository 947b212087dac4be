"""``Tally.report(intervals=False)``: a projector's first frame without scipy.

Every figure is the full report's; only what rests on a t quantile is left out (ci90,
stool confidence, significance, the recommendations) and the report says so
(``intervals_pending``), which ``to_json`` never writes.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings

from coherence_tui.domain.report import Gap, GroupScores, Report
from tests.domain.strategies import Workshop, workshops
from tests.domain.test_scoring_by_hand import pencil_workshop

REPO = Path(__file__).resolve().parents[2]


def without_intervals(group: GroupScores) -> GroupScores:
    if group.suppressed:
        return group
    return dataclasses.replace(group, ci90=dict.fromkeys(group.ci90), stool_confident=None)


def gap_without_intervals(gap: Gap) -> Gap:
    if gap.suppressed:
        return gap
    return dataclasses.replace(
        gap, ci90=dict.fromkeys(gap.ci90), significant=dict.fromkeys(gap.significant)
    )


def pending_json(full: dict[str, Any]) -> dict[str, Any]:
    """``full`` as a report without intervals writes it."""
    out = json.loads(json.dumps(full))
    for group in out["groups"].values():
        if not group["suppressed"]:
            group["ci90"] = dict.fromkeys(group["ci90"])
            group["stool_confident"] = None
    for gap in out["gaps"].values():
        if not gap["suppressed"]:
            gap["ci90"] = dict.fromkeys(gap["ci90"])
            gap["significant"] = dict.fromkeys(gap["significant"])
    out["recommendations"] = []
    return out


def assert_same_but_intervals(pending: Report, full: Report) -> None:
    assert pending.intervals_pending and not full.intervals_pending
    assert list(pending.groups) == list(full.groups)
    for key, group in full.groups.items():
        assert pending.groups[key] == without_intervals(group), key
    assert pending.gaps == {key: gap_without_intervals(gap) for key, gap in full.gaps.items()}
    assert pending.items == full.items
    assert pending.recommendations == ()
    assert dataclasses.replace(
        pending, groups=full.groups, gaps=full.gaps, recommendations=full.recommendations
    ) == dataclasses.replace(full, intervals_pending=True)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workshops(ks=(1, 2, 3)))
def test_a_report_without_intervals_has_every_other_figure_of_the_full_one(w: Workshop) -> None:
    # Each from a Tally of its own, then both from one Tally in either order: the memos
    # keep the two kinds apart.
    pending, full = w.tally().report(intervals=False), w.tally().report()
    assert_same_but_intervals(pending, full)
    tally = w.tally()
    assert tally.report(intervals=False) == pending
    assert tally.report() == full
    assert tally.report(intervals=False) == pending
    assert_same_but_intervals(pending, full)
    document = pending.to_json()
    assert "intervals_pending" not in json.dumps(document)
    assert document == pending_json(full.to_json())


def test_the_pencil_workshop_without_intervals() -> None:
    tally = pencil_workshop()
    pending = tally.report(intervals=False)
    full = tally.report()
    assert any(v is not None for g in full.groups.values() for v in g.ci90.values())
    assert any(g.stool_confident is not None for g in full.groups.values())
    assert any(v is not None for gap in full.gaps.values() for v in gap.significant.values())
    assert full.recommendations
    assert_same_but_intervals(pending, full)
    assert all(v is None for g in pending.groups.values() for v in g.ci90.values())
    assert all(g.stool_confident is None for g in pending.groups.values())
    assert set(full.to_json()) == set(pending.to_json())


def test_a_report_without_intervals_never_imports_scipy() -> None:
    """A projector's first frame of a session large enough for every interval."""
    code = """
import sys
from coherence_tui.domain.model import Level, Participant
from tests.domain.conftest import make_questionnaire
from coherence_tui.domain.scoring import Tally

tally = Tally(make_questionnaire(per_factor=3), k=3, departments=["Sales", "Care"])
for n in range(24):
    tally.add_participant(Participant(f"P{n}", list(Level)[n % 3], ["Sales", "Care"][n % 2]))
    for i, item in enumerate(tally.questionnaire.items):
        tally.record(f"P{n}", item.id, (n * 7 + i * 3) % 5 - 2 if (n + i) % 6 else None)
pending = tally.report(intervals=False)
assert pending.intervals_pending and pending.group("all").overall is not None
assert all(not g.suppressed for g in pending.groups.values()), pending.groups
print("scipy" in sys.modules)
full = tally.report()
assert all(v is not None for g in full.groups.values() if g.key != "all" for v in g.ci90.values())
print("scipy" in sys.modules)
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert out.stdout.split() == ["False", "True"]
