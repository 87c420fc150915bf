"""A campaign's state on a day: per unit and target, rankings, end-of-campaign lists.

Checkpoint figures come from the frozen snapshots ("as reported then"); ``current`` and
``corrected`` are computed now from today's data. See docs/campaigns.md.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from motcua.campaigns import figures, ranking
from motcua.campaigns.models import Campaign, Snapshot, Target
from motcua.campaigns.status import Status, project, required_rate, status
from motcua.indicators.period import Period
from motcua.indicators.registry import formula_set
from motcua.indicators.report import ScopeUnit


@dataclass(frozen=True)
class Point:
    due: dt.date
    numerator: int
    denominator: int
    corrected: tuple[int, int] | None = None

    @property
    def rate(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def corrected_rate(self) -> float | None:
        return figures.rate(self.corrected)


@dataclass(frozen=True)
class UnitTarget:
    unit: ScopeUnit
    indicator: str
    target: Target
    baseline: tuple[int, int] | None
    points: list[Point]
    current: tuple[int, int]
    required: float | None
    projection: float | None
    status: Status

    @property
    def baseline_rate(self) -> float | None:
        return figures.rate(self.baseline)

    @property
    def current_rate(self) -> float | None:
        return figures.rate(self.current)

    @property
    def change_since_last(self) -> float | None:
        """Rate at the last snapshot minus the one before (as reported), in fraction."""
        rated = [p.rate for p in self.points if p.rate is not None]
        return rated[-1] - rated[-2] if len(rated) >= 2 else None


@dataclass
class Evaluation:
    campaign: Campaign
    as_of: dt.date
    units: list[ScopeUnit]
    rows: list[UnitTarget]
    checkpoints: list[dt.date]
    best: dict[str, list[ranking.Ranking]] = field(default_factory=dict)
    improved: dict[str, list[ranking.Ranking]] = field(default_factory=dict)

    @property
    def ended(self) -> bool:
        return self.as_of >= self.campaign.end

    def at_risk(self) -> list[UnitTarget]:
        return [r for r in self.rows if r.status in (Status.AT_RISK, Status.OFF_TRACK)]

    def commendation(self) -> list[ScopeUnit]:
        """Units that met every target and are large enough to be ranked, best first."""
        by_unit: dict[int, list[UnitTarget]] = defaultdict(list)
        for r in self.rows:
            by_unit[r.unit.id].append(r)
        big = {r.unit.id for r in self.rows if r.current[1] >= self.campaign.min_dossiers}
        chosen = [
            u
            for u in self.units
            if by_unit.get(u.id)
            and u.id in big
            and all(r.status == Status.MET for r in by_unit[u.id])
        ]
        return chosen

    def missed(self) -> list[UnitTarget]:
        return (
            [r for r in self.rows if r.status in (Status.OFF_TRACK, Status.NOT_EVALUABLE)]
            if self.ended
            else []
        )


def target_for(
    targets: list[tuple[Target, set[int]]], unit: ScopeUnit, indicator: str
) -> Target | None:
    """The most specific target: one naming the unit, else a group containing it, else the
    unit's level. ``targets`` pairs each target with the ids of the units it names."""
    candidates = [(t, ids) for t, ids in targets if t.indicator == indicator]
    named = [t for t, ids in candidates if unit.id in ids and not t.group_name]
    grouped = [t for t, ids in candidates if unit.id in ids and t.group_name]
    level = [t for t, ids in candidates if not ids and t.level == unit.level]
    for found in (named, grouped, level):
        if found:
            return found[0]
    return None


def evaluate(campaign: Campaign, as_of: dt.date, *, corrected: bool = True) -> Evaluation:
    end = min(as_of, campaign.end)
    period = Period(campaign.start, max(end, campaign.start))
    units = figures.scope_units(
        Period(campaign.start, campaign.end), campaign.scope_root_id, campaign.scope_levels
    )
    ids = [u.id for u in units]
    codes = campaign.indicators
    current = figures.counts(campaign.formula_set, codes, period, ids)
    baseline: figures.Counts = {}
    if campaign.baseline_start and campaign.baseline_end:
        baseline = figures.counts(
            campaign.formula_set, codes, Period(campaign.baseline_start, campaign.baseline_end), ids
        )
    snapshots = list(
        Snapshot.objects.filter(campaign=campaign, period_end__lte=as_of)
        .order_by("period_end")
        .prefetch_related("figures")
    )
    frozen: dict[tuple[int, str], list[Point]] = defaultdict(list)
    for snap in snapshots:
        live = (
            figures.counts(
                campaign.formula_set, codes, Period(campaign.start, snap.period_end), ids
            )
            if corrected
            else {}
        )
        for f in snap.figures.all():
            if f.kind == "current":
                key = (f.unit_id, f.indicator)
                frozen[key].append(
                    Point(snap.period_end, f.numerator, f.denominator, live.get(key))
                )
    targets = [
        (t, {u.pk for u in t.units.all()}) for t in campaign.targets.prefetch_related("units")
    ]
    rows = []
    span = (campaign.end - campaign.start).days
    for unit in units:
        for code in codes:
            target = target_for(targets, unit, code)
            if target is None:
                continue
            points = frozen.get((unit.id, code), [])
            series = [
                (float((p.due - campaign.start).days), p.rate) for p in points if p.rate is not None
            ]
            projection = project(series, span)
            base = baseline.get((unit.id, code))
            now = current.get((unit.id, code), (0, 0))
            required = required_rate(target.kind, target.value, figures.rate(base))
            rows.append(
                UnitTarget(
                    unit,
                    code,
                    target,
                    base,
                    points,
                    now,
                    required,
                    projection,
                    status(figures.rate(now), required, projection, ended=as_of >= campaign.end),
                )
            )
    evaluation = Evaluation(campaign, as_of, units, rows, [s.period_end for s in snapshots])
    _rank(evaluation, current, baseline)
    return evaluation


def _rank(ev: Evaluation, current: figures.Counts, baseline: figures.Counts) -> None:
    for code in ev.campaign.indicators:
        entries = []
        for u in ev.units:
            b, a = current.get((u.id, code), (0, 0))
            base = baseline.get((u.id, code))
            base_rate = Fraction(base[0], base[1]) if base and base[1] else None
            entries.append(ranking.Entry(u.code, u.name, u.level, b, a, base_rate))
        ev.best[code] = ranking.rank_best(entries, ev.campaign.min_dossiers)
        ev.improved[code] = ranking.rank_improved(entries, ev.campaign.min_dossiers)


def indicator_name(campaign: Campaign, code: str) -> str:
    return formula_set(campaign.formula_set).get(code).name_vi
