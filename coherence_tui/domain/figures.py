"""How each part of a report is computed from a Tally's running sums (DESIGN.md *Scoring*).

``Figures`` knows what is fixed while a Tally reports (k, the questionnaire's factors
and thresholds, the common denominator of p(x, f)); each of its methods is a pure
function of its arguments: a group's exact figures and scores, ``all``, a gap, an
item. The Tally feeds them its sums and remembers their results (``domain.memo``).
Decisions are taken on exact ``Fraction`` values; floats are made only for the report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from coherence_tui.domain.disclosure import Suppression
from coherence_tui.domain.report import ALL, Gap, GroupScores, ItemFigures, ItemScores
from coherence_tui.domain.stats import (
    Interval,
    Scaled,
    excludes_zero,
    interval_from_sd,
    mean,
    present_mean,
    sample_sd,
    welch_from_spread,
)
from coherence_tui.domain.sums import ItemSums, state_band_holds, stool_state
from coherence_tui.domain.vocabulary import (
    FACTORS,
    Factor,
    ItemLike,
    Level,
    StoolState,
    ThresholdsLike,
)

MIN_PUBLISHED_ITEMS = 3
"""A factor score (or gap) needs this many published items (or all, for a smaller factor)."""

Own = Mapping[str, Mapping[Factor, int | None]]
"""p(x, f) of participants by code, as ``Scaled`` integers (``None``: no real answer)."""

Spread = tuple[int, float | None]
"""Of a group's p(x, f): how many of its participants have one, and their sample standard
deviation (``None`` under two): all its intervals need of them."""


def _f(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True, slots=True)
class GroupExact:
    """One group's exact figures, before they are frozen into ``GroupScores``."""

    key: str
    n: int
    reason: Suppression | None
    item_means: Mapping[str, Fraction]
    """Published items only."""
    item_favourable: Mapping[str, Fraction]
    factors: Mapping[Factor, Fraction | None]
    favourable: Mapping[Factor, Fraction | None]
    members: tuple[str, ...]

    @property
    def suppressed(self) -> bool:
        return self.reason is not None


@dataclass(frozen=True, slots=True)
class Figures:
    """The computations of a report's parts, for one k and one questionnaire."""

    k: int
    factor_items: Mapping[Factor, tuple[str, ...]]
    thresholds: ThresholdsLike
    scaled: Scaled

    def needed(self, factor: Factor) -> int:
        return min(MIN_PUBLISHED_ITEMS, len(self.factor_items[factor]))

    def group(
        self,
        key: str,
        sums: Mapping[str, ItemSums],
        members: tuple[str, ...],
        reason: Suppression | None,
    ) -> GroupExact:
        """A group's published item means and factor scores (none when suppressed)."""
        means: dict[str, Fraction] = {}
        favourable: dict[str, Fraction] = {}
        if reason is None:
            for item_id, s in sums.items():
                if s.real >= self.k:
                    means[item_id] = s.mean  # type: ignore[assignment]
                    favourable[item_id] = s.favourable_pct  # type: ignore[assignment]
        factors: dict[Factor, Fraction | None] = {}
        fav: dict[Factor, Fraction | None] = {}
        for f, ids in self.factor_items.items():
            used = [i for i in ids if i in means]
            if reason is None and len(used) >= self.needed(f):
                factors[f] = mean([means[i] for i in used])
                fav[f] = mean([favourable[i] for i in used])
            else:
                factors[f] = fav[f] = None
        return GroupExact(key, len(members), reason, means, favourable, factors, fav, members)

    def spread(
        self, members: Sequence[str], own: Mapping[str, Mapping[Factor, float | None]]
    ) -> dict[Factor, Spread]:
        """Per factor, the ``Spread`` of the members' p(x, f) (``own``: as floats)."""
        out: dict[Factor, Spread] = {}
        for f in FACTORS:
            values = [v for c in members if (v := own[c][f]) is not None]
            out[f] = (len(values), sample_sd(values) if len(values) >= 2 else None)
        return out

    def scores(
        self, g: GroupExact, intervals: tuple[Mapping[Factor, Spread], Own] | None
    ) -> GroupScores:
        """A group's ``GroupScores``. ``intervals``: its members' ``spread`` and p(x, f),
        for its ci90 and stool confidence; without them both stay ``None``."""
        if g.suppressed:
            return GroupScores(g.key, g.n, True, g.reason)
        present = [v for v in g.factors.values() if v is not None]
        overall = mean(present)
        imbalance = max(present) - min(present) if len(present) >= 2 else None
        state = None if imbalance is None else stool_state(imbalance, self.thresholds)
        ci90: dict[Factor, Interval | None] = dict.fromkeys(FACTORS)
        confident: bool | None = None
        if intervals is not None:
            spread, own = intervals
            for f in FACTORS:
                score = g.factors[f]
                n, sd = spread[f]
                if score is not None and sd is not None:
                    ci90[f] = interval_from_sd(float(score), n, sd)
            if state is not None:
                confident = self.stool_confident(g, state, own)
        return GroupScores(
            key=g.key,
            n=g.n,
            suppressed=False,
            factors={f: _f(v) for f, v in g.factors.items()},
            ci90=ci90,
            favourable_pct={f: _f(v) for f, v in g.favourable.items()},
            overall=_f(overall),
            imbalance=_f(imbalance),
            stool=state,
            stool_confident=confident,
        )

    def stool_confident(self, g: GroupExact, state: StoolState, own: Own) -> bool:
        """Paired interval of p(hi) - p(lo) inside the band of the state shown."""
        scored = [f for f in FACTORS if g.factors[f] is not None]
        hi = max(scored, key=lambda f: (g.factors[f], -FACTORS.index(f)))
        rest = [f for f in scored if f is not hi]
        lo = min(rest, key=lambda f: (g.factors[f], FACTORS.index(f)))
        diffs = [
            pa - pb
            for c in g.members
            if (pa := own[c][hi]) is not None and (pb := own[c][lo]) is not None
        ]
        _mean_d, interval = self.scaled.mean_interval(diffs)
        if interval is None:
            return False
        return state_band_holds(interval, state, self.thresholds)

    def all_scores(
        self, levels: Mapping[Level, GroupExact], published: Sequence[Level], n: int
    ) -> GroupScores:
        """``all``: every publishable level weighted the same; no intervals of its own."""
        if not published:
            return GroupScores(ALL, n, True, Suppression.FEWER_THAN_K)
        factors = {f: exact_all(levels, published, f) for f in FACTORS}
        favourable = {
            f: present_mean([levels[lv].favourable[f] for lv in published]) for f in FACTORS
        }
        return self.scores(GroupExact(ALL, n, None, {}, {}, factors, favourable, ()), None)

    def gap(
        self,
        a: GroupExact,
        b: GroupExact,
        la: Level,
        lb: Level,
        spreads: tuple[Mapping[Factor, Spread], Mapping[Factor, Spread]] | None,
    ) -> tuple[Gap, dict[Factor, Fraction | None]]:
        """``la`` minus ``lb``, and its exact factor gaps. ``spreads``: both levels'
        ``spread``, for the Welch intervals; without them ci90 and significance stay
        ``None``."""
        if a.suppressed or b.suppressed:
            return Gap(la, lb, True), dict.fromkeys(FACTORS)
        diffs: dict[Factor, Fraction | None] = {}
        ci90: dict[Factor, Interval | None] = {}
        significant: dict[Factor, bool | None] = {}
        for f, ids in self.factor_items.items():
            diffs[f], ci90[f], significant[f] = None, None, None
            both = [i for i in ids if i in a.item_means and i in b.item_means]
            if len(both) < self.needed(f):
                continue
            diff = mean([a.item_means[i] - b.item_means[i] for i in both])
            assert diff is not None
            diffs[f] = diff
            if spreads is not None:
                (na, sd_a), (nb, sd_b) = spreads[0][f], spreads[1][f]
                if sd_a is not None and sd_b is not None:
                    ci90[f] = welch_from_spread(float(diff), sd_a**2, na, sd_b**2, nb)
                significant[f] = excludes_zero(ci90[f])
        gap = Gap(
            la,
            lb,
            False,
            factors={f: _f(v) for f, v in diffs.items()},
            overall=_f(present_mean(list(diffs.values()))),
            ci90=ci90,
            significant=significant,
        )
        return gap, diffs

    def item(
        self,
        item: ItemLike,
        sums: Mapping[Level, ItemSums],
        levels: Mapping[Level, GroupExact],
        published: Sequence[Level],
    ) -> ItemScores:
        """One item's figures at each publishable level (``sums``: its sums there) and in
        ``all``."""
        at_levels: dict[Level, ItemFigures] = {}
        for lv in published:
            s = sums[lv]
            shown = item.id in levels[lv].item_means
            at_levels[lv] = ItemFigures(
                n=s.answered,
                real=s.real,
                published=shown,
                mean=_f(s.mean) if shown else None,
                favourable_pct=_f(s.favourable_pct) if shown else None,
                dont_know_pct=_f(s.dont_know_pct) if shown else None,
                distribution=s.distribution(item.reverse) if shown else None,
            )
        return ItemScores(
            item_id=item.id,
            factor=item.factor,
            area=item.area,
            text=item.text,
            reverse=item.reverse,
            levels=at_levels,
            all_mean=_f(present_mean([levels[lv].item_means.get(item.id) for lv in published])),
            all_favourable_pct=_f(
                present_mean([levels[lv].item_favourable.get(item.id) for lv in published])
            ),
        )


def exact_all(
    levels: Mapping[Level, GroupExact], published: Sequence[Level], f: Factor
) -> Fraction | None:
    """``all.factors[f]``: the unweighted mean of the publishable levels' non-null scores."""
    return present_mean([levels[lv].factors[f] for lv in published])
